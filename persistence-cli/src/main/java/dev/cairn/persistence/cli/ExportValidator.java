package dev.cairn.persistence.cli;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks an export document before anything is written: structure (exit code 2 when wrong) and
 * hashes of payloads and blobs (exit code 1 when they do not match: the file is damaged).
 */
final class ExportValidator {
    private ExportValidator() {
    }

    /** @return the blobs of the file by hash, each verified */
    static Map<ContentHash, byte[]> validate(ExportFormat.Document doc) {
        try {
            return check(doc);
        } catch (InvalidRequestException e) {
            throw invalid(e.getMessage());
        }
    }

    private static Map<ContentHash, byte[]> check(ExportFormat.Document doc) {
        if (doc.session() == null || doc.session().sessionId() == null) {
            throw invalid("\"session.sessionId\" is missing");
        }
        Ids.require("session id", doc.session().sessionId());
        Map<ContentHash, byte[]> blobs = blobs(doc);
        Map<String, ExportFormat.Node> seen = new HashMap<>();
        Set<String> tombstoned = new HashSet<>();
        long lastSeq = 0;
        for (ExportFormat.Node n : Importer.list(doc.nodes())) {
            if (n.nodeId() == null || n.kind() == null || n.payload() == null || n.payloadHash() == null) {
                throw invalid("a node lacks nodeId, kind, payload or payloadHash");
            }
            Ids.require("node id", n.nodeId());
            NodeKind.of(n.kind());
            if (n.seq() <= lastSeq) {
                throw invalid("nodes must be listed by increasing seq; node " + Importer.quote(n.nodeId())
                        + " has seq " + n.seq() + " after " + lastSeq);
            }
            lastSeq = n.seq();
            if (seen.containsKey(n.nodeId())) {
                throw invalid("node id " + Importer.quote(n.nodeId()) + " appears twice");
            }
            if (n.parentNodeId() != null && !seen.containsKey(n.parentNodeId())) {
                throw invalid("the parent " + Importer.quote(n.parentNodeId()) + " of node " + Importer.quote(n.nodeId())
                        + " is not listed before it");
            }
            if (n.parentNodeId() != null && tombstoned.contains(n.parentNodeId()) && !n.tombstoned()) {
                throw invalid("node " + Importer.quote(n.nodeId()) + " is live under a tombstoned parent");
            }
            if (!ContentHash.parse(n.payloadHash()).matches(n.payload())) {
                throw CliException.corruption("The export file is damaged: the payload of node "
                        + Importer.quote(n.nodeId()) + " does not match its payloadHash; export the session again");
            }
            for (ExportFormat.Ref r : Importer.list(n.attachments())) {
                requireBlob(blobs, r, "attachment of node " + Importer.quote(n.nodeId()));
            }
            if (n.checkpoint() != null) {
                n.checkpoint().forEach((slot, r) -> {
                    Ids.require("checkpoint slot", slot);
                    requireBlob(blobs, r, "checkpoint slot '" + slot + "' of node " + Importer.quote(n.nodeId()));
                });
            }
            seen.put(n.nodeId(), n);
            if (n.tombstoned()) {
                tombstoned.add(n.nodeId());
            }
        }
        if (doc.head() != null && doc.head().nodeId() != null) {
            ExportFormat.Node h = seen.get(doc.head().nodeId());
            if (h == null || h.tombstoned()) {
                throw invalid("the head " + Importer.quote(doc.head().nodeId()) + " is not a live node of the file");
            }
        }
        if (doc.usage() != null) {
            for (ExportFormat.Entry e : Importer.list(doc.usage().entries())) {
                if (e.nodeId() == null || !seen.containsKey(e.nodeId()) || e.model() == null || e.usage() == null) {
                    throw invalid("a usage entry names no node of the file, or lacks model or usage");
                }
                e.usage().toUsage();
            }
            if (doc.usage().unattributed() != null) {
                doc.usage().unattributed().values().forEach(ExportFormat.Tokens::toUsage);
            }
        }
        return blobs;
    }

    private static Map<ContentHash, byte[]> blobs(ExportFormat.Document doc) {
        Map<ContentHash, byte[]> out = new HashMap<>();
        if (doc.blobs() == null) {
            return out;
        }
        doc.blobs().forEach((key, blob) -> {
            ContentHash h = ContentHash.parse(key);
            if (blob == null || blob.data() == null) {
                throw invalid("blob " + key + " has no data");
            }
            if (!h.matches(blob.data()) || blob.size() != blob.data().length) {
                throw CliException.corruption("The export file is damaged: blob " + h
                        + " does not match its hash or size; export the session again");
            }
            out.put(h, blob.data());
        });
        return out;
    }

    private static void requireBlob(Map<ContentHash, byte[]> blobs, ExportFormat.Ref r, String what) {
        if (r == null || r.hash() == null || r.mediaType() == null) {
            throw invalid("the " + what + " lacks hash or mediaType");
        }
        byte[] data = blobs.get(r.contentHash());
        if (data == null) {
            throw CliException.corruption("The export file is damaged: the " + what + " names blob " + r.hash()
                    + ", which is not in \"blobs\"; export the session again");
        }
        if (data.length != r.size()) {
            throw invalid("the " + what + " gives size " + r.size() + " but blob " + r.hash() + " has "
                    + data.length + " bytes");
        }
    }

    private static CliException invalid(String why) {
        return CliException.usage("The export file is invalid: " + Errors.oneLine(why)
                + "; see persistence-cli/EXPORT-FORMAT.md");
    }
}
