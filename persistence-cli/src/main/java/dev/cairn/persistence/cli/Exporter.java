package dev.cairn.persistence.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.CheckpointSlot;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionNode;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one session in the export format ({@link ExportFormat}). Nodes, head and ledger come from
 * one {@code fullGraphWithTombstones} read; checkpoints from one {@code activePathTo} read per live
 * node; blobs are loaded (and so verified) one at a time while writing, so memory stays at one blob.
 */
final class Exporter {
    /**
     * What was written.
     *
     * @param nodes nodes written
     * @param tombstoned of which tombstoned
     * @param checkpointSlots checkpoint slots written
     * @param blobs blobs written
     * @param blobBytes their bytes
     * @param usageEntries ledger entries written
     */
    record Summary(int nodes, long tombstoned, int checkpointSlots, int blobs, long blobBytes, int usageEntries) {
    }

    private final String generator;

    Exporter(String generator) {
        this.generator = generator;
    }

    Summary export(RuntimePersistence store, Writer writer, Instant now) throws IOException {
        PersistedSessionRead read = store.loadSession(SessionReadScope.fullGraphWithTombstones())
                .orElseThrow(() -> CliException.notFound("Session '" + store.sessionId() + "' was deleted while exporting"));
        Map<String, Map<String, CheckpointSlot>> checkpoints = CheckpointIndex.perNode(store, read.nodes());
        Map<ContentHash, Long> blobs = new LinkedHashMap<>();
        List<ExportFormat.Node> nodes = new ArrayList<>();
        int slots = 0;
        for (SessionNode n : read.nodes()) {
            List<ExportFormat.Ref> atts = new ArrayList<>();
            for (BlobRef r : n.attachments()) {
                atts.add(ExportFormat.Ref.of(r));
                blobs.put(r.hash(), r.size());
            }
            Map<String, ExportFormat.Ref> cp = new TreeMap<>();
            for (CheckpointSlot s : checkpoints.getOrDefault(n.nodeId(), Map.of()).values()) {
                cp.put(s.slot(), ExportFormat.Ref.of(s.blob()));
                blobs.put(s.blob().hash(), s.blob().size());
                slots++;
            }
            nodes.add(new ExportFormat.Node(n.nodeId(), n.parentNodeId().orElse(null), n.kind().name(), n.seq(),
                    n.createdAt().toString(), n.tombstoned(), n.payloadHash().toString(), n.payload(), atts, cp));
        }
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(writer)) {
            g.setPrettyPrinter(Json.prettyPrinter());
            g.writeStartObject();
            g.writeStringField("format", ExportFormat.NAME);
            g.writeNumberField("formatVersion", ExportFormat.VERSION);
            g.writeStringField("generator", generator);
            g.writeStringField("exportedAt", now.toString());
            g.writeFieldName("session");
            Json.MAPPER.writeValue(g, session(read.meta()));
            g.writeFieldName("head");
            Json.MAPPER.writeValue(g, new ExportFormat.Head(read.head().nodeId().orElse(null), read.head().revision()));
            g.writeArrayFieldStart("nodes");
            for (ExportFormat.Node n : nodes) {
                Json.MAPPER.writeValue(g, n);
            }
            g.writeEndArray();
            g.writeFieldName("usage");
            Json.MAPPER.writeValue(g, usage(read));
            long bytes = writeBlobs(store, g, blobs);
            g.writeEndObject();
            g.flush();
            return new Summary(nodes.size(), read.nodes().stream().filter(SessionNode::tombstoned).count(), slots,
                    blobs.size(), bytes, read.usage().turns().size());
        }
    }

    private static long writeBlobs(RuntimePersistence store, JsonGenerator g, Map<ContentHash, Long> blobs)
            throws IOException {
        long bytes = 0;
        g.writeObjectFieldStart("blobs");
        for (Map.Entry<ContentHash, Long> e : blobs.entrySet()) {
            byte[] data = store.loadBlob(e.getKey()).orElseThrow(() -> CliException.corruption("Blob " + e.getKey()
                    + " of session '" + store.sessionId() + "' is missing from the store; run 'cairn verify'"));
            g.writeObjectFieldStart(e.getKey().toString());
            g.writeNumberField("size", data.length);
            g.writeFieldName("data");
            g.writeBinary(data);
            g.writeEndObject();
            bytes += data.length;
        }
        g.writeEndObject();
        return bytes;
    }

    private static ExportFormat.Session session(SessionMeta m) {
        return new ExportFormat.Session(m.sessionId(), m.name(), m.model(), m.cwd(), m.parentSessionId().orElse(null),
                m.createdAt().toString(), m.attributes());
    }

    private static ExportFormat.Usage usage(PersistedSessionRead read) {
        Map<String, TokenUsage> attributed = new TreeMap<>();
        List<ExportFormat.Entry> entries = new ArrayList<>();
        for (UsageEntry e : read.usage().turns()) {
            attributed.merge(e.model(), e.usage(), TokenUsage::plus);
            entries.add(new ExportFormat.Entry(e.revision(), e.nodeId(), e.model(), ExportFormat.Tokens.of(e.usage()),
                    e.recordedAt().toString()));
        }
        Map<String, ExportFormat.Tokens> byModel = new TreeMap<>();
        Map<String, ExportFormat.Tokens> unattributed = new TreeMap<>();
        read.usage().byModel().forEach((model, total) -> {
            byModel.put(model, ExportFormat.Tokens.of(total));
            TokenUsage rest = minus(total, attributed.getOrDefault(model, TokenUsage.ZERO));
            if (!rest.equals(TokenUsage.ZERO)) {
                unattributed.put(model, ExportFormat.Tokens.of(rest));
            }
        });
        return new ExportFormat.Usage(ExportFormat.Tokens.of(read.usage().total()), byModel, unattributed, entries);
    }

    private static TokenUsage minus(TokenUsage a, TokenUsage b) {
        return new TokenUsage(Math.max(0, a.inputTokens() - b.inputTokens()),
                Math.max(0, a.outputTokens() - b.outputTokens()),
                Math.max(0, a.cachedInputTokens() - b.cachedInputTokens()),
                Math.max(0, a.reasoningTokens() - b.reasoningTokens()));
    }
}
