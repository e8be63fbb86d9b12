package dev.cairn.persistence;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RuntimeCommitTest {
    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void buildsASnapshotOfEverything() {
        RuntimeCommit.Builder builder = RuntimeCommit.expecting(3);
        BlobRef image = builder.attach(b("png-bytes"), "image/png");
        builder.append(NewNode.root("n1", NodeKind.USER_INPUT, b("{\"text\":\"hi\"}"), image))
                .append(NewNode.child("n2", "n1", NodeKind.ASSISTANT_RESPONSE, b("{}")))
                .head("n2")
                .checkpoint("tool_state", b("state"))
                .usage("n2", "gpt-4o", TokenUsage.of(10, 5))
                .idempotencyKey("turn-1");
        RuntimeCommit c = builder.build();

        assertEquals(OptionalLong.of(3), c.expectedRevision());
        assertEquals(List.of("n1", "n2"), c.nodes().stream().map(NewNode::nodeId).toList());
        assertEquals(Optional.of("n2"), c.head());
        assertEquals(image, c.nodes().get(0).attachments().get(0));
        assertEquals(new BlobRef(ContentHash.of(b("state")), 5, BlobRef.OCTET_STREAM), c.checkpoint().get("tool_state"));
        assertEquals(2, c.blobs().size());
        assertArrayEquals(b("png-bytes"), c.blobs().get(image.hash()).bytes());
        assertEquals(List.of(new UsageRecord("n2", "gpt-4o", TokenUsage.of(10, 5))), c.usage());
        assertEquals(Optional.of("turn-1"), c.idempotencyKey());

        builder.append(NewNode.child("n3", "n2", NodeKind.USER_INPUT, b("{}")));
        assertEquals(2, c.nodes().size(), "build() takes a snapshot");
    }

    @Test
    void aReplacedCheckpointSlotLeavesNoOrphanBlob() {
        RuntimeCommit c = RuntimeCommit.expecting(0).checkpoint("s", b("old")).checkpoint("s", b("new")).build();
        assertEquals(java.util.Set.of(ContentHash.of(b("new"))), c.blobs().keySet());
    }

    @Test
    void unconditionalHasNoExpectedRevision() {
        assertEquals(OptionalLong.empty(), RuntimeCommit.unconditional().build().expectedRevision());
        assertTrue(RuntimeCommit.unconditional().build().isEmpty());
    }

    @Test
    void refusesNegativeRevision() {
        assertThrows(InvalidRequestException.class, () -> RuntimeCommit.expecting(-1));
    }

    @Test
    void refusesDuplicateNodeIdsInOneCommit() {
        RuntimeCommit.Builder builder = RuntimeCommit.expecting(0).append(NewNode.root("n1", NodeKind.USER_INPUT, b("a")));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> builder.append(NewNode.root("n1", NodeKind.USER_INPUT, b("b"))));
        assertTrue(e.getMessage().contains("Duplicate node id 'n1'"), e.getMessage());
    }

    @Test
    void refusesAttachmentsNoNodeReferences() {
        RuntimeCommit.Builder builder = RuntimeCommit.expecting(0);
        builder.attach(b("orphan"), "text/plain");
        builder.append(NewNode.root("n1", NodeKind.USER_INPUT, b("a")));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, builder::build);
        assertTrue(e.getMessage().contains("not referenced by any node"), e.getMessage());
    }

    @Test
    void aHeadIsCheckedUnlessItIsTheIdOfTheNodeAppendedLast() {
        String id = "n1";
        RuntimeCommit.Builder builder = RuntimeCommit.expecting(0).append(NewNode.root(id, NodeKind.USER_INPUT, b("a")));
        assertThrows(InvalidRequestException.class, () -> builder.head("../x"));
        assertThrows(NullPointerException.class, () -> builder.head(null));
        assertEquals(Optional.of("n1"), builder.head(id).build().head());
        assertEquals(Optional.of("n1"), builder.head(new String("n1")).build().head());
        assertEquals(Optional.of("n0"), builder.head("n0").build().head());
    }

    @Test
    void validatesIdsSlotsKeysAndMediaTypes() {
        RuntimeCommit.Builder builder = RuntimeCommit.expecting(0);
        assertThrows(InvalidRequestException.class, () -> builder.head("../x"));
        assertThrows(InvalidRequestException.class, () -> builder.checkpoint("a/b", b("x")));
        assertThrows(InvalidRequestException.class, () -> builder.idempotencyKey(""));
        assertThrows(InvalidRequestException.class, () -> builder.attach(b("x"), "png"));
        assertThrows(InvalidRequestException.class, () -> builder.usage("n1", "", TokenUsage.ZERO));
        assertThrows(NullPointerException.class, () -> builder.checkpoint("s", null));
        assertThrows(InvalidRequestException.class, () -> NewNode.child("n1", "n1", NodeKind.ERROR, b("x")));
    }

    @Test
    void fingerprintCoversContentButNotTheExpectedRevision() {
        RuntimeCommit a = sample(RuntimeCommit.expecting(1), "x").build();
        RuntimeCommit b = sample(RuntimeCommit.expecting(7), "x").build();
        RuntimeCommit c = sample(RuntimeCommit.expecting(1), "y").build();
        RuntimeCommit d = sample(RuntimeCommit.expecting(1), "x").usage("n1", "m", TokenUsage.of(1, 1)).build();
        assertEquals(a.fingerprint(), b.fingerprint());
        assertNotEquals(a.fingerprint(), c.fingerprint());
        assertNotEquals(a.fingerprint(), d.fingerprint());
        assertEquals(a.fingerprint(), a.fingerprint());
    }

    private static RuntimeCommit.Builder sample(RuntimeCommit.Builder builder, String payload) {
        return builder.append(NewNode.root("n1", NodeKind.USER_INPUT, b(payload))).head("n1").idempotencyKey("k");
    }

    @Test
    void nodesCopyTheirPayload() {
        byte[] payload = b("abc");
        NewNode n = NewNode.root("n1", NodeKind.USER_INPUT, payload);
        payload[0] = 'X';
        assertArrayEquals(b("abc"), n.payload());
        n.payload()[0] = 'Y';
        assertArrayEquals(b("abc"), n.payload());
        assertEquals(n, NewNode.root("n1", NodeKind.USER_INPUT, b("abc")));
    }

    @Test
    void nodeKindsAreAnOpenSet() {
        assertEquals(NodeKind.TOOL_CALL, NodeKind.of("tool_call"));
        assertEquals("plan.step-2", NodeKind.of("plan.step-2").name());
        for (String bad : new String[] {"", "Tool", "1x", "a b", "x".repeat(65)}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> NodeKind.of(bad));
            assertTrue(e.getMessage().contains(NodeKind.RULE), e.getMessage());
        }
    }

    @Test
    void tokenUsageSumsAndRefusesNegatives() {
        assertEquals(new TokenUsage(3, 5, 1, 2), new TokenUsage(1, 2, 1, 0).plus(new TokenUsage(2, 3, 0, 2)));
        assertThrows(InvalidRequestException.class, () -> TokenUsage.of(-1, 0));
        UsageLedger ledger = UsageLedger.of(Map.of("a", TokenUsage.of(1, 2), "b", TokenUsage.of(3, 4)), List.of());
        assertEquals(TokenUsage.of(4, 6), ledger.total());
    }

    @Test
    void recordsCopyTheirCollections() {
        java.util.ArrayList<BlobRef> refs = new java.util.ArrayList<>();
        NewNode n = new NewNode("n", Optional.empty(), NodeKind.ERROR, b("x"), refs);
        refs.add(BlobRef.of(b("x"), "text/plain"));
        assertEquals(0, n.attachments().size());
        assertThrows(UnsupportedOperationException.class, () -> n.attachments().add(BlobRef.of(b("y"), "text/plain")));
    }

    @Test
    void indexedAccessorsAnswerLikeTheLists() {
        for (int count = 0; count <= 10; count++) {
            RuntimeCommit.Builder builder = RuntimeCommit.expecting(0);
            for (int i = 0; i < count; i++) {
                String id = "n" + i;
                builder.append(NewNode.root(id, NodeKind.USER_INPUT, b(id))).usage(id, "m", TokenUsage.of(i, 1));
            }
            RuntimeCommit c = builder.build();
            assertEquals(count, c.nodeCount());
            assertEquals(count, c.usageCount());
            for (int i = 0; i < count; i++) {
                assertEquals("n" + i, c.node(i).nodeId());
                assertEquals(TokenUsage.of(i, 1), c.usageRecord(i).usage());
            }
            assertEquals(count, c.nodes().size(), "nodes() after node(i)");
            assertEquals(count, c.usage().size());
            for (int i = 0; i < count; i++) {
                assertTrue(c.nodes().get(i) == c.node(i), "the list holds the same nodes");
                assertTrue(c.usage().get(i) == c.usageRecord(i));
            }
            assertTrue(c.nodes() == c.nodes(), "the one-node list is made once");
            assertEquals(count, c.nodeCount(), "nodeCount() after nodes()");
            assertEquals(count, c.usageCount(), "usageCount() after usage()");
            assertThrows(UnsupportedOperationException.class, () -> c.nodes().add(NewNode.root("x", NodeKind.ERROR, b("x"))));
            assertThrows(UnsupportedOperationException.class, () -> c.usage().clear());
            int n = count;
            assertThrows(IndexOutOfBoundsException.class, () -> c.node(n));
            assertThrows(IndexOutOfBoundsException.class, () -> c.node(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> c.usageRecord(n));
            assertEquals(count == 0, c.isEmpty());
        }
    }

    @Test
    void aOneNodeCommitIsASnapshotToo() {
        RuntimeCommit.Builder builder = RuntimeCommit.expecting(0).append(NewNode.root("n1", NodeKind.USER_INPUT, b("a")))
                .usage("n1", "m", TokenUsage.of(1, 1));
        RuntimeCommit one = builder.build();
        builder.append(NewNode.child("n2", "n1", NodeKind.USER_INPUT, b("b"))).usage("n2", "m", TokenUsage.of(2, 2))
                .head("n2").idempotencyKey("k").checkpoint("s", b("x"));
        assertEquals(List.of("n1"), one.nodes().stream().map(NewNode::nodeId).toList());
        assertEquals(1, one.usageCount());
        assertEquals(Optional.empty(), one.head());
        assertEquals(Optional.empty(), one.idempotencyKey());
        assertTrue(one.checkpoint().isEmpty() && one.blobs().isEmpty());
        RuntimeCommit two = builder.build();
        assertEquals(2, two.nodeCount());
        assertEquals(Optional.of("k"), two.idempotencyKey());
        assertEquals(Optional.of("n2"), two.head());
    }

    @Test
    void admitsMatchesTheExpectedRevision() {
        RuntimeCommit at3 = RuntimeCommit.expecting(3).build();
        assertTrue(at3.admits(3));
        assertTrue(!at3.admits(2) && !at3.admits(4));
        RuntimeCommit any = RuntimeCommit.unconditional().build();
        assertTrue(any.admits(0) && any.admits(Long.MAX_VALUE));
    }
}
