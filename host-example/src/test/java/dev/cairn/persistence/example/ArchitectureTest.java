package dev.cairn.persistence.example;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host compiles against the API only: providers are found at run time by
 * {@code SessionStores.open(location)}, so any installed provider works without a code change.
 */
class ArchitectureTest {
    private static JavaClasses all;
    private static JavaClasses main;

    @BeforeAll
    static void importClasses() {
        // this module's classes only (main and test); classes they refer to in jars are still seen by name
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.cairn.persistence.example");
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cairn.persistence.example");
    }

    @Test
    void noClassDependsOnAProvider() {
        noClasses().that().resideInAPackage("dev.cairn.persistence.example..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(
                        "dev.cairn.persistence.memory..", "dev.cairn.persistence.sqlite..",
                        "dev.cairn.persistence.postgres..", "dev.cairn.persistence.jdbc..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage(
                                "dev.cairn.persistence.postgres.testing.."))))
                .because("providers are runtime-scope plug-ins found through ServiceLoader (the tests' PostgreSQL"
                        + " server is not the provider)")
                .check(all);
        noClasses().that().resideInAPackage("dev.cairn.persistence.example..")
                .should().dependOnClassesThat().resideInAnyPackage("org.sqlite..", "org.postgresql..")
                .because("the chats table is plain JDBC; the drivers are runtime-scope")
                .check(main);
    }

    @Test
    void theAgentFrameworkKnowsNothingOfTheAppOrHttp() {
        noClasses().that().resideInAPackage("dev.cairn.persistence.example.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.persistence.example.product..",
                        "dev.cairn.persistence.example.http..", "io.javalin..")
                .check(main);
        noClasses().that().resideInAPackage("dev.cairn.persistence.example.product..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.persistence.example.http..",
                        "io.javalin..")
                .check(main);
        noClasses().that().resideInAPackage("dev.cairn.persistence.example.agent")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.persistence.example.agent.model..",
                        "dev.cairn.persistence.example.agent.tools..")
                .check(main);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.cairn.persistence.example.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void onlyMainPrintsEverythingElseLogsThroughSlf4j() {
        noClasses().that().doNotHaveFullyQualifiedName(Main.class.getName())
                .should(ACCESS_STANDARD_STREAMS).check(main);
    }
}
