package dev.cairn.persistence.adapter;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NodeKind;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A framework message in Cairn's terms: the node kind, the payload (the framework's JSON with inline
 * media replaced by blob references) and the media bytes to store as blobs. Two encodings are equal
 * when their kind, system flag and payload bytes are (the payload names its media by hash).
 */
public final class EncodedMessage {
    private final NodeKind kind;
    private final byte[] payload;
    private final List<Media> media;
    private final boolean system;
    private final boolean assistant;
    private final int hash;

    /**
     * @param kind the node kind
     * @param payload the canonical payload; equal payloads mean equal messages
     * @param media the media the payload references, to attach in the commit that appends the node
     * @param system whether the framework treats it as a system message (aligned apart)
     * @param assistant whether it is a model response (the node that token usage belongs to)
     */
    public EncodedMessage(NodeKind kind, byte[] payload, List<Media> media, boolean system, boolean assistant) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.payload = payload.clone();
        this.media = List.copyOf(media);
        this.system = system;
        this.assistant = assistant;
        this.hash = (31 * kind.hashCode() + Arrays.hashCode(this.payload)) * 2 + (system ? 1 : 0);
    }

    /** @return the node kind */
    public NodeKind kind() {
        return kind;
    }

    /** @return a copy of the payload */
    public byte[] payload() {
        return payload.clone();
    }

    /** @return the payload without a copy, for the engine's own comparisons */
    byte[] payloadUnsafe() {
        return payload;
    }

    /** @return the media to attach */
    public List<Media> media() {
        return media;
    }

    /** @return whether it is a system message */
    public boolean system() {
        return system;
    }

    /** @return whether it is a model response */
    public boolean assistant() {
        return assistant;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof EncodedMessage e && hash == e.hash && system == e.system && kind.equals(e.kind)
                && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "EncodedMessage[" + kind + ", " + payload.length + " bytes, " + media.size() + " media]";
    }

    /**
     * Media bytes moved out of a payload into a blob.
     *
     * @param hash the SHA-256 of the bytes, as the payload references it
     * @param bytes the bytes
     * @param mediaType the media type
     */
    public record Media(ContentHash hash, byte[] bytes, String mediaType) {
        /** Validates and copies. */
        public Media {
            Objects.requireNonNull(hash, "hash");
            bytes = bytes.clone();
            Objects.requireNonNull(mediaType, "mediaType");
        }

        /**
         * Media for bytes.
         *
         * @param bytes the bytes
         * @param mediaType the media type
         * @return the media, hashed
         */
        public static Media of(byte[] bytes, String mediaType) {
            return new Media(ContentHash.of(bytes), bytes, mediaType);
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Media m && hash.equals(m.hash) && mediaType.equals(m.mediaType);
        }

        @Override
        public int hashCode() {
            return hash.hashCode();
        }

        @Override
        public String toString() {
            return "Media[" + hash + ", " + bytes.length + " bytes, " + mediaType + "]";
        }
    }
}
