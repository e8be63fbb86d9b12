package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.Checkpoint;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.StoreCorruptedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The compact binary forms of the small structured values kept in one column: a node's attachment
 * references and the checkpoint of an idempotent commit's result. Version byte first.
 */
public final class Encoding {
    private static final int VERSION = 1;

    private Encoding() {
    }

    /** @return the encoded references, or empty for none (stored as NULL) */
    public static Optional<byte[]> encodeRefs(List<BlobRef> refs) {
        if (refs.isEmpty()) {
            return Optional.empty();
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(16 + refs.size() * 64);
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(VERSION);
            out.writeInt(refs.size());
            for (BlobRef r : refs) {
                out.write(r.hash().toBytes());
                out.writeLong(r.size());
                out.writeUTF(r.mediaType());
            }
        } catch (IOException e) {
            throw new PersistenceException("Cannot encode attachment references", e);
        }
        return Optional.of(buf.toByteArray());
    }

    /**
     * @param bytes what {@link #encodeRefs} wrote, or null for none
     * @param what what the references belong to, for the message
     * @return the references
     * @throws StoreCorruptedException if the bytes cannot be decoded
     */
    public static List<BlobRef> decodeRefs(byte[] bytes, String what) {
        if (bytes == null) {
            return List.of();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            requireVersion(in.readByte(), what);
            int n = in.readInt();
            List<BlobRef> refs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] digest = in.readNBytes(32);
                refs.add(new BlobRef(ContentHash.ofDigest(digest), in.readLong(), in.readUTF()));
            }
            return refs;
        } catch (IOException | RuntimeException e) {
            throw new StoreCorruptedException("The attachment references of " + what + " cannot be decoded", e);
        }
    }

    /**
     * @param checkpoint a resolved checkpoint
     * @return its encoding
     */
    public static byte[] encodeCheckpoint(Checkpoint checkpoint) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(VERSION);
            out.writeInt(checkpoint.slots().size());
            for (CheckpointSlot s : checkpoint.slots().values()) {
                out.writeUTF(s.slot());
                out.writeUTF(s.nodeId());
                out.write(s.blob().hash().toBytes());
                out.writeLong(s.blob().size());
                out.writeUTF(s.blob().mediaType());
            }
        } catch (IOException e) {
            throw new PersistenceException("Cannot encode a checkpoint", e);
        }
        return buf.toByteArray();
    }

    /**
     * @param bytes what {@link #encodeCheckpoint} wrote
     * @param what what the checkpoint belongs to, for the message
     * @return the checkpoint
     * @throws StoreCorruptedException if the bytes cannot be decoded
     */
    public static Checkpoint decodeCheckpoint(byte[] bytes, String what) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            requireVersion(in.readByte(), what);
            int n = in.readInt();
            Map<String, CheckpointSlot> slots = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                String slot = in.readUTF();
                String nodeId = in.readUTF();
                ContentHash hash = ContentHash.ofDigest(in.readNBytes(32));
                BlobRef ref = new BlobRef(hash, in.readLong(), in.readUTF());
                slots.put(slot, new CheckpointSlot(slot, nodeId, ref));
            }
            return new Checkpoint(slots);
        } catch (IOException | RuntimeException e) {
            throw new StoreCorruptedException("The recorded checkpoint of " + what + " cannot be decoded", e);
        }
    }

    private static void requireVersion(byte version, String what) {
        if (version != VERSION) {
            throw new StoreCorruptedException("Unknown encoding version " + version + " in " + what);
        }
    }
}
