package dev.cairn.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.spi.PersistenceProvider;
import dev.cairn.persistence.testproviders.AlphaProvider;
import dev.cairn.persistence.testproviders.BrokenProvider;
import dev.cairn.persistence.testproviders.SecondAlphaProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStoresTest {
    @TempDir
    Path dir;

    private ClassLoader providers(Class<?>... classes) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(PersistenceProvider.class.getName()),
                Arrays.stream(classes).map(Class::getName).collect(Collectors.joining("\n", "", "\n")));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void findsTheProviderBySchemeAndPassesTheParsedLocation() throws IOException {
        SessionStoreFactory f = SessionStores.open("alpha:some/dir?mode=x", providers(AlphaProvider.class));
        assertEquals(Durability.VOLATILE, f.durability());
        assertEquals(new StoreLocation("alpha", "some/dir", java.util.Map.of("mode", "x")), AlphaProvider.LAST.get());
        assertEquals(Set.of("alpha"), SessionStores.schemes(providers(AlphaProvider.class)));
    }

    @Test
    void unknownSchemeListsInstalledSchemesAndTheArtifactToAdd() throws IOException {
        ProviderNotFoundException e = assertThrows(ProviderNotFoundException.class,
                () -> SessionStores.open("sqlite:./data", providers(AlphaProvider.class)));
        assertTrue(e.getMessage().contains("scheme 'sqlite'"), e.getMessage());
        assertTrue(e.getMessage().contains("Installed schemes: [alpha]"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.cairn:persistence-sqlite"), e.getMessage());
    }

    @Test
    void unknownSchemeWithNothingInstalledSaysSo() throws IOException {
        ProviderNotFoundException e = assertThrows(ProviderNotFoundException.class,
                () -> SessionStores.open("nosuch:x", providers()));
        assertTrue(e.getMessage().contains("Installed schemes: none"), e.getMessage());
        assertTrue(!e.getMessage().contains("Add the artifact"), "no artifact is known for 'nosuch'");
    }

    @Test
    void twoProvidersOfOneSchemeFailNamingBothClasses() throws IOException {
        ProviderConfigurationException e = assertThrows(ProviderConfigurationException.class,
                () -> SessionStores.open("alpha:x", providers(AlphaProvider.class, SecondAlphaProvider.class)));
        assertTrue(e.getMessage().contains(AlphaProvider.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(SecondAlphaProvider.class.getName()), e.getMessage());
    }

    @Test
    void aBrokenProviderIsReportedWithItsCauseWhenTheSchemeIsMissing() throws IOException {
        ProviderConfigurationException e = assertThrows(ProviderConfigurationException.class,
                () -> SessionStores.open("broken:x", providers(AlphaProvider.class, BrokenProvider.class)));
        assertTrue(e.getMessage().contains(BrokenProvider.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("Installed schemes: [alpha]"), e.getMessage());
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertInstanceOf(IllegalStateException.class, root);
        assertEquals("native library cairn-broken not found", root.getMessage());
    }

    @Test
    void aBrokenProviderDoesNotHideAWorkingOne() throws IOException {
        SessionStoreFactory f = SessionStores.open("alpha:x", providers(BrokenProvider.class, AlphaProvider.class));
        assertEquals(Durability.VOLATILE, f.durability());
    }

    @Test
    void aMalformedServicesFileIsReportedNotLooped() throws IOException {
        ClassLoader loader = providers();
        Files.writeString(dir.resolve("META-INF/services/" + PersistenceProvider.class.getName()),
                "not a class name!\n");
        ProviderConfigurationException e = assertThrows(ProviderConfigurationException.class,
                () -> SessionStores.open("alpha:x", loader));
        assertTrue(e.getMessage().contains("Providers that failed to load"), e.getMessage());
        assertEquals(Set.of(), SessionStores.schemes(loader));
    }

    @Test
    void malformedLocationsFailBeforeDiscovery() throws IOException {
        ClassLoader loader = providers(AlphaProvider.class);
        assertThrows(InvalidRequestException.class, () -> SessionStores.open("no-colon", loader));
        assertThrows(NullPointerException.class, () -> SessionStores.open(null, loader));
    }
}
