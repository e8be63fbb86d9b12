package dev.cairn.persistence;

import dev.cairn.persistence.spi.PersistenceProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: opens a {@link SessionStoreFactory} from a location string by finding the
 * provider of its scheme with {@link ServiceLoader}.
 *
 * <pre>{@code
 * try (SessionStoreFactory factory = SessionStores.open("sqlite:./.cairn-data")) { ... }
 * }</pre>
 *
 * <p>There is no fallback: an unknown scheme fails with {@link ProviderNotFoundException} listing
 * the installed schemes and the artifact that adds the missing one; two providers of one scheme, or
 * a provider that cannot be loaded while the scheme is missing, fail with
 * {@link ProviderConfigurationException}. A host that asked for SQLite and silently got memory would
 * lose its data.
 */
public final class SessionStores {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStores.class);
    private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "memory", "dev.cairn:persistence-memory",
            "sqlite", "dev.cairn:persistence-sqlite",
            "postgres", "dev.cairn:persistence-postgres",
            "postgresql", "dev.cairn:persistence-postgres");

    private SessionStores() {
    }

    /**
     * Opens a factory, finding providers with the thread's context class loader (or this class's
     * loader when there is none).
     *
     * @param location {@code scheme:target[?key=value&...]}, e.g. {@code sqlite:./.cairn-data}
     * @return the factory; close it at shutdown
     */
    public static SessionStoreFactory open(String location) {
        return open(location, defaultLoader());
    }

    /**
     * Opens a factory, finding providers with a given class loader.
     *
     * @param location {@code scheme:target[?key=value&...]}
     * @param classLoader where to look for providers
     * @return the factory; close it at shutdown
     * @throws InvalidRequestException if the location is malformed
     * @throws ProviderNotFoundException if no provider serves the scheme
     * @throws ProviderConfigurationException if two providers serve it, or providers failed to load
     */
    public static SessionStoreFactory open(String location, ClassLoader classLoader) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(classLoader, "classLoader");
        StoreLocation parsed = StoreLocation.parse(location);
        PersistenceProvider provider = find(parsed, classLoader);
        LOG.debug("Opening {} with {}", parsed, provider.getClass().getName());
        return provider.open(parsed);
    }

    /** @return the schemes of the providers installed for the context class loader, sorted */
    public static Set<String> schemes() {
        return schemes(defaultLoader());
    }

    /**
     * @param classLoader where to look for providers
     * @return the schemes of the providers that loaded, sorted
     */
    public static Set<String> schemes(ClassLoader classLoader) {
        return new TreeSet<>(load(classLoader).byScheme.keySet());
    }

    private static PersistenceProvider find(StoreLocation location, ClassLoader classLoader) {
        Loaded loaded = load(classLoader);
        List<PersistenceProvider> candidates = loaded.byScheme.getOrDefault(location.scheme(), List.of());
        if (candidates.size() > 1) {
            throw new ProviderConfigurationException("Several providers serve scheme '" + location.scheme() + "': "
                    + candidates.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "))
                    + "; keep exactly one of them on the class path");
        }
        if (candidates.size() == 1) {
            for (ServiceConfigurationError e : loaded.failures) {
                LOG.warn("A Cairn persistence provider failed to load and was skipped: {}", e.toString());
            }
            return candidates.get(0);
        }
        StringBuilder msg = new StringBuilder("No Cairn persistence provider for scheme '")
                .append(location.scheme()).append("' (location ").append(location).append("). Installed schemes: ")
                .append(loaded.byScheme.isEmpty() ? "none" : new TreeSet<>(loaded.byScheme.keySet()).toString())
                .append('.');
        String artifact = KNOWN_ARTIFACTS.get(location.scheme());
        if (artifact != null) {
            msg.append(" Add the artifact ").append(artifact).append(" to the class path.");
        }
        if (!loaded.failures.isEmpty()) {
            msg.append(" Providers that failed to load: ");
            msg.append(loaded.failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")));
            ProviderConfigurationException e = new ProviderConfigurationException(msg.toString(), loaded.failures.get(0));
            loaded.failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        throw new ProviderNotFoundException(msg.toString());
    }

    private static Loaded load(ClassLoader classLoader) {
        Map<String, List<PersistenceProvider>> byScheme = new TreeMap<>();
        List<ServiceConfigurationError> failures = new ArrayList<>();
        var it = ServiceLoader.load(PersistenceProvider.class, classLoader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
            } catch (ServiceConfigurationError e) {
                // A malformed services file: the iterator cannot go on past it, so stop here.
                failures.add(e);
                break;
            }
            PersistenceProvider p;
            try {
                p = it.next();
            } catch (ServiceConfigurationError e) {
                failures.add(e); // this provider failed to load; the iterator moves on to the next
                continue;
            }
            String scheme;
            try {
                scheme = Objects.requireNonNull(p.scheme(), "scheme()");
            } catch (RuntimeException e) {
                failures.add(new ServiceConfigurationError(p.getClass().getName() + ".scheme() failed: " + e, e));
                continue;
            }
            byScheme.computeIfAbsent(scheme, k -> new ArrayList<>()).add(p);
        }
        return new Loaded(byScheme, failures);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : SessionStores.class.getClassLoader();
    }

    private record Loaded(Map<String, List<PersistenceProvider>> byScheme, List<ServiceConfigurationError> failures) {
    }
}
