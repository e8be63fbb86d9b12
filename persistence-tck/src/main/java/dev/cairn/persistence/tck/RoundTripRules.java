package dev.cairn.persistence.tck;

import dev.cairn.persistence.BlobRef;
import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionMeta;
import dev.cairn.persistence.SessionQuery;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.UsageEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Values come back exactly as stored (metadata text, model names, bytes handed out as copies), and a
 * node id used again after vacuum is a new node that inherits nothing of the vacuumed one.
 */
abstract class RoundTripRules extends KitRules {
    /** Text that a store which trims, folds case or normalizes would change. */
    private static final List<String> TEXTS = List.of("  leading and trailing  ", "MixedCase Name", "mixedcase name",
            "ünïcødé – 名前 – 😀", "inner  double  spaces", "e\u0301 (decomposed)", "\u00e9 (composed)", "", " ",
            "quote ' \" backslash \\ percent % underscore _");

    RoundTripRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    private static Map<String, String> attributes(int i) {
        Map<String, String> a = new TreeMap<>();
        a.put("k" + i, TEXTS.get(i));
        a.put("K" + i, TEXTS.get((i + 1) % TEXTS.size()));
        return a;
    }

    @Test
    void rule18_metadataTextComesBackExactly() {
        for (int i = 0; i < TEXTS.size(); i++) {
            String t = TEXTS.get(i);
            String id = "m" + i;
            factory().createStore(SessionStoreCreateRequest.of(id).withName(t).withModel(t.strip() + "|" + t)
                    .withCwd(t + "/dir ").withAttributes(attributes(i)));
        }
        for (int i = 0; i < TEXTS.size(); i++) {
            String t = TEXTS.get(i);
            String id = "m" + i;
            SessionMeta m = factory().openExisting(id).orElseThrow().loadSessionMeta().orElseThrow();
            String what = "the metadata of session " + id + " created with the text '" + t + "'";
            String hint = "that name, model, cwd and attribute keys and values are stored and returned byte for byte:"
                    + " no trimming, case folding or unicode normalization";
            checkEquals(t, m.name(), what + ": name", hint);
            checkEquals(t.strip() + "|" + t, m.model(), what + ": model", hint);
            checkEquals(t + "/dir ", m.cwd(), what + ": cwd", hint);
            checkEquals(attributes(i), m.attributes(), what + ": attributes", hint);
            SessionMeta listed = factory().listSessions(SessionQuery.all().withLimit(SessionQuery.MAX_LIMIT)).sessions()
                    .stream().filter(x -> x.sessionId().equals(id)).findFirst().orElseThrow();
            checkEquals(m, listed, what + ": listSessions against loadSessionMeta", hint);
            RuntimePersistence s = factory().openExisting(id).orElseThrow();
            SessionMeta saved = m.withName(TEXTS.get((i + 3) % TEXTS.size())).withAttributes(attributes((i + 5) % TEXTS.size()));
            must("saveSessionMeta", () -> {
                s.saveSessionMeta(saved);
                return null;
            });
            checkEquals(saved, s.loadSessionMeta().orElseThrow(), what + ": after saveSessionMeta", hint);
        }
        checkEquals(List.of("m7"), ids(SessionQuery.all().withAttribute("k2", TEXTS.get(2)).withAttribute("K2", TEXTS.get(3))),
                "sessions whose attributes match, case and all, after the saves (m7 now has the attributes m2 was created with)", null);
    }

    private List<String> ids(SessionQuery q) {
        return factory().listSessions(q).sessions().stream().map(SessionMeta::sessionId).toList();
    }

