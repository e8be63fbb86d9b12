package dev.cairn.persistence.example.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.example.agent.ChatMessage;
import dev.cairn.persistence.example.agent.ModelReply;
import dev.cairn.persistence.example.agent.ModelRequest;
import dev.cairn.persistence.example.agent.ToolCall;
import dev.cairn.persistence.example.agent.tools.BuiltinTools;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltinModelTest {
    private static final Set<String> ALL = Set.of("calculator", "notes", "clock");
    private final BuiltinModel model = new BuiltinModel();

    private static String plan(String text) {
        return BuiltinModel.plan(text, ALL).stream().map(c -> c.name() + c.arguments()).toList().toString();
    }

    @Test
    void plansToolCalls() {
        assertEquals("[calculator{\"expression\":\"12*(3+4)\"}]", plan("what is 12*(3+4)?"));
        assertEquals("[notes{\"action\":\"add\",\"text\":\"buy 2 apples\"}]", plan("note buy 2 apples"));
        assertEquals("[notes{\"action\":\"add\",\"text\":\"the meeting is at 3\"}]",
                plan("Remember that the meeting is at 3"));
        assertEquals("[notes{\"action\":\"list\"}]", plan("what did I ask you to remember?"));
        assertEquals("[notes{\"action\":\"remove\",\"id\":2}]", plan("forget note 2"));
        assertEquals("[notes{\"action\":\"clear\"}]", plan("clear my notes"));
        assertEquals("[notes{\"action\":\"list\"}, clock{}]", plan("show my notes and the time"));
        assertEquals("[calculator{\"expression\":\"1+1\"}, calculator{\"expression\":\"2 * 3\"}]",
                plan("1+1 and also 2 * 3"));
        assertEquals("[]", plan("hello there, 42 is a number"));
        assertEquals(List.of(), BuiltinModel.plan("what is 1+1", Set.of()), "only offered tools are called");
    }

    @Test
    void isDeterministicAndCountsWords() {
        ModelRequest req = new ModelRequest("be brief", List.of(ChatMessage.user("what is 2+2")),
                BuiltinTools.all().stream().map(t -> t.spec()).toList());
        ModelReply a = model.complete(req);
        ModelReply b = model.complete(req);
        assertEquals(a, b);
        assertEquals(1, a.toolCalls().size());
        // input: "be brief" (2) + message (1 + 3 words); output: "Let me use calculator." (4) + call (1 + 1)
        assertEquals(TokenUsage.of(6, 6), a.usage());
        assertEquals(BuiltinModel.NAME, a.model());
    }

    @Test
    void answersFromToolResults() {
        ModelRequest req = new ModelRequest("", List.of(
                ChatMessage.user("what is 2+2 and the time"),
                ChatMessage.assistant("Let me use calculator and clock.", List.of()),
                ChatMessage.tool("call_1", "calculator", "{\"expression\":\"2+2\",\"value\":\"4\"}"),
                ChatMessage.tool("call_2", "clock", "{\"utc\":\"2026-01-02T03:04:05Z\",\"weekday\":\"FRIDAY\"}"),
                ChatMessage.tool("call_3", "notes", "{\"error\":\"There is no note 9\"}")), List.of());
        ModelReply r = model.complete(req);
        assertTrue(r.isFinal());
        assertEquals("2+2 = 4. It is 2026-01-02T03:04:05Z (friday). The notes tool said: There is no note 9.", r.text());
    }

    @Test
    void chatsAboutWhatItCanSee() {
        ModelReply r = model.complete(new ModelRequest("", List.of(ChatMessage.user("first"),
                ChatMessage.assistant("ok", List.of()), ChatMessage.user("second")), List.of()));
        assertTrue(r.text().startsWith("You said \"second\". That is message 2 of this chat that I can see."
                + " Before that you said \"first\"."), r.text());
    }

    @Test
    void aMessageFullOfArithmeticGetsABoundedNumberOfCalculations() {
        // a 32 KB message of expressions once made one turn of 10,803 nodes in 5,401 commits
        String flood = "1+1 and ".repeat(4000);
        List<ToolCall> calls = BuiltinModel.plan(flood, ALL);
        assertEquals(BuiltinModel.MAX_CALCULATIONS, calls.size());
    }
}
