package dev.cairn.persistence.tck;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.spi.PersistenceProvider;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A test-only, crash-safe provider of the scheme {@code tckjournal:DIR}: the reference model behind
 * a journal file, shared by every factory and process on the directory. Options for the kit's own
 * durability mutants: {@code ack=early} (acknowledge before writing) and {@code commit=split}
 * (write a commit in two records and replay a torn one in part).
 */
public final class JournalProvider implements PersistenceProvider {
    private static final Map<String, JournalBackend> OPEN = new HashMap<>();
    private static final Map<String, Integer> USERS = new HashMap<>();

    /** For ServiceLoader. */
    public JournalProvider() {
    }

    @Override
    public String scheme() {
        return "tckjournal";
    }

    @Override
    public String description() {
        return "the TCK's reference model in a journal file (tests only)";
    }

    @Override
    public SessionStoreFactory open(StoreLocation location) {
        location.requireKnownOptions(Set.of("ack", "commit"));
        boolean early = location.choiceOption("ack", "sync", Set.of("sync", "early")).equals("early");
        boolean split = location.choiceOption("commit", "atomic", Set.of("atomic", "split")).equals("split");
        String key = Path.of(location.target()).toAbsolutePath().normalize() + "|" + early + "|" + split;
        JournalBackend backend;
        synchronized (OPEN) {
            backend = OPEN.computeIfAbsent(key, k -> new JournalBackend(Path.of(location.target()), early, split));
            USERS.merge(key, 1, Integer::sum);
        }
        return new ModelStoreFactory(backend, () -> {
            synchronized (OPEN) {
                if (USERS.merge(key, -1, Integer::sum) == 0) {
                    USERS.remove(key);
                    OPEN.remove(key).release();
                }
            }
        });
    }
}
