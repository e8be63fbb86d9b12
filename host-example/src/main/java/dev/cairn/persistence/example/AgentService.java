package dev.cairn.persistence.example;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreLocation;
import dev.cairn.persistence.example.agent.AgentCore;
import dev.cairn.persistence.example.agent.ChatModel;
import dev.cairn.persistence.example.agent.model.BuiltinModel;
import dev.cairn.persistence.example.agent.model.OpenAiCompatibleModel;
import dev.cairn.persistence.example.agent.model.OpenAiConfig;
import dev.cairn.persistence.example.agent.tools.BuiltinTools;
import dev.cairn.persistence.example.http.AgentHttpServer;
import dev.cairn.persistence.example.http.HttpSettings;
import dev.cairn.persistence.example.product.ChatDirectory;
import dev.cairn.persistence.example.product.ChatService;
import dev.cairn.persistence.example.product.ChatDatabase;
import dev.cairn.persistence.example.product.LegacyChatsFile;
import dev.cairn.persistence.example.product.PostgresUrl;
import dev.cairn.persistence.example.product.SqlChatDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the store named by configuration through {@link SessionStores} (so any
 * installed provider works without a code change), builds the agent runtime, opens the chats table
 * and starts the HTTP server. {@link #close()} stops them in reverse order.
 */
public final class AgentService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentService.class);

    private final SessionStoreFactory factory;
    private final AgentCore core;
    private final AgentHttpServer server;
    private final StoreLocation location;
    private final ChatDirectory directory;

    private AgentService(SessionStoreFactory factory, AgentCore core, AgentHttpServer server, StoreLocation location,
                         ChatDirectory directory) {
        this.factory = factory;
        this.core = core;
        this.server = server;
        this.location = location;
        this.directory = directory;
    }

    /**
     * Starts the service.
     *
     * @param config the configuration
     * @param env the environment, for the model's API key
     * @return the running service
     */
    public static AgentService start(ServiceConfig config, Map<String, String> env) {
        StoreLocation location = StoreLocation.parse(config.store());
        ChatModel model = model(config, env);
        SessionStoreFactory factory = SessionStores.open(config.store());
        try {
            ChatDatabase db = database(config, location);
            ChatDirectory directory = SqlChatDirectory.open(db);
            try {
                db.sqliteDirectory().ifPresent(dir -> LegacyChatsFile.importInto(dir, directory));
            } catch (RuntimeException e) {
                directory.close();
                throw e;
            }
            AgentCore core = AgentCore.builder()
                    .model(model)
                    .tools(BuiltinTools.all())
                    .storeFactory(factory)
                    .maxContextTokens(config.maxContextTokens())
                    .build();
            try {
                ChatService chats = new ChatService(core, directory, Clock.systemUTC());
                AgentHttpServer server = AgentHttpServer.start(chats, new HttpSettings(config.host(), config.port(),
                        config.maxMessageBytes(), location.toString(), factory.durability().name(),
                        config.allowedHosts(), config.allowedOrigins(), config.limits()));
                LOG.info("Store {} ({}), chats table {}, model {}", location, factory.durability(),
                        directory.description(), model.name());
                return new AgentService(factory, core, server, location, directory);
            } catch (RuntimeException e) {
                core.close();
                directory.close();
                throw e;
            }
        } catch (RuntimeException e) {
            factory.close();
            throw e;
        }
    }

    /** @return the base URL */
    public URI uri() {
        return server.uri();
    }

    /** @return the store location, secrets redacted */
    public String store() {
        return location.toString();
    }

    /** @return the model's name */
    public String modelName() {
        return core.model().name();
    }

    /** @return where the chats table lives */
    public String chatsTable() {
        return directory.description();
    }

    /** Stops the HTTP server, then closes the chats table and the store. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                core.close();
                directory.close();
            } finally {
                factory.close();
            }
        }
    }

    private static ChatModel model(ServiceConfig config, Map<String, String> env) {
        if (config.model().equals("builtin")) {
            return new BuiltinModel();
        }
        String key = env.getOrDefault(config.openAiKeyEnv(), "");
        if (key.isEmpty()) {
            LOG.warn("Environment variable {} is not set; calling {} without an API key", config.openAiKeyEnv(),
                    config.openAiBaseUrl());
        }
        return new OpenAiCompatibleModel(new OpenAiConfig(config.openAiBaseUrl(), config.openAiModel(), key,
                Duration.ofSeconds(60)));
    }

    /**
     * The chats table: for a {@code postgres:} store a schema of the same database
     * ({@code --chats-schema}, default the store's schema plus {@code _app}), so every instance on
     * that database shares it; else an SQLite file {@code chats.db} in {@code --data-dir}, by default
     * the {@code sqlite:} store's directory ({@code ./.cairn-data} for other schemes), or in memory
     * for a {@code memory:} store without {@code --data-dir}.
     */
    static ChatDatabase database(ServiceConfig config, StoreLocation location) {
        if (location.scheme().equals("postgres") || location.scheme().equals("postgresql")) {
            String schema = config.chatsSchema().orElse(location.option("schema").orElse("cairn") + "_app");
            return ChatDatabase.postgres(PostgresUrl.of(location), schema);
        }
        if (config.dataDir().isPresent()) {
            return ChatDatabase.sqliteFile(directory(config.dataDir().get()));
        }
        return switch (location.scheme()) {
            case "memory" -> ChatDatabase.sqliteInMemory();
            case "sqlite" -> ChatDatabase.sqliteFile(directory(Path.of(location.target().isEmpty() ? "."
                    : location.target())));
            default -> ChatDatabase.sqliteFile(directory(Path.of(".cairn-data")));
        };
    }

    private static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dir, e);
        }
    }
}
