package dev.cairn.persistence.example.agent;

/**
 * A language model, or something that behaves like one. Implementations are thread-safe.
 */
public interface ChatModel {

    /** @return the model's name, recorded in session metadata */
    String name();

    /**
     * Answers one request.
     *
     * @param request the system prompt, context and tools
     * @return the reply
     * @throws ModelException if the model cannot answer
     */
    ModelReply complete(ModelRequest request);
}
