package dev.cairn.persistence.tck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module graph: the kit uses the API only, never the JDBC engine or a provider's classes. */
class EngineIndependenceTest {
    @Test
    void mainClassesNeverDependOnTheEngineOrAProvider() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cairn.persistence.tck");
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.cairn.persistence.jdbc..",
                "dev.cairn.persistence.sqlite..", "dev.cairn.persistence.postgres..", "dev.cairn.persistence.memory..")
                .because("api <- engine <- dialects; the kit, the host and the CLI depend on the api only")
                .check(main);
    }
}