    @Test
    void rule14_modelNamesAreCaseSensitiveInTheLedger() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        commit(s, RuntimeCommit.expecting(1).usage("n1", "GPT-4o", TokenUsage.of(1, 2)).usage("n1", "gpt-4o",
                TokenUsage.of(10, 20)).usage("n1", " gpt-4o ", TokenUsage.of(100, 200)));
        PersistedSessionRead r = read(s);
        Map<String, TokenUsage> expected = Map.of("GPT-4o", TokenUsage.of(1, 2), "gpt-4o", TokenUsage.of(10, 20),
                " gpt-4o ", TokenUsage.of(100, 200));
        checkEquals(expected, r.usage().byModel(), "usage.byModel of three models that differ in case and spaces only",
                "that model names are kept byte for byte (a case-sensitive, untrimmed column or key)");
        List<String> models = r.usage().turns().stream().map(UsageEntry::model).toList();
        checkEquals(List.of("GPT-4o", "gpt-4o", " gpt-4o "), models, "the models of the turns", null);
    }

    @Test
    void rule13_bytesHandedOutAreCopies() {
        RuntimePersistence s = open("s");
        byte[] attachment = Fx.random(91, 3000);
        byte[] slot = Fx.random(92, 40);
        byte[] payload = Fx.utf8("{\"payload\":1}");
        byte[] callerAttachment = attachment.clone();
        byte[] callerSlot = slot.clone();
        byte[] callerPayload = payload.clone();
        RuntimeCommit.Builder b = RuntimeCommit.expecting(0);
        BlobRef ref = b.attach(callerAttachment, BlobRef.OCTET_STREAM);
        b.append(dev.cairn.persistence.NewNode.root("r", dev.cairn.persistence.NodeKind.USER_INPUT, callerPayload, ref))
                .head("r").checkpoint("s", callerSlot);
        RuntimeCommit c = b.build();
        callerAttachment[0] ^= 1;
        callerSlot[0] ^= 1;
        callerPayload[0] ^= 1;
        commit(s, c);
        callerAttachment[1] ^= 1;
        callerSlot[1] ^= 1;
        callerPayload[1] ^= 1;
        String hint = "that loadBlob and reads return a new array each time, and that a commit keeps its own copy";
        for (ContentHash h : List.of(ref.hash(), ContentHash.of(slot))) {
            byte[] expected = h.equals(ref.hash()) ? attachment : slot;
            byte[] first = s.loadBlob(h).orElseThrow(() -> failure("loadBlob(" + h + ") of a committed blob is empty",
                    null));
            first[0] ^= 1;
            first[first.length - 1] ^= 1;
            checkBytes(expected, s.loadBlob(h), "loadBlob after the caller changed the array an earlier loadBlob"
                    + " returned", hint);
        }
        byte[] got = nth(read(s).nodes(), 0, "the active path").payload();
        got[0] ^= 1;
        checkBytes(payload, nth(read(s).nodes(), 0, "the active path").payload(), "the payload after the caller changed a returned"
                + " payload array", hint);
        checkBytes(payload, s.loadNode("r").orElseThrow().payload(), "loadNode's payload", hint);
    }

    @Test
    void rule17_aReusedIdInheritsNoTurnsAndNoSlotsOfTheVacuumedNode() {
        RuntimePersistence s = open("s");
        chain(s, "n", 1);
        commit(s, RuntimeCommit.expecting(1).append(Fx.child("x", "n1")).append(Fx.child("y", "x")).head("y")
                .checkpoint("only-old", Fx.utf8("slot of the old y")).usage("x", "m", TokenUsage.of(7, 7))
                .usage("y", "m", TokenUsage.of(8, 8)));
        checkEquals(2, read(s).usage().turns().size(), "the turns of the active path n1-x-y before the vacuum");
        checkEquals(Optional.of("slot of the old y"), Optional.ofNullable(read(s).checkpoint().slots().get("only-old"))
                .map(slot -> Fx.text(s.loadBlob(slot.blob().hash()).orElseThrow())), "slot only-old at the old y");
        commit(s, RuntimeCommit.expecting(2).head("n1"));
        checkEquals(2, s.tombstoneNodes(List.of("x")), "tombstoneNodes([x]) with its child y");
        must("gcUnreachable", s::gcUnreachable);
        must("vacuum", s::vacuum);
        commit(s, RuntimeCommit.expecting(3).append(Fx.child("x", "n1")).append(Fx.child("y", "x")).head("y")
                .usage("y", "m", TokenUsage.of(1, 1)));
        String hint = "that vacuum removes the usage rows' and checkpoint slots' link to the vacuumed node (rules 11,"
                + " 14, 17: a node that reuses the id is another node), also in caches keyed by node id";
        for (SessionReadScope scope : List.of(SessionReadScope.activePath(), SessionReadScope.fullGraph(),
                SessionReadScope.activePathTo("y"), SessionReadScope.activePathTail(2))) {
            PersistedSessionRead r = read(s, scope);
            checkEquals(Optional.empty(), Optional.ofNullable(r.checkpoint().slots().get("only-old")),
                    scope + ": the slot committed at the vacuumed y, through the new y", hint);
            List<TokenUsage> turns = r.usage().turns().stream().map(UsageEntry::usage).toList();
            checkEquals(List.of(TokenUsage.of(1, 1)), turns, scope + ": the turns of the new x and y", hint);
            checkEquals(TokenUsage.of(16, 16), r.usage().total(), scope + ": usage.total, which counts every record"
                    + " ever committed", hint);
        }
        checkEquals(Optional.empty(), Optional.ofNullable(commit(s, RuntimeCommit.expecting(4).append(Fx.child("z",
                "y")).head("z")).checkpoint().slots().get("only-old")), "the checkpoint of a commit under the new y",
                hint);
    }
}
