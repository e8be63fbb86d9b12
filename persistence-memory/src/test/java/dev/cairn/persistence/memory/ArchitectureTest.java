package dev.cairn.persistence.memory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering of DESIGN.md for this module, checked on its main classes. */
class ArchitectureTest {
    private static final String PACKAGE = "dev.cairn.persistence.memory";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(PACKAGE);
    }

    @Test
    void dependsOnlyOnTheJdkSlf4jAndTheApi() {
        classes().that().resideInAPackage(PACKAGE + "..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.slf4j..", "dev.cairn.persistence..")
                .because("a provider may depend on the api only (DESIGN.md, Modules)")
                .check(main);
    }

    @Test
    void onlyTheProviderAndTheFactoryArePublic() {
        classes().that().resideInAPackage(PACKAGE + "..").and().arePublic()
                .should().haveFullyQualifiedName(MemoryPersistenceProvider.class.getName())
                .orShould().haveFullyQualifiedName(MemorySessionStoreFactory.class.getName())
                .because("implementation classes stay package-private")
                .check(main);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.cairn.persistence.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void theImportSawTheMainClasses() {
        org.junit.jupiter.api.Assertions.assertTrue(main.contain(Committer.class), "ArchUnit imported " + main.size());
        org.junit.jupiter.api.Assertions.assertFalse(main.contain(ArchitectureTest.class), "tests must not be checked");
    }
}
