package dev.cairn.persistence;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The api depends on nothing of ours and nothing but the JDK, slf4j and jspecify. The root package
 * and {@code spi} refer to each other by design, like {@code java.nio.file} and
 * {@code java.nio.file.spi}: {@link SessionStores} loads providers, providers return factories.
 */
class ArchitectureTest {
    private static final JavaClasses API = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cairn.persistence");

    @Test
    void apiDependsOnlyOnTheJdkSlf4jAndJspecify() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("dev.cairn.persistence", "dev.cairn.persistence.spi", "java..", "org.slf4j..",
                        "org.jspecify..")
                .check(API);
    }

    @Test
    void apiKnowsNoProvider() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.cairn.persistence.memory..", "dev.cairn.persistence.sqlite..",
                        "dev.cairn.persistence.tck..")
                .check(API);
    }

    @Test
    void exceptionsAreUncheckedPersistenceExceptions() {
        classes().that().haveSimpleNameEndingWith("Exception").should().beAssignableTo(PersistenceException.class)
                .check(API);
    }
}
