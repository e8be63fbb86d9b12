package dev.cairn.persistence.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine sits between the api and the dialects: api <- engine <- {sqlite, postgres}. */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cairn.persistence.jdbc");
    }

    @Test
    void dependsOnTheApiAndJdbcOnlyNeverOnADialectOrADriver() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.sql..", "org.slf4j..",
                        "com.github.luben.zstd..", "dev.cairn.persistence", "dev.cairn.persistence.spi..",
                        "dev.cairn.persistence.jdbc..")
                .because("what a database does differently belongs to its dialect, not to the engine")
                .check(main);
    }

    @Test
    void logsOnlyThroughSlf4j() {
        GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(main);
        GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(main);
    }
}
