package dev.cairn.persistence.postgres;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.Test;

/** The provider's shape: a small public surface, slf4j only, written against the API alone. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cairn.persistence.postgres");

    @Test
    void onlyTheProviderTheFactoryAndItsSettingsArePublic() {
        classes().that().haveModifier(JavaModifier.PUBLIC).and().areTopLevelClasses()
                .should().haveSimpleName("PostgresPersistenceProvider")
                .orShould().haveSimpleName("PostgresSessionStoreFactory")
                .orShould().haveSimpleName("PostgresOptions")
                .orShould().haveSimpleName("PostgresLocation")
                .check(MAIN);
    }

    @Test
    void logsOnlyThroughSlf4j() {
        GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(MAIN);
        GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(MAIN);
    }

    @Test
    void dependsOnTheApiNotOnOtherProviders() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.cairn.persistence.memory..",
                "dev.cairn.persistence.tck..", "dev.cairn.persistence.sqlite..").check(MAIN);
    }

    @Test
    void hikariAndTheDriverStayInTheDatabaseClass() {
        noClasses().that().doNotHaveSimpleName("Database")
                .should().dependOnClassesThat().resideInAnyPackage("com.zaxxer.hikari..", "org.postgresql..")
                .check(MAIN);
    }
}
