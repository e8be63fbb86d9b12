package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Durability;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.StoreCorruptedException;
import dev.cairn.persistence.VacuumReport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where the test providers keep their {@link ReferenceModel}: in memory (this class, one lock), or
 * in a journal file ({@link JournalBackend}). Every call runs under the backend's lock.
 */
class ModelBackend {
    /** A mutating operation: what it does to the model, and the journal record of its result. */
    interface Write<T> {
        T apply(ReferenceModel model);

        /** @return the journal records of a successful result, or none */
        default byte[][] records(T result) {
            return new byte[0][];
        }
    }

    final ReferenceModel model = new ReferenceModel();
    private final Set<ContentHash> damaged = ConcurrentHashMap.newKeySet();
    private Instant last = Instant.EPOCH;

    synchronized <T> T read(Function<ReferenceModel, T> op) {
        return op.apply(model);
    }

    synchronized <T> T write(Write<T> op) {
        return op.apply(model);
    }

    /** Runs gc on the whole model and journals it (store and factory share it). */
    GcReport gc() {
        return write(new Write<GcReport>() {
            @Override
            public GcReport apply(ReferenceModel m) {
                return m.gcUnreachable();
            }

            @Override
            public byte[][] records(GcReport r) {
                return new byte[][] {JournalCodec.gc()};
            }
        });
    }

    /** Runs vacuum on the whole model and journals it (store and factory share it). */
    VacuumReport vacuum() {
        return write(new Write<VacuumReport>() {
            @Override
            public VacuumReport apply(ReferenceModel m) {
                return m.vacuum();
            }

            @Override
            public byte[][] records(VacuumReport r) {
                return new byte[][] {JournalCodec.vacuum()};
            }
        });
    }

    /** @return a microsecond-precise instant after every earlier one of this backend */
    synchronized Instant now() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        last = t.isAfter(last) ? t : last.plus(1, ChronoUnit.MICROS);
        return last;
    }

    Durability durability() {
        return Durability.VOLATILE;
    }

    /** Loads any blob of the factory and verifies it, as providers must (rule 13). */
    Optional<byte[]> loadBlob(ContentHash hash) {
        return loadBlob(m -> m.loadBlob(hash), hash);
    }

    /** Loads a blob with {@code lookup} and verifies it, as providers must (rule 13). */
    Optional<byte[]> loadBlob(Function<ReferenceModel, Optional<byte[]>> lookup, ContentHash hash) {
        Optional<byte[]> bytes = read(lookup);
        if (bytes.isPresent() && damaged.contains(hash)) {
            bytes.get()[0] ^= 1;
        }
        if (bytes.isPresent() && !hash.matches(bytes.get())) {
            throw new StoreCorruptedException("blob " + hash + " does not match its hash");
        }
        return bytes;
    }

    /** Damages a stored blob for the rule 13 hook. */
    boolean corrupt(ContentHash hash) {
        return read(m -> m.loadBlob(hash).filter(b -> b.length > 0).isPresent()) && damaged.add(hash);
    }

    /** Called when the last factory on the backend closed. */
    void release() {
    }
}
