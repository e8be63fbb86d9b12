package dev.cairn.persistence.adk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.adk.agents.LlmAgent;
import com.google.adk.artifacts.InMemoryArtifactService;
import com.google.adk.events.Event;
import com.google.adk.runner.Runner;
import com.google.adk.sessions.Session;
import com.google.adk.tools.FunctionTool;
import com.google.genai.types.Content;
import com.google.genai.types.Part;
import dev.cairn.persistence.TokenUsage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADK's own Runner and LlmAgent on a Cairn session service, a scripted model that calls a tool in
 * every turn; the service is closed and reopened on the same sqlite: store between turns, as a
 * restarted process would.
 */
class RunnerTest {
    @TempDir
    Path dir;

    private static List<Event> turn(CairnSessionService service, String text) {
        LlmAgent agent = LlmAgent.builder().name("forecaster").model(new ScriptedLlm()).instruction("Answer with the forecast.")
                .tools(FunctionTool.create(WeatherTool.class, "weather")).build();
        Runner runner = new Runner(agent, "weather-app", new InMemoryArtifactService(), service);
        Content message = Content.builder().role("user").parts(Part.fromText(text)).build();
        return runner.runAsync("alice", "s1", message).toList().blockingGet();
    }

    @Test
    void aConversationWithToolCallsSurvivesARestartWithItsStateAndUsage() {
        String location = Stores.location("sqlite", dir);
        try (CairnSessionService service = CairnSessionService.open(location)) {
            service.createSession("weather-app", "alice", Map.of("units", "metric"), "s1").blockingGet();
            List<Event> first = turn(service, "What is the weather in Paris?");
            assertEquals("The forecast: sunny in Paris", first.get(first.size() - 1).stringifyContent().trim());
        }
        try (CairnSessionService restarted = CairnSessionService.open(location)) {
            Session before = restarted.getSession("weather-app", "alice", "s1", Optional.empty()).blockingGet();
            assertEquals(4, before.events().size(), "user, call, result, answer");
            assertEquals("Paris", before.state().get("user:last_city"));

            List<Event> second = turn(restarted, "And in Rome?");
            assertEquals("The forecast: sunny in Rome", second.get(second.size() - 1).stringifyContent().trim());

            Session after = restarted.getSession("weather-app", "alice", "s1", Optional.empty()).blockingGet();
            assertEquals(8, after.events().size(), () -> after.events().stream().map(e -> e.author() + ":" + e.stringifyContent() + e.functionCalls() + e.functionResponses()).toList().toString());
            assertEquals(List.of("user", "forecaster", "forecaster", "forecaster", "user", "forecaster", "forecaster", "forecaster"),
                    after.events().stream().map(Event::author).toList());
            assertEquals("Rome", after.state().get("user:last_city"));
            assertEquals("metric", after.state().get("units"));
            assertTrue(after.state().keySet().stream().noneMatch(k -> k.startsWith("temp:")), after.state().toString());

            TokenUsage expected = TokenUsage.of(2L * (ScriptedLlm.CALL_IN + ScriptedLlm.ANSWER_IN),
                    2L * (ScriptedLlm.CALL_OUT + ScriptedLlm.ANSWER_OUT));
            var ledger = restarted.usage("weather-app", "alice", "s1");
            assertEquals(expected, ledger.total());
            assertEquals(Map.of(ScriptedLlm.MODEL, expected), ledger.byModel());
            assertEquals(4, ledger.turns().size(), "one usage record per model response");

            Session other = restarted.createSession("weather-app", "alice", Map.of(), "s2").blockingGet();
            assertEquals("Rome", other.state().get("user:last_city"), "user: state is shared across alice's sessions");
        }
    }
}
