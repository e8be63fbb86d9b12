package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.GcReport;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint slot values of every size through rewind, fork, gc, vacuum and delete (rules 6, 11, 13,
 * 16, 20, 21). A store may keep small values with their slot instead of as shared blobs (the JDBC
 * engine keeps values of at most 2 KiB in the slot's row); the sizes here straddle that bound and
 * the compression threshold, and every rule must hold the same on both sides.
 */
abstract class SlotValueRules extends KitRules {
    /** 0, around the compression threshold (512), around 2 KiB, and larger. */
    private static final int[] SIZES = {0, 1, 511, 512, 2047, 2048, 2049, 4096, 70_000};

    SlotValueRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    /** Random bytes for an even seed; for an odd one, compressible bytes. Distinct for distinct seeds. */
    private static byte[] value(int seed, int size) {
        if (seed % 2 == 0) {
            return Fx.random(seed, size);
        }
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) ('a' + seed % 26));
        if (size > 0) {
            b[0] = (byte) seed;
        }
        return b;
    }

    private static ContentHash h(byte[] b) {
        return ContentHash.of(b);
    }

    @Test
    void rule13_slotValuesOfEverySizeRoundTrip() {
        RuntimePersistence s = open("s");
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0).append(Fx.root("r")).head("r");
        for (int i = 0; i < SIZES.length; i++) {
            b.checkpoint("slot" + i, value(i, SIZES[i]));
        }
        commit(s, b);
        for (int i = 0; i < SIZES.length; i++) {
            byte[] v = value(i, SIZES[i]);
            CheckpointSlot slot = read(s).checkpoint().slot("slot" + i).orElseThrow(
                    () -> failure("a committed slot is missing from the checkpoint", null));
            checkEquals((long) SIZES[i], slot.blob().size(), "size of a slot value of " + SIZES[i] + " bytes");
            checkBytes(v, s.loadBlob(slot.blob().hash()), "slot value of " + SIZES[i] + " bytes", null);
            checkBytes(v, factory().loadBlob(h(v)), "slot value of " + SIZES[i] + " bytes, through the factory", null);
        }
    }

    /** r [state = 2,048 bytes] - c [state = 2,049 bytes] - d [state = small]; head d. */
    private RuntimePersistence chain(String id, byte[] atR, byte[] atC, byte[] atD) {
        RuntimePersistence s = open(id);
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).head("r").checkpoint("state", atR)
                .checkpoint("config", atR));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("c", "r")).head("c").checkpoint("state", atC));
        commit(s, RuntimeCommit.expecting(2).append(Fx.child("d", "c")).head("d").checkpoint("state", atD));
        return s;
    }

    @Test
    void rule11_rewindReturnsTheOlderValues() {
        byte[] atR = value(2, 2048);
        byte[] atC = value(4, 2049);
        byte[] atD = value(6, 40);
        RuntimePersistence s = chain("s", atR, atC, atD);
        commit(s, RuntimeCommit.expecting(3).head("r"));
        checkBytes(atR, s.loadBlob(read(s).checkpoint().slot("state").orElseThrow().blob().hash()),
                "slot state after rewinding to r", null);
        commit(s, RuntimeCommit.expecting(4).head("c"));
        checkBytes(atC, s.loadBlob(read(s).checkpoint().slot("state").orElseThrow().blob().hash()),
                "slot state with the head on c", null);
        checkBytes(atR, s.loadBlob(read(s).checkpoint().slot("config").orElseThrow().blob().hash()),
                "slot config, inherited from r, with the head on c", null);
        checkBytes(atD, s.loadBlob(h(atD)), "slot state of d, off the active path but live", null);
    }

    @Test
    void rule20_aForkKeepsItsSlotValuesWhenTheSourceIsDeleted() {
        byte[] atR = value(8, 2048);
        byte[] atC = value(10, 2049);
        byte[] atD = value(12, 40);
        chain("src", atR, atC, atD);
        RuntimePersistence f = must("forkSession(src, c, f)", () -> factory().forkSession(ForkRequest.of("src", "c", "f")));
        check(must("deleteSession(src)", () -> factory().deleteSession("src")), "deleteSession of the fork's source");
        checkBytes(atC, f.loadBlob(read(f).checkpoint().slot("state").orElseThrow().blob().hash()),
                "slot state of the fork at c after its source was deleted", SpecRules.hint(20));
        checkBytes(atR, f.loadBlob(read(f).checkpoint().slot("config").orElseThrow().blob().hash()),
                "slot config of the fork (inherited from r) after its source was deleted", SpecRules.hint(20));
        check(factory().loadBlob(h(atD)).isEmpty(), "the slot value only the deleted source's node d held survived"
                + " deleteSession", SpecRules.hint(21));
    }

    @Test
    void rule16_gcAndVacuumTreatSlotValuesOfEverySizeAlike() {
        byte[] live = value(14, 300);
        byte[] shared = value(16, 100);
        byte[] deadSmall = value(18, 1500);
        byte[] deadLarge = value(20, 9000);
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).append(Fx.child("a", "r")).head("a")
                .checkpoint("state", live));
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("b", "r")).head("b").checkpoint("state", shared)
                .checkpoint("small", deadSmall).checkpoint("large", deadLarge));
        commit(s, RuntimeCommit.expecting(2).head("a"));
        RuntimePersistence t = open("t");
        commit(t, RuntimeCommit.expecting(0).append(Fx.root("t1")).head("t1").checkpoint("state", shared));
        checkEquals(1, s.tombstoneNodes(List.of("b")), "tombstoneNodes([b])");
        GcReport report = must("gcUnreachable", s::gcUnreachable);
        checkEquals(new GcReport(1, 2, deadSmall.length + deadLarge.length), report,
                "GcReport (nodes detached, blobs deleted, bytes freed) after b, with a small and a large slot value"
                        + " only it held, and one session t also holds, was tombstoned");
        check(factory().loadBlob(h(deadSmall)).isEmpty(), "a small slot value of detached b survived gc");
        check(factory().loadBlob(h(deadLarge)).isEmpty(), "a large slot value of detached b survived gc");
        check(s.loadBlob(h(shared)).isEmpty(), "session s hands out a slot value only its detached node held");
        checkBytes(shared, t.loadBlob(h(shared)), "session t's slot value, which s's detached node also held", null);
        checkBytes(live, s.loadBlob(h(live)), "the slot value of live node a after gc", null);
        must("vacuum", s::vacuum);
        checkBytes(shared, t.loadBlob(h(shared)), "session t's slot value after vacuum", null);
        checkBytes(live, s.loadBlob(h(live)), "the slot value of live node a after vacuum", null);
        checkEquals(new GcReport(0, 0, 0), must("gcUnreachable", s::gcUnreachable), "GcReport of a second gc");
    }

    @Test
    void rule6_anAttachmentMayNameASlotValueOfItsSessionWithoutItsBytes() {
        byte[] small = value(22, 64);
        RuntimePersistence s = open("s");
        commit(s, RuntimeCommit.expecting(0).append(Fx.root("r")).append(Fx.child("a", "r")).head("a")
                .checkpoint("state", small));
        BlobRef ref = new BlobRef(h(small), small.length, "application/json");
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("b", "r", ref)).head("b"));
        checkEquals(1, s.tombstoneNodes(List.of("a")), "tombstoneNodes([a])");
        must("gcUnreachable", s::gcUnreachable);
        must("vacuum", s::vacuum);
        checkBytes(small, s.loadBlob(h(small)), "an attachment of live b that named, without its bytes, the slot"
                + " value of a, after a was tombstoned, detached and removed", SpecRules.hint(6));
    }
}
