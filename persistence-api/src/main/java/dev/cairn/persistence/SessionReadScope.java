package dev.cairn.persistence;

/**
 * What a {@link RuntimePersistence#loadSession(SessionReadScope) read} returns (SPEC rule 9).
 */
public sealed interface SessionReadScope {

    /** @return the nodes from a root to the head, in that order */
    static SessionReadScope activePath() {
        return ActivePath.INSTANCE;
    }

    /**
     * @param leafNodeId a live node
     * @return the nodes from a root to the given leaf, in that order
     */
    static SessionReadScope activePathTo(String leafNodeId) {
        return new ActivePathTo(leafNodeId);
    }

    /**
     * @param n how many nodes, at least 1
     * @return the last {@code n} nodes of the active path (fewer if the path is shorter), root-most first
     */
    static SessionReadScope activePathTail(int n) {
        return new ActivePathTail(n);
    }

    /** @return every live node, in commit order */
    static SessionReadScope fullGraph() {
        return FullGraph.INSTANCE;
    }

    /** @return every node that is not detached, tombstoned ones included, in commit order */
    static SessionReadScope fullGraphWithTombstones() {
        return FullGraphWithTombstones.INSTANCE;
    }

    /** The active path from a root to the head. */
    enum ActivePath implements SessionReadScope {
        /** The only instance. */
        INSTANCE
    }

    /**
     * The active path from a root to the given leaf.
     *
     * @param leafNodeId the leaf, a live node
     */
    record ActivePathTo(String leafNodeId) implements SessionReadScope {
        /** Validates. */
        public ActivePathTo {
            Ids.require("leaf node id", leafNodeId);
        }
    }

    /**
     * The last {@code n} nodes of the active path.
     *
     * @param n how many, at least 1
     */
    record ActivePathTail(int n) implements SessionReadScope {
        /** Validates. */
        public ActivePathTail {
            if (n < 1) {
                throw new InvalidRequestException("activePathTail needs n >= 1, got " + n);
            }
        }
    }

    /** Every live node in commit order. */
    enum FullGraph implements SessionReadScope {
        /** The only instance. */
        INSTANCE
    }

    /** Every node that is not detached, tombstoned ones included, in commit order. */
    enum FullGraphWithTombstones implements SessionReadScope {
        /** The only instance. */
        INSTANCE
    }
}
