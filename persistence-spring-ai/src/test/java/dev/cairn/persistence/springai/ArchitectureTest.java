package dev.cairn.persistence.springai;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter depends on the Cairn API, the shared adapter module and its framework only: never on a
 * provider, so any installed provider works, found by {@code SessionStores.open(location)}.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cairn.persistence.springai");
    }

    @Test
    void theAdapterDependsOnTheApiTheAdapterSupportAndItsFrameworkOnly() {
        classes().that().resideInAPackage("dev.cairn.persistence.springai..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.cairn.persistence", "dev.cairn.persistence.adapter",
                        "dev.cairn.persistence.springai..", "org.springframework..", "tools.jackson..", "org.slf4j..", "java..", "javax.annotation..")
                .because("an adapter is written against the API; providers are runtime plug-ins")
                .check(main);
    }

    @Test
    void noProviderIsReferenced() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.cairn.persistence.memory..",
                "dev.cairn.persistence.sqlite..", "dev.cairn.persistence.postgres..", "dev.cairn.persistence.jdbc..")
                .check(main);
    }

    @Test
    void nothingPrintsEverythingLogsThroughSlf4j() {
        noClasses().should(ACCESS_STANDARD_STREAMS).check(main);
    }
}
