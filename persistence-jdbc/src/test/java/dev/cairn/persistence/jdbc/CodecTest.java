package dev.cairn.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.StoreCorruptedException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stored bytes come back exactly, or not at all. */
class CodecTest {
    private final Codec codec = new Codec(3);

    @Test
    void smallAndIncompressibleBytesStayRawOthersAreCompressed() {
        assertEquals(Codec.RAW, codec.encode(new byte[Codec.THRESHOLD - 1]).codec());
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        assertEquals(Codec.RAW, codec.encode(noise).codec());
        byte[] text = "the same words again and again; ".repeat(200).getBytes(StandardCharsets.UTF_8);
        Codec.Stored stored = codec.encode(text);
        assertEquals(Codec.ZSTD, stored.codec());
        assertTrue(stored.bytes().length < text.length / 10);
        assertArrayEquals(text, Codec.decode(stored.codec(), stored.bytes(), text.length, ContentHash.digest(text), "t"));
    }

    @Test
    void damagedBytesAreACorruptionNeverWrongBytes() {
        byte[] text = "the same words again and again; ".repeat(200).getBytes(StandardCharsets.UTF_8);
        byte[] digest = ContentHash.digest(text);
        Codec.Stored stored = codec.encode(text);
        byte[] damaged = stored.bytes().clone();
        damaged[damaged.length / 2] ^= 1;
        assertThrows(StoreCorruptedException.class, () -> Codec.decode(Codec.ZSTD, damaged, text.length, digest, "t"));
        byte[] raw = text.clone();
        raw[0] ^= 1;
        assertThrows(StoreCorruptedException.class, () -> Codec.decode(Codec.RAW, raw, text.length, digest, "t"));
        assertThrows(StoreCorruptedException.class, () -> Codec.decode(7, text, text.length, digest, "t"));
        assertThrows(StoreCorruptedException.class,
                () -> Codec.decode(Codec.ZSTD, stored.bytes(), text.length + 1, digest, "t"));
    }
}
