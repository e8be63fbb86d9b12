package dev.cairn.persistence.adapter;

import dev.cairn.persistence.StorePolicy;

import java.util.Objects;

/**
 * How an adapter uses its conversations.
 *
 * @param framework the framework's name, kept in the session attribute {@link ConversationWindows#ADAPTER_ATTRIBUTE}
 * @param ids how conversation ids become session ids
 * @param archiveOnClear true: a clear empties the window and keeps the history; false: a clear erases
 *                       the session ({@code deleteSession})
 * @param strict true: a concurrent update of the same conversation fails with
 *               {@link dev.cairn.persistence.RevisionConflictException}; false: the update is aligned
 *               again with what the other writer stored and retried
 * @param maxAttempts how many times an update is tried before the conflict is thrown (1 to 100)
 * @param cachedConversations how many conversations' windows are cached between calls (at least 1)
 * @param policy the store policy of the sessions (payload and blob limits)
 */
public record WindowSettings(String framework, FrameworkIds ids, boolean archiveOnClear, boolean strict, int maxAttempts,
                             int cachedConversations, StorePolicy policy) {
    /** Validates and copies. */
    public WindowSettings {
        Objects.requireNonNull(framework, "framework");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(policy, "policy");
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be 1 to 100, was " + maxAttempts);
        }
        if (cachedConversations < 1) {
            throw new IllegalArgumentException("cachedConversations must be at least 1, was " + cachedConversations);
        }
    }

    /**
     * The defaults: archive on clear, re-align and retry up to 10 times, 1,024 cached conversations.
     *
     * @param framework the framework's name
     * @param prefix the session id prefix
     * @return the settings
     */
    public static WindowSettings defaults(String framework, String prefix) {
        return new WindowSettings(framework, new FrameworkIds(prefix), true, false, 10, 1024, StorePolicy.DEFAULT);
    }

    /** @param value see the record; @return a copy with it */
    public WindowSettings withArchiveOnClear(boolean value) {
        return new WindowSettings(framework, ids, value, strict, maxAttempts, cachedConversations, policy);
    }

    /** @param value see the record; @return a copy with it */
    public WindowSettings withStrict(boolean value) {
        return new WindowSettings(framework, ids, archiveOnClear, value, maxAttempts, cachedConversations, policy);
    }

    /** @param value see the record; @return a copy with it */
    public WindowSettings withMaxAttempts(int value) {
        return new WindowSettings(framework, ids, archiveOnClear, strict, value, cachedConversations, policy);
    }

    /** @param value see the record; @return a copy with it */
    public WindowSettings withPolicy(StorePolicy value) {
        return new WindowSettings(framework, ids, archiveOnClear, strict, maxAttempts, cachedConversations, value);
    }
}
