package dev.cairn.persistence.example.agent;

/**
 * Hears each node of a turn right after the commit that stored it, in commit order. Called on the
 * turn's thread; an exception it throws is logged and stops further calls, the turn goes on.
 */
@FunctionalInterface
public interface TurnListener {
    /** Hears nothing. */
    TurnListener NONE = node -> { };

    /**
     * @param node a node that is now stored
     */
    void onNode(TranscriptNode node);
}
