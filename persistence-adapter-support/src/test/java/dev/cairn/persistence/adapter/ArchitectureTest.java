package dev.cairn.persistence.adapter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The shared adapter module knows the Cairn API only: no provider, no framework. */
class ArchitectureTest {
    @Test
    void dependsOnTheApiAndTheJdkOnly() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cairn.persistence.adapter");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.cairn.persistence", "dev.cairn.persistence.adapter",
                "org.slf4j..", "java..").check(main);
    }
}
