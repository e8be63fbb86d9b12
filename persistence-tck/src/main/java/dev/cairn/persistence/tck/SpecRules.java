package dev.cairn.persistence.tck;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of {@code docs/SPEC.md} as the kit names them: rule numbers read from test method names
 * ({@code rule03_...}, {@code rules01to21_...}) and failure messages ({@code [rule 3]}), and the
 * default "if this fails, check ..." hint of each rule.
 */
final class SpecRules {
    /** The number of the last rule of the spec. */
    static final int LAST = 23;

    private static final Pattern ONE = Pattern.compile("^rule(\\d{2})_");
    private static final Pattern RANGE = Pattern.compile("^rules(\\d{2})to(\\d{2})_");
    private static final Pattern IN_MESSAGE = Pattern.compile("\\[rule (\\d{1,2})]");

    private static final Map<Integer, String> HINTS = Map.ofEntries(
            Map.entry(1, "that commitRuntimeState validates the whole commit before it writes, and writes nodes, head,"
                    + " checkpoint slots, blobs, usage and the idempotency key in one transaction (or under one lock)"),
            Map.entry(2, "that a session starts at revision 0 with no head, that every successful, non-replayed commit"
                    + " raises the revision by exactly one (also an empty one), and that nothing else changes it"),
            Map.entry(3, "the revision compare-and-set: comparing and writing must be one atomic step (one transaction"
                    + " with a conditional UPDATE, or one lock), also across store handles and factories on one location"),
            Map.entry(4, "node-id uniqueness (live, tombstoned and detached ids are all taken) and that a parent is a"
                    + " live node stored earlier or appended earlier in the same commit"),
            Map.entry(5, "that the head a commit names is a live node, stored or appended in the commit, and that a"
                    + " commit without a head keeps the current head"),
            Map.entry(6, "that attachments name a blob carried by the commit or one the session already references"
                    + " (not another session's), with the same size, that checkpoint slots need a head after the commit,"
                    + " and that usage names a live node"),
            Map.entry(7, "the idempotency keys: look the key up before anything else, compare"
                    + " RuntimeCommit.fingerprint(), return the first result with replayed=true, write nothing, and record"
                    + " keys only for commits that succeeded"),
            Map.entry(8, "the StorePolicy of the store handle: refuse payloads and carried blobs over the limits before"
                    + " the revision check and before writing; openExisting uses StorePolicy.DEFAULT"),
            Map.entry(9, "the read scopes: active path root first, activePathTail = its last n root-most first,"
                    + " fullGraph = live nodes by seq, tombstoned nodes only in fullGraphWithTombstones"),
            Map.entry(10, "that payloads are stored and returned byte for byte, payloadHash is their SHA-256, seq counts"
                    + " from 1 in commit order, and createdAt is the committedAt of the commit that stored the node"),
            Map.entry(11, "checkpoint resolution: walk from the read's leaf (head or activePathTo leaf) to the root and"
                    + " take, per slot, the first node that has it; re-committing a slot at the same node replaces it"),
            Map.entry(12, "visibility: no per-handle caches, every handle and factory on the location reads committed"
                    + " state, and each read's head and nodes come from one snapshot (one read transaction)"),
            Map.entry(13, "loadBlob: return exactly the uncompressed bytes in a new array, verify their SHA-256 before"
                    + " returning and throw StoreCorruptedException on a mismatch, return empty for unknown hashes; a"
                    + " session's store only for blobs that nodes of the session that are not detached reference"),
            Map.entry(14, "the usage ledger: total and byModel sum every record ever committed in the session (replays"
                    + " once, abandoned, tombstoned and vacuumed nodes too); turns list only the read's nodes, in"
                    + " commit order"),
            Map.entry(15, "tombstoneNodes: validate every id first (unknown, detached, on the head's active path), then"
                    + " tombstone the nodes and all their descendants and count only newly tombstoned nodes"),
            Map.entry(16, "gcUnreachable: detach tombstoned nodes of every session, then delete exactly the blobs that"
                    + " no live node of any session references, as attachment or checkpoint slot; run it under the"
                    + " same lock or transaction as commits that reference stored blobs"),
            Map.entry(17, "vacuum: remove only detached nodes, free their ids, and change no read and no usage ledger"),
            Map.entry(18, "createStore seeds metadata only for a new session; every id is checked with Ids;"
                    + " saveSessionMeta replaces name, model, cwd and attributes and refuses other changes"),
            Map.entry(19, "listSessions: order by createdAt descending then session id descending"
                    + " (SessionCursor.NEWEST_FIRST), continue strictly after the cursor, nextCursor only when more"
                    + " sessions match, filter by parent and all attributes"),
            Map.entry(20, "forkSession: copy the source's active path to the fork node (ids, parents, kinds, payloads,"
                    + " attachments, createdAt, checkpoint slots) with seq 1..k, revision 0, head on the fork node,"
                    + " parent = source, the source's metadata, a new createdAt, an empty ledger and shared blobs"),
            Map.entry(21, "deleteSession: erase nodes, checkpoints, ledger, keys, metadata and the blobs no other"
                    + " session references at once; stores of the session then throw SessionNotFoundException"),
            Map.entry(22, "close(): a closed flag checked first by every method of stores and factories; closing the"
                    + " factory closes every store it made; closing twice does nothing"),
            Map.entry(23, "that a commit is durable before commitRuntimeState returns (written to the store's files or"
                    + " database, and for POWER_LOSS_SAFE flushed to stable storage: fsync of the files and of their"
                    + " directory after a create, rename or delete, or the database's synchronous commit) and that"
                    + " opening recovers an interrupted write on its own"));

    private SpecRules() {
    }

    /**
     * @param rule a rule number
     * @return the default hint of the rule
     */
    static String hint(int rule) {
        return HINTS.getOrDefault(rule, "the rule in docs/SPEC.md");
    }

    /**
     * @param rule the rule the failure is about
     * @param what what went wrong
     * @param hint where to look, or null for the rule's default hint
     * @return the failure message: {@code [rule N] what. If this fails, check hint.}
     */
    static String message(int rule, String what, String hint) {
        String h = hint == null ? hint(rule) : hint;
        return "[rule " + rule + "] " + what + (what.endsWith(".") ? "" : ".") + " If this fails, check " + h
                + (h.endsWith(".") ? "" : ".");
    }

    /**
     * @param methodName a test method's name
     * @return the rules it names, empty if none
     */
    static Set<Integer> fromMethodName(String methodName) {
        Matcher one = ONE.matcher(methodName);
        if (one.find()) {
            return Set.of(Integer.parseInt(one.group(1)));
        }
        Matcher range = RANGE.matcher(methodName);
        if (range.find()) {
            Set<Integer> rules = new TreeSet<>();
            for (int r = Integer.parseInt(range.group(1)); r <= Integer.parseInt(range.group(2)); r++) {
                rules.add(r);
            }
            return Collections.unmodifiableSet(rules);
        }
        return Set.of();
    }

    /**
     * @param methodName a test method's name
     * @return the first rule it names, or 0
     */
    static int primaryRule(String methodName) {
        return fromMethodName(methodName).stream().findFirst().orElse(0);
    }

    /**
     * @param message a failure message
     * @return the rules it names with {@code [rule N]}
     */
    static Set<Integer> fromMessage(String message) {
        Set<Integer> rules = new TreeSet<>();
        if (message != null) {
            Matcher m = IN_MESSAGE.matcher(message);
            while (m.find()) {
                rules.add(Integer.parseInt(m.group(1)));
            }
        }
        return rules;
    }
}
