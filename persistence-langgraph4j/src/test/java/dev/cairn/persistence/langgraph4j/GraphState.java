package dev.cairn.persistence.langgraph4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bsc.langgraph4j.serializer.StateSerializer;
import org.bsc.langgraph4j.serializer.plain_text.jackson.JacksonStateSerializer;
import org.bsc.langgraph4j.serializer.std.ObjectStreamStateSerializer;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;
import org.bsc.langgraph4j.state.Channels;

/** The state of the test graphs: the steps taken, appended, and plain values. */
public final class GraphState extends AgentState {
    /** The channels: {@code steps} appends. */
    static final Map<String, Channel<?>> SCHEMA = Map.of("steps", Channels.appender(ArrayList::new));

    /**
     * @param data the state's data
     */
    public GraphState(Map<String, Object> data) {
        super(data);
    }

    List<String> steps() {
        return this.<List<String>>value("steps").orElse(List.of());
    }

    static StateSerializer<GraphState> binary() {
        return new ObjectStreamStateSerializer<>(GraphState::new);
    }

    static StateSerializer<GraphState> json() {
        return new JacksonStateSerializer<GraphState>(GraphState::new) {
        };
    }
}
