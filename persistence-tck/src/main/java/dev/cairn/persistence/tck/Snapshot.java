package dev.cairn.persistence.tck;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionPage;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a caller can see of a session (and, optionally, of the catalogue and of some blobs) at
 * one moment: meta, head and revision, {@code fullGraphWithTombstones}, the active path, checkpoint
 * and ledger. Bad input must leave a store exactly as it was: the kit compares a snapshot taken
 * before the call with one taken after.
 *
 * @param full the {@code fullGraphWithTombstones} read, or a description of what the read threw
 * @param active the {@code activePath} read, or a description of what it threw
 * @param blobs for each watched hash, "absent" or the hash and size of the returned bytes
 * @param catalogue every session of the factory, newest first, or empty if not watched
 */
record Snapshot(String full, String active, Map<ContentHash, String> blobs, List<String> catalogue) {

    static Snapshot of(RuntimePersistence store, SessionStoreFactory factory, Collection<ContentHash> watched) {
        Map<ContentHash, String> blobs = new LinkedHashMap<>();
        for (ContentHash h : watched) {
            blobs.put(h, "through the store " + blobState(() -> store.loadBlob(h)) + (factory == null ? ""
                    : ", through the factory " + blobState(() -> factory.loadBlob(h))));
        }
        return new Snapshot(describe(store, SessionReadScope.fullGraphWithTombstones()),
                describe(store, SessionReadScope.activePath()), blobs,
                factory == null ? List.of() : catalogue(factory));
    }

    static String blobState(java.util.function.Supplier<Optional<byte[]>> load) {
        try {
            Optional<byte[]> b = load.get();
            return b.map(bytes -> "present, " + bytes.length + " bytes, " + ContentHash.of(bytes)).orElse("absent");
        } catch (RuntimeException e) {
            return "loadBlob threw " + e;
        }
    }

    static List<String> catalogue(SessionStoreFactory factory) {
        List<String> out = new ArrayList<>();
        SessionQuery q = SessionQuery.all().withLimit(SessionQuery.MAX_LIMIT);
        for (int guard = 0; guard < 100; guard++) {
            SessionPage page = factory.listSessions(q);
            for (SessionMeta m : page.sessions()) {
                out.add(m.toString());
            }
            if (page.nextCursor().isEmpty()) {
                break;
            }
            q = q.after(page.nextCursor().get());
        }
        return out;
    }

    private static String describe(RuntimePersistence store, SessionReadScope scope) {
        try {
            Optional<PersistedSessionRead> read = store.loadSession(scope);
            return read.map(Snapshot::render).orElse("(no session)");
        } catch (RuntimeException e) {
            return "(loadSession threw " + e + ")";
        }
    }

    /** @return a canonical text form of a read: every field, payloads by hash */
    static String render(PersistedSessionRead r) {
        StringBuilder sb = new StringBuilder();
        sb.append("meta=").append(r.meta()).append('\n');
        sb.append("head=").append(r.head()).append('\n');
        for (var n : r.nodes()) {
            sb.append("node ").append(n.nodeId()).append(" parent=").append(n.parentNodeId().orElse("-"))
                    .append(" kind=").append(n.kind()).append(" payload=").append(ContentHash.of(n.payload()))
                    .append(" payloadHash=").append(n.payloadHash()).append(" attachments=").append(n.attachments())
                    .append(" seq=").append(n.seq()).append(" createdAt=").append(n.createdAt())
                    .append(n.tombstoned() ? " TOMBSTONED" : "").append('\n');
        }
        sb.append("checkpoint=").append(r.checkpoint().slots()).append('\n');
        sb.append("usage.total=").append(r.usage().total()).append('\n');
        sb.append("usage.byModel=").append(r.usage().byModel()).append('\n');
        sb.append("usage.turns=").append(r.usage().turns()).append('\n');
        return sb.toString();
    }

    /**
     * @param after a later snapshot of the same things
     * @return what differs, or empty if nothing does
     */
    Optional<String> diff(Snapshot after) {
        List<String> d = new ArrayList<>();
        lineDiff("fullGraphWithTombstones read", full, after.full, d);
        lineDiff("activePath read", active, after.active, d);
        for (Map.Entry<ContentHash, String> e : blobs.entrySet()) {
            String now = after.blobs.get(e.getKey());
            if (!Objects.equals(e.getValue(), now)) {
                d.add("blob " + e.getKey() + " was " + e.getValue() + ", is " + now);
            }
        }
        if (!catalogue.equals(after.catalogue)) {
            d.add("catalogue (listSessions) was " + catalogue + ", is " + after.catalogue);
        }
        return d.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", d));
    }

    private static void lineDiff(String what, String before, String after, List<String> out) {
        if (before.equals(after)) {
            return;
        }
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        List<String> lines = new ArrayList<>();
        int n = Math.max(a.length, b.length);
        for (int i = 0; i < n && lines.size() < 4; i++) {
            String x = i < a.length ? a[i] : "(nothing)";
            String y = i < b.length ? b[i] : "(nothing)";
            if (!x.equals(y)) {
                lines.add("was <" + x + "> now <" + y + ">");
            }
        }
        out.add(what + " changed: " + String.join(", ", lines));
    }
}
