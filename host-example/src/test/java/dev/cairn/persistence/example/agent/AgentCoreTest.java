package dev.cairn.persistence.example.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.example.agent.model.BuiltinModel;
import dev.cairn.persistence.example.agent.tools.BuiltinTools;
import dev.cairn.persistence.tck.ForwardingRuntimePersistence;
import dev.cairn.persistence.tck.ForwardingSessionStoreFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentCoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private SessionStoreFactory factory;
    private AgentCore core;

    @BeforeEach
    void setUp() {
        factory = SessionStores.open("memory:");
        core = AgentCore.builder().model(new BuiltinModel()).tools(BuiltinTools.all()).storeFactory(factory)
                .clock(CLOCK).build();
    }

    @AfterEach
    void tearDown() {
        core.close();
        factory.close();
    }

    @Test
    void aTurnRecordsEachStepAsOneCommitWithCheckpointsAndUsage() {
        try (AgentSession chat = core.session("c1").name("first").open()) {
            List<TranscriptNode> heard = new ArrayList<>();
            TurnResult r = chat.send("what is 6*7?", heard::add);

            assertEquals("6*7 = 42.", r.reply());
            assertEquals(List.of("user_input", "assistant_response", "tool_call", "tool_result", "assistant_response"),
                    r.nodes().stream().map(TranscriptNode::kind).toList());
            assertEquals(r.nodes(), heard, "the listener hears every node, in commit order");
            // user step, model step, tool step, model step: four commits from revision 0
            assertEquals(4, r.revision());
            assertEquals(0, r.conflictRetries());
            Transcript t = chat.read(SessionReadScope.activePath());
            assertEquals(r.nodes().stream().map(TranscriptNode::nodeId).toList(),
                    t.nodes().stream().map(TranscriptNode::nodeId).toList());
            assertEquals("6*7", t.nodes().get(2).payload().path("arguments").path("expression").asText());
            assertEquals("42", t.nodes().get(3).payload().path("output").path("value").asText());
            for (int i = 1; i < r.nodes().size(); i++) {
                assertEquals(r.nodes().get(i - 1).nodeId(), r.nodes().get(i).parentNodeId().orElseThrow());
            }
        }
        try (RuntimePersistence store = factory.openExisting("c1").orElseThrow()) {
            PersistedSessionRead read = store.loadSession(SessionReadScope.activePath()).orElseThrow();
            assertTrue(read.checkpoint().slot("tool_state").isPresent(), "tool_state is checkpointed");
            assertTrue(read.checkpoint().slot("prompt").isPresent(), "prompt is checkpointed");
            assertEquals(2, read.usage().turns().size(), "one usage record per model call");
            assertEquals(read.usage().total(), read.usage().byModel().get(BuiltinModel.NAME));
            assertEquals("first", read.meta().name());
            assertEquals(BuiltinModel.NAME, read.meta().model());
        }
    }

    @Test
    void openResumesAnExistingSessionAndToolStateCarriesOver() {
        try (AgentSession chat = core.session("c2").open()) {
            chat.send("note buy milk");
        }
        try (AgentSession again = core.session("c2").name("ignored for an existing session").open()) {
            TurnResult r = again.send("show my notes");
            assertEquals("Your notes: #1 buy milk.", r.reply());
            assertEquals("", again.meta().name());
            assertEquals(1, again.toolState().path("notes").path("items").size());
        }
    }

    @Test
    void rewindMovesTheHeadAndTheToolStateFollows() {
        try (AgentSession chat = core.session("c3").open()) {
            TurnResult first = chat.send("note one");
            chat.send("note two");
            assertEquals(2, chat.toolState().path("notes").path("items").size());
            String endOfFirst = first.nodes().get(first.nodes().size() - 1).nodeId();
            long before = chat.head().revision();

            chat.rewind(endOfFirst, OptionalLong.of(before));

            assertEquals(endOfFirst, chat.head().nodeId().orElseThrow());
            assertEquals(1, chat.toolState().path("notes").path("items").size());
            assertEquals("Your notes: #1 one.", chat.send("show my notes").reply());
            assertThrows(dev.cairn.persistence.RevisionConflictException.class,
                    () -> chat.rewind(endOfFirst, OptionalLong.of(before)));
        }
    }

    @Test
    void forkKeepsThePathUpToTheNodeAndGoesItsOwnWay() {
        try (AgentSession chat = core.session("c4").open()) {
            TurnResult first = chat.send("note alpha");
            chat.send("note beta");
            String at = first.nodes().get(first.nodes().size() - 1).nodeId();
            try (AgentSession fork = core.fork("c4", at, "c4-fork")) {
                assertEquals(at, fork.head().nodeId().orElseThrow());
                assertEquals("Your notes: #1 alpha.", fork.send("show my notes").reply());
                assertEquals(TokenUsage.ZERO.totalTokens() < fork.usage().total().totalTokens(), true);
            }
            assertEquals("Your notes: #1 alpha; #2 beta.", chat.send("show my notes").reply());
        }
    }

    @Test
    void contextIsReadFromTheTailAndBoundedByTokens() {
        List<SessionReadScope> scopes = new CopyOnWriteArrayList<>();
        List<ModelRequest> requests = new CopyOnWriteArrayList<>();
        List<SessionReadScope> turnScopes = new ArrayList<>();
        SessionStoreFactory spying = new ForwardingSessionStoreFactory(factory, s -> new ForwardingRuntimePersistence(s) {
            @Override
            public java.util.Optional<PersistedSessionRead> loadSession(SessionReadScope scope) {
                scopes.add(scope);
                return super.loadSession(scope);
            }
        });
        BuiltinModel builtin = new BuiltinModel();
        ChatModel capturing = new ChatModel() {
            @Override
            public String name() {
                return builtin.name();
            }

            @Override
            public ModelReply complete(ModelRequest request) {
                requests.add(request);
                return builtin.complete(request);
            }
        };
        try (AgentCore small = AgentCore.builder().model(capturing).tools(BuiltinTools.all()).storeFactory(spying)
                .maxContextNodes(6).maxContextTokens(60).build();
             AgentSession chat = small.session("long").open()) {
            for (int i = 0; i < 12; i++) {
                chat.send("message number " + i + " with a few more words in it");
            }
            turnScopes.addAll(scopes);
            assertTrue(chat.read(SessionReadScope.activePath()).nodes().size() >= 24);
        }
        assertFalse(turnScopes.contains(SessionReadScope.activePath()), "turns never read the whole path");
        assertFalse(turnScopes.contains(SessionReadScope.fullGraph()), "turns never read the whole graph");
        assertTrue(turnScopes.contains(SessionReadScope.activePathTail(6)));
        ModelRequest last = requests.get(requests.size() - 1);
        assertTrue(last.messages().size() <= 6, "at most the tail's nodes: " + last.messages().size());
        int tokens = Tokens.count(last.system()) + last.messages().stream().mapToInt(Tokens::count).sum();
        assertTrue(tokens <= 60, "the context fits maxContextTokens: " + tokens);
        assertEquals("message number 11 with a few more words in it",
                last.messages().get(last.messages().size() - 1).text());
    }

    @Test
    void withoutAFactoryTheCoreUsesMemory() {
        try (AgentCore mem = AgentCore.builder().model(new BuiltinModel()).build();
             AgentSession chat = mem.session("m").open()) {
            assertEquals(dev.cairn.persistence.Durability.VOLATILE, mem.factory().durability());
            assertTrue(chat.send("hello").reply().startsWith("You said \"hello\""));
        }
    }

    @Test
    void aFailingModelLeavesTheUserInputAndAnErrorNode() {
        ChatModel broken = new ChatModel() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public ModelReply complete(ModelRequest request) {
                throw new ModelException("the model endpoint answered HTTP 500");
            }
        };
        try (AgentCore c = AgentCore.builder().model(broken).storeFactory(factory).build();
             AgentSession chat = c.session("err").open()) {
            assertThrows(ModelException.class, () -> chat.send("hi"));
            List<String> kinds = chat.read(SessionReadScope.activePath()).nodes().stream()
                    .map(TranscriptNode::kind).toList();
            assertEquals(List.of("user_input", "error"), kinds);
        }
    }

    @Test
    void aModelThatNeverStopsIsCutOffAfterMaxSteps() {
        ChatModel loop = new ChatModel() {
            @Override
            public String name() {
                return "loop";
            }

            @Override
            public ModelReply complete(ModelRequest request) {
                return new ModelReply("", List.of(new ToolCall("x", "clock", Payloads.JSON.createObjectNode())), "loop",
                        TokenUsage.of(1, 1));
            }
        };
        try (AgentCore c = AgentCore.builder().model(loop).tools(BuiltinTools.all()).storeFactory(factory)
                .maxSteps(2).clock(CLOCK).build();
             AgentSession chat = c.session("loop").open()) {
            TurnResult r = chat.send("go");
            assertTrue(r.reply().startsWith("I stopped after 2 model calls"));
            assertEquals(TokenUsage.of(2, 2), r.usage());
            assertEquals(1 + 2 * 3 + 1, r.nodes().size());
        }
    }
}
