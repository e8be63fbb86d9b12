package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.ForkRequest;
import dev.cairn.persistence.NewBlob;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.StorePolicy;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The records of the test journal provider: one per successful mutating operation, replayed into a
 * fresh {@link ReferenceModel} with the same times, so the model comes back exactly as it was.
 */
final class JournalCodec {
    private JournalCodec() {
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] record(char type, Body body) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(type);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    private static void opt(DataOutputStream out, Optional<String> s) throws IOException {
        out.writeBoolean(s.isPresent());
        if (s.isPresent()) {
            out.writeUTF(s.get());
        }
    }

    private static Optional<String> opt(DataInputStream in) throws IOException {
        return in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void map(DataOutputStream out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static Map<String, String> map(DataInputStream in) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            m.put(in.readUTF(), in.readUTF());
        }
        return m;
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    private static void ref(DataOutputStream out, BlobRef r) throws IOException {
        out.writeUTF(r.hash().hex());
        out.writeLong(r.size());
        out.writeUTF(r.mediaType());
    }

    private static BlobRef ref(DataInputStream in) throws IOException {
        return new BlobRef(new ContentHash(in.readUTF()), in.readLong(), in.readUTF());
    }

    static byte[] create(SessionStoreCreateRequest r, Instant now) {
        return record('C', out -> {
            out.writeUTF(r.sessionId());
            opt(out, r.parentSessionId());
            out.writeUTF(r.name());
            out.writeUTF(r.model());
            out.writeUTF(r.cwd());
            map(out, r.attributes());
            instant(out, now);
        });
    }

    static byte[] meta(String sessionId, SessionMeta m) {
        return record('M', out -> {
            out.writeUTF(sessionId);
            out.writeUTF(m.name());
            out.writeUTF(m.model());
            out.writeUTF(m.cwd());
            opt(out, m.parentSessionId());
            instant(out, m.createdAt());
            map(out, m.attributes());
        });
    }

    static byte[] tombstone(String sessionId, Collection<String> ids) {
        return record('T', out -> {
            out.writeUTF(sessionId);
            out.writeInt(ids.size());
            for (String id : ids) {
                out.writeUTF(id);
            }
        });
    }

    static byte[] gc() {
        return record('G', out -> { });
    }

    static byte[] vacuum() {
        return record('V', out -> { });
    }

    static byte[] fork(ForkRequest r, Instant now) {
        return record('F', out -> {
            out.writeUTF(r.sourceSessionId());
            out.writeUTF(r.atNodeId());
            out.writeUTF(r.newSessionId());
            instant(out, now);
        });
    }

    static byte[] delete(String sessionId) {
        return record('D', out -> out.writeUTF(sessionId));
    }

    static byte[][] commit(String sessionId, StorePolicy policy, RuntimeCommit c, Instant now) {
        return new byte[][] {record('K', out -> {
            out.writeUTF(sessionId);
            out.writeInt(policy.maxPayloadBytes());
            out.writeLong(policy.maxBlobBytes());
            instant(out, now);
            out.writeBoolean(c.expectedRevision().isPresent());
            out.writeLong(c.expectedRevision().orElse(-1));
            out.writeInt(c.nodes().size());
            for (NewNode n : c.nodes()) {
                out.writeUTF(n.nodeId());
                opt(out, n.parentNodeId());
                out.writeUTF(n.kind().name());
                bytes(out, n.payload());
                out.writeInt(n.attachments().size());
                for (BlobRef r : n.attachments()) {
                    ref(out, r);
                }
            }
            opt(out, c.head());
            out.writeInt(c.checkpoint().size());
            for (Map.Entry<String, BlobRef> e : c.checkpoint().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue().hash().hex());
            }
            out.writeInt(c.blobs().size());
            for (NewBlob b : c.blobs().values()) {
                bytes(out, b.bytes());
            }
            out.writeInt(c.usage().size());
            for (UsageRecord u : c.usage()) {
                out.writeUTF(u.nodeId());
                out.writeUTF(u.model());
                TokenUsage t = u.usage();
                out.writeLong(t.inputTokens());
                out.writeLong(t.outputTokens());
                out.writeLong(t.cachedInputTokens());
                out.writeLong(t.reasoningTokens());
            }
            opt(out, c.idempotencyKey());
        })};
    }

