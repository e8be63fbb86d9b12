package dev.cairn.persistence.adapter;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NodeKind;

import java.util.Set;

/**
 * Turns one framework's messages into node payloads and back. {@code decode(encode(m))} must encode
 * to the same payload again (a fixed point), because the engine recognises stored messages by their
 * payloads.
 *
 * @param <M> the framework's message type
 */
public interface MessageCodec<M> {
    /**
     * Encodes a message; inline media (base64 images, PDFs, audio) becomes {@link EncodedMessage.Media}.
     *
     * @param message the message
     * @return its encoding
     */
    EncodedMessage encode(M message);

    /**
     * Decodes a stored message.
     *
     * @param kind the node's kind
     * @param payload the node's payload
     * @param blobs where the media the payload references are read from
     * @return the message
     */
    M decode(NodeKind kind, byte[] payload, BlobSource blobs);

    /** @return the node kinds this codec writes; other nodes on the path (markers) are not messages */
    Set<NodeKind> kinds();

    /** @return the kind of the messages the framework treats as system messages (one of {@link #kinds()}) */
    NodeKind systemKind();

    /** Reads blobs by hash. */
    @FunctionalInterface
    interface BlobSource {
        /**
         * Loads a blob.
         *
         * @param hash its hash
         * @return the bytes
         * @throws dev.cairn.persistence.StoreCorruptedException if the blob is missing
         */
        byte[] load(ContentHash hash);
    }
}
