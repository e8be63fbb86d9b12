package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Cairn technology compatibility kit: every rule of {@code docs/SPEC.md}, as JUnit 5 tests.
 *
 * <p>A provider proves its conformance with a one-screen subclass in its own test sources:
 *
 * <pre>{@code
 * class SqliteKitTest extends RuntimePersistenceKit {
 *     @TempDir static Path root;
 *     private String location;
 *
 *     protected SessionStoreFactory newFactory() {
 *         location = "sqlite:" + root.resolve(UUID.randomUUID().toString());
 *         return SessionStores.open(location);
 *     }
 *
 *     protected Optional<String> sharedLocation() {
 *         return Optional.of(location);
 *     }
 * }
 * }</pre>
 *
 * <p>Tests are grouped by area in {@link Nested} classes. Every test is named after the rule it
 * checks ({@code rule03_racingCommitsAcrossThreadsExactlyOneWins}) and every failure message starts
 * with that rule ({@code [rule 3]}) and ends with a hint: "If this fails, check ...". Tests of a
 * capability the provider lacks ({@link #capabilities()}) are skipped with a reason. At the end of a
 * run the kit prints a conformance report and writes it to
 * {@code target/cairn-conformance-<SubclassSimpleName>.txt}.
 *
 * <p>Settings (system properties or JUnit configuration parameters): {@code cairn.tck.seed} replays
 * the randomized tests, {@code cairn.tck.steps} sets the steps of the model-based test,
 * {@code cairn.tck.kills} the number of {@code kill -9}s of the durability test,
 * {@code cairn.tck.power-cuts} its number of power cuts (at least 30, the default),
 * {@code cairn.tck.report.console=false} keeps the report off the console.
 */
@ExtendWith(KitExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class RuntimePersistenceKit {
    private final List<SessionStoreFactory> opened = new ArrayList<>();
    private SessionStoreFactory factory;
    private Optional<String> location = Optional.empty();
    volatile KitSettings settings = KitSettings.defaults();
    volatile int currentRule;

    /** Lets subclasses be created; a subclass needs a no-argument constructor for JUnit. */
    protected RuntimePersistenceKit() {
    }

    /**
     * A new factory on a new, empty location. The kit calls it before each test, and may call it
     * again in a test for a second, independent store. The kit closes every factory it gets.
     *
     * @return the factory
     */
    protected abstract SessionStoreFactory newFactory();

    /**
     * For providers whose data outlives a factory: the {@link SessionStores#open(String) location}
     * of the factory that {@link #newFactory()} returned last, so that the kit can open more factories
     * on it while that one is still open, in this JVM (two factories racing, close and reopen) and in
     * child JVMs (rule 23): the store must allow several factories on one location at the same time.
     *
     * @return the location, or empty (the default) if the provider's data does not outlive its
     *     factory; tests that need a shared location are then skipped with a reason
     */
    protected Optional<String> sharedLocation() {
        return Optional.empty();
    }

    /**
     * What the provider supports. By default the durability tier of the factory of the current test
     * and whether {@link #sharedLocation()} is present.
     *
     * @return the capabilities
     */
    protected KitCapabilities capabilities() {
        return new KitCapabilities(factory().durability(), location.isPresent());
    }

    /**
     * For providers that declare {@code POWER_LOSS_SAFE} and keep their data in files: a location of
     * the provider whose files all live in {@code directory}, a new, empty directory on the kit's
     * power-cut file system (a FUSE file system that loses, at a simulated power cut, every write,
     * create, rename and delete that was not made durable with fsync of the file or of its
     * directory). Rule 23 then commits in child JVMs on that location and cuts the power at least
     * 30 times. Without it (the default) a {@code POWER_LOSS_SAFE} claim is reported as not
     * certified. The machine needs {@code /dev/fuse}, libfuse 2 and {@code fusermount} (Debian:
     * {@code apt-get install fuse3 libfuse2}).
     *
     * @param directory where the provider must keep every file of the location
     * @return the location, for example {@code "sqlite:" + directory + "?durability=power-loss"}
     */
    protected Optional<String> powerCutLocation(java.nio.file.Path directory) {
        return Optional.empty();
    }

    /**
     * Optional hook for rule 13: damages the stored bytes of a blob in the storage of the factory that
     * {@link #newFactory()} returned last, behind the provider's back (for example by rewriting a row
     * or a file), so that the kit can check that {@code loadBlob} throws
     * {@code StoreCorruptedException} instead of returning the bytes.
     *
     * @param hash a blob the kit stored
     * @return true if the blob was damaged; false (the default) skips the test with a reason
     */
    protected boolean corruptBlob(ContentHash hash) {
        return false;
    }

    /** Opens the factory of the test; JUnit calls it before each test. */
    @BeforeEach
    protected final void openKitFactory() {
        factory = track(Objects.requireNonNull(newFactory(), "newFactory() returned null"));
        location = Objects.requireNonNull(sharedLocation(), "sharedLocation() returned null");
    }

    /** Closes every factory the test opened; JUnit calls it after each test. */
    @AfterEach
    protected final void closeKitFactories() {
        List<SessionStoreFactory> toClose;
        synchronized (opened) {
            toClose = new ArrayList<>(opened);
            opened.clear();
        }
        for (SessionStoreFactory f : toClose) {
            try {
                f.close();
            } catch (RuntimeException ignored) {
                // closing twice must be harmless (rule 22); the close tests report it, not every test
            }
        }
    }

    /** @return the factory of the current test */
    final SessionStoreFactory factory() {
        if (factory == null) {
            throw new IllegalStateException("the kit's factory is opened before each test");
        }
        return factory;
    }

    /** @return the shared location of the current test's factory, as it was right after opening it */
    final Optional<String> location() {
        return location;
    }

    /** @return a second factory on a new, empty location, closed after the test */
    final SessionStoreFactory independentFactory() {
        return track(newFactory());
    }

    /** @return another factory on the current test's location, closed after the test */
    final SessionStoreFactory openOnLocation() {
        String where = location.orElseThrow(() -> new IllegalStateException("no shared location"));
        return track(SessionStores.open(where));
    }

    /**
     * @param f a factory the kit must close after the test
     * @return {@code f}
     */
    final SessionStoreFactory track(SessionStoreFactory f) {
        synchronized (opened) {
            opened.add(f);
        }
        return f;
    }

    /** @return the settings of this run */
    final KitSettings settings() {
        return settings;
    }

    /** @return the rule of the running test, from its method name, or 0 */
    final int currentRule() {
        return currentRule;
    }

    /** Rules 1 and 2. */
    @Nested
    @DisplayName("Rules 1-2: atomic commits and revisions")
    class AtomicityAndRevisionTests extends AtomicityAndRevisionRules {
        AtomicityAndRevisionTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 3. */
    @Nested
    @DisplayName("Rule 3: compare-and-set and racing commits")
    class CompareAndSetTests extends CompareAndSetRules {
        CompareAndSetTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rules 4 to 6. */
    @Nested
    @DisplayName("Rules 4-6: nodes, head, attachments, checkpoints and usage references")
    class GraphTests extends GraphRules {
        GraphTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rules 7 and 8. */
    @Nested
    @DisplayName("Rules 7-8: idempotency keys and size limits")
    class IdempotencyAndLimitTests extends IdempotencyAndLimitRules {
        IdempotencyAndLimitTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rules 7 and 8 field by field and at the boundary. */
    @Nested
    @DisplayName("Rules 7-8: every fingerprint field, every limit at its boundary")
    class FingerprintAndLimitTests extends FingerprintAndLimitRules {
        FingerprintAndLimitTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Exact round trips, copies, and ids reused after vacuum. */
    @Nested
    @DisplayName("Rules 13-18: exact round trips, copies, reused ids")
    class RoundTripTests extends RoundTripRules {
        RoundTripTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rules 9 and 10. */
    @Nested
    @DisplayName("Rules 9-10: read scopes and payloads")
    class ReadScopeTests extends ReadScopeRules {
        ReadScopeTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rules 11 to 13. */
    @Nested
    @DisplayName("Rules 11-13: checkpoints, visibility and blob integrity")
    class CheckpointVisibilityBlobTests extends CheckpointVisibilityBlobRules {
        CheckpointVisibilityBlobTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 14. */
    @Nested
    @DisplayName("Rule 14: usage ledger")
    class UsageLedgerTests extends UsageLedgerRules {
        UsageLedgerTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 15. */
    @Nested
    @DisplayName("Rule 15: tombstones")
    class TombstoneTests extends TombstoneRules {
        TombstoneTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rules 16 and 17. */
    @Nested
    @DisplayName("Rules 16-17: garbage collection and vacuum")
    class GcVacuumTests extends GcVacuumRules {
        GcVacuumTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 18. */
    @Nested
    @DisplayName("Rule 18: sessions, metadata and ids")
    class SessionTests extends SessionRules {
        SessionTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 19. */
    @Nested
    @DisplayName("Rule 19: listing sessions")
    class ListingTests extends ListingRules {
        ListingTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rules 6, 11, 13, 16, 20 and 21 for checkpoint slot values of every size. */
    @Nested
    @DisplayName("Rules 6, 11, 13, 16, 20, 21: slot values of every size")
    class SlotValueTests extends SlotValueRules {
        SlotValueTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 20. */
    @Nested
    @DisplayName("Rule 20: forks")
    class ForkTests extends ForkRules {
        ForkTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 21. */
    @Nested
    @DisplayName("Rule 21: deleting sessions")
    class DeleteTests extends DeleteRules {
        DeleteTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 22. */
    @Nested
    @DisplayName("Rule 22: closing stores and factories")
    class CloseTests extends CloseRules {
        CloseTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Rule 23 (kill -9, and power cuts for POWER_LOSS_SAFE), and cross-process visibility (rule 12). */
    @Nested
    @DisplayName("Rule 23: durability across kill -9 and power cuts (child JVMs)")
    class DurabilityTests extends PowerCutRules {
        DurabilityTests() {
            super(RuntimePersistenceKit.this);
        }
    }

    /** Random operations against the provider and the kit's reference model. */
    @Nested
    @DisplayName("Rules 1-21: random operations compared with a reference model")
    class ModelBasedTests extends ModelBasedRules {
        ModelBasedTests() {
            super(RuntimePersistenceKit.this);
        }
    }
}