    /** @return the record type */
    static char type(byte[] record) {
        return (char) record[0];
    }

    /** @return the same commit record under another type, e.g. 'A' for the first half of a split commit */
    static byte[] retype(byte[] record, char type) {
        byte[] copy = record.clone();
        copy[0] = (byte) type;
        return copy;
    }

    /**
     * Replays a record into a model.
     *
     * @param nodesOnly for a commit record: apply only its nodes (what a torn two-part write leaves)
     */
    static void apply(ReferenceModel m, byte[] record, boolean nodesOnly) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            char type = (char) in.readByte();
            switch (type) {
                case 'C' -> {
                    SessionStoreCreateRequest r = SessionStoreCreateRequest.of(in.readUTF());
                    Optional<String> parent = opt(in);
                    r = r.withName(in.readUTF()).withModel(in.readUTF()).withCwd(in.readUTF()).withAttributes(map(in));
                    m.createStore(parent.isPresent() ? r.withParent(parent.get()) : r, instant(in));
                }
                case 'M' -> {
                    String id = in.readUTF();
                    String name = in.readUTF();
                    String model = in.readUTF();
                    String cwd = in.readUTF();
                    Optional<String> parent = opt(in);
                    Instant created = instant(in);
                    m.saveSessionMeta(id, new SessionMeta(id, name, model, cwd, parent, created, map(in)));
                }
                case 'T' -> {
                    String id = in.readUTF();
                    List<String> ids = new ArrayList<>();
                    for (int n = in.readInt(); n > 0; n--) {
                        ids.add(in.readUTF());
                    }
                    m.tombstoneNodes(id, ids);
                }
                case 'G' -> m.gcUnreachable();
                case 'V' -> m.vacuum();
                case 'F' -> {
                    ForkRequest r = ForkRequest.of(in.readUTF(), in.readUTF(), in.readUTF());
                    m.forkSession(r, instant(in));
                }
                case 'D' -> m.deleteSession(in.readUTF());
                case 'K', 'A' -> applyCommit(m, in, nodesOnly);
                default -> throw new IllegalStateException("unknown journal record type " + type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void applyCommit(ReferenceModel m, DataInputStream in, boolean nodesOnly) throws IOException {
        String sessionId = in.readUTF();
        StorePolicy policy = new StorePolicy(in.readInt(), in.readLong());
        Instant now = instant(in);
        boolean conditional = in.readBoolean();
        long expected = in.readLong();
        List<NewNode> nodes = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) {
            String id = in.readUTF();
            Optional<String> parent = opt(in);
            NodeKind kind = NodeKind.of(in.readUTF());
            byte[] payload = bytes(in);
            List<BlobRef> refs = new ArrayList<>();
            for (int k = in.readInt(); k > 0; k--) {
                refs.add(ref(in));
            }
            nodes.add(new NewNode(id, parent, kind, payload, refs));
        }
        Optional<String> head = opt(in);
        Map<String, String> slots = new TreeMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            slots.put(in.readUTF(), in.readUTF());
        }
        Map<String, byte[]> blobs = new HashMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            byte[] b = bytes(in);
            blobs.put(ContentHash.of(b).hex(), b);
        }
        List<UsageRecord> usage = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) {
            usage.add(new UsageRecord(in.readUTF(), in.readUTF(),
                    new TokenUsage(in.readLong(), in.readLong(), in.readLong(), in.readLong())));
        }
        Optional<String> key = opt(in);
        RuntimeCommit.Builder b = nodesOnly || !conditional ? RuntimeCommit.unconditional() : RuntimeCommit.expecting(expected);
        for (NewNode n : nodes) {
            for (BlobRef r : n.attachments()) {
                byte[] carried = blobs.get(r.hash().hex());
                if (carried != null) {
                    b.attach(carried, r.mediaType());
                }
            }
            b.append(n);
        }
        if (!nodesOnly) {
            head.ifPresent(b::head);
            slots.forEach((slot, hex) -> b.checkpoint(slot, blobs.get(hex)));
            usage.forEach(u -> b.usage(u.nodeId(), u.model(), u.usage()));
            key.ifPresent(b::idempotencyKey);
        }
        m.commit(sessionId, policy, b.build(), now);
    }
}
