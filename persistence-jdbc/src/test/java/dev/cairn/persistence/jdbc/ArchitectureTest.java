package dev.cairn.persistence.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
    void theConnectionRunnersKnowNothingOfSessions() {
        noClasses().that().haveSimpleNameStartingWith("SingleWriter")
                .or().haveSimpleNameStartingWith("GroupCommit").or().haveSimpleName("CommitRequest")
                .or().haveSimpleName("WriterConnection").or().haveSimpleName("CachedStatements")
                .or().haveSimpleNameStartingWith("Transactions").or().haveSimpleName("HostSettings")
                .or().haveSimpleNameStartingWith("Migrator").or().haveSimpleName("SqlErrors")
                .or().haveSimpleName("OptionChecks").or().haveSimpleName("ServerAddress")
                .should().dependOnClassesThat().haveSimpleNameStartingWith("Catalogue")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Reads")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Maintenance")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("CommitApply")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("JdbcStore")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("JdbcSessionStoreFactory")
                .orShould().dependOnClassesThat().haveSimpleName("Sql")
                .orShould().dependOnClassesThat().resideInAPackage("dev.cairn.persistence.spi..")
                .because("connections, transactions, group commit and migrations are plumbing any dialect"
                        + " can use; the promises of the SPEC stay in the store classes")
                .check(main);
    }

    @Test
    void logsOnlyThroughSlf4j() {
        GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(main);
        GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(main);
    }
}
