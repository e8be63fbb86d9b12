package dev.cairn.persistence.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The payload hash is computed at the first read, not at commit; whichever read comes first, and
 * whatever the caller does to the arrays it handed in or got back, the hash is the SHA-256 of the
 * bytes as committed.
 */
class PayloadHashTest {
    private MemorySessionStoreFactory factory;
    private RuntimePersistence store;

    @BeforeEach
    void setUp() {
        factory = new MemorySessionStoreFactory();
        store = factory.createStore(SessionStoreCreateRequest.of("s"));
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Test
    void hashIsTheSha256OfTheCommittedBytesWhicheverReadComesFirst() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);
        List<byte[]> payloads = List.of(new byte[0], new byte[] {7}, big, Fixtures.bytes("{\"text\":\"hi\"}"));
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        for (int i = 0; i < payloads.size(); i++) {
            b.append(NewNode.of("n" + i, i == 0 ? java.util.Optional.empty() : java.util.Optional.of("n" + (i - 1)),
                    NodeKind.TOOL_RESULT, payloads.get(i)));
        }
        store.commitRuntimeState(b.head("n3").build());

        // First reads by different routes: loadNode for n2, activePath for the others.
        SessionNode viaLoadNode = store.loadNode("n2").orElseThrow();
        List<SessionNode> viaPath = store.loadSession(SessionReadScope.activePath()).orElseThrow().nodes();
        for (int i = 0; i < payloads.size(); i++) {
            SessionNode node = viaPath.get(i);
            assertArrayEquals(payloads.get(i), node.payload());
            assertEquals(sha256(payloads.get(i)), node.payloadHash().hex(), "payload hash of n" + i);
        }
        assertEquals(sha256(big), viaLoadNode.payloadHash().hex());
        assertEquals(viaPath.get(2), viaLoadNode);
    }

    @Test
    void arraysOutsideTheStoreCannotChangeWhatItHashesOrReturns() throws Exception {
        byte[] payload = Fixtures.bytes("original");
        NewNode node = NewNode.root("n", NodeKind.USER_INPUT, payload);
        payload[0] = 'X';
        store.commitRuntimeState(RuntimeCommit.expecting(0).append(node).head("n").build());

        byte[] returned = store.loadNode("n").orElseThrow().payload();
        returned[0] = 'Y';
        SessionNode again = store.loadNode("n").orElseThrow();
        assertArrayEquals(Fixtures.bytes("original"), again.payload());
        assertEquals(sha256(Fixtures.bytes("original")), again.payloadHash().hex());
        assertEquals(ContentHash.of(again.payload()), again.payloadHash());
    }

    @Test
    void repeatedReadsReuseTheViewBuiltAtTheFirstRead() {
        store.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.root("n", NodeKind.USER_INPUT, Fixtures.bytes("p"))).head("n").build());
        SessionNode first = store.loadNode("n").orElseThrow();
        assertSame(first, store.loadNode("n").orElseThrow(), "the payload was copied and hashed again");
        assertSame(first, store.loadSession(SessionReadScope.fullGraph()).orElseThrow().nodes().get(0));
    }

    @Test
    void tombstonedViewKeepsTheHash() throws Exception {
        store.commitRuntimeState(RuntimeCommit.expecting(0)
                .append(NewNode.root("keep", NodeKind.USER_INPUT, Fixtures.bytes("k")))
                .append(NewNode.root("gone", NodeKind.USER_INPUT, Fixtures.bytes("g"))).head("keep").build());
        store.tombstoneNodes(List.of("gone"));
        SessionNode gone = store.loadSession(SessionReadScope.fullGraphWithTombstones()).orElseThrow().nodes().get(1);
        assertEquals(true, gone.tombstoned());
        assertEquals(sha256(Fixtures.bytes("g")), gone.payloadHash().hex());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
