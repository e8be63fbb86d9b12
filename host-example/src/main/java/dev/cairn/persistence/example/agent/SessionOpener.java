package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.SessionStoreCreateRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Opens the session of one chat: {@link #open()} resumes it or creates it with the seed metadata
 * set here; {@link #openExisting()} only resumes.
 */
public final class SessionOpener {
    private final AgentCore core;
    private final String chatId;
    private String name = "";
    private final Map<String, String> attributes = new TreeMap<>();

    SessionOpener(AgentCore core, String chatId) {
        this.core = core;
        this.chatId = Objects.requireNonNull(chatId, "chatId");
    }

    /**
     * @param name the display name of a new session
     * @return this opener
     */
    public SessionOpener name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * @param key an attribute of a new session, e.g. {@code owner}
     * @param value its value
     * @return this opener
     */
    public SessionOpener attribute(String key, String value) {
        attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Resumes the session, or creates it with the name, attributes and the core's model as seed
     * metadata; an existing session's metadata is left alone.
     *
     * @return the session; close it when done
     */
    public AgentSession open() {
        SessionStoreCreateRequest request = SessionStoreCreateRequest.of(chatId)
                .withPolicy(core.storePolicy())
                .withName(name)
                .withModel(core.model().name())
                .withAttributes(attributes);
        return new AgentSession(core, core.factory().createStore(request));
    }

    /** @return the session if it exists, else empty (nothing is created) */
    public Optional<AgentSession> openExisting() {
        return core.factory().openExisting(chatId, core.storePolicy()).map(store -> new AgentSession(core, store));
    }
}
