package dev.cairn.persistence.adk;

import com.google.adk.events.Event;
import com.google.adk.events.EventActions;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Events as ADK's runner makes them, for the tests. */
final class Events {
    private static long clock = 1_700_000_000_000L;

    private Events() {
    }

    static Event user(String text) {
        return text("user", text, Map.of());
    }

    static Event model(String text, Map<String, Object> delta) {
        return text("agent", text, delta);
    }

    static Event text(String author, String text, Map<String, Object> delta) {
        return Event.builder().id(Event.generateEventId()).invocationId("inv-1").author(author)
                .content(Content.builder().role(author.equals("user") ? "user" : "model").parts(Part.fromText(text)).build())
                .actions(EventActions.builder().stateDelta(new ConcurrentHashMap<>(delta)).build())
                .timestamp(tick()).build();
    }

    static Event withUsage(Event e, String model, int in, int out) {
        e.setUsageMetadata(GenerateContentResponseUsageMetadata.builder().promptTokenCount(in).candidatesTokenCount(out).build());
        e.setModelVersion(model);
        return e;
    }

    static synchronized long tick() {
        return clock += 1000;
    }
}
