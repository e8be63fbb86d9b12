package dev.cairn.persistence.example;

import dev.cairn.persistence.example.http.HttpLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The service's configuration, from the command line.
 *
 * @param host the address to bind
 * @param port the port, 0 for a free one
 * @param store the Cairn store location, e.g. {@code sqlite:./.cairn-data} or {@code memory:}
 * @param dataDir where the SQLite chats table lives; empty to derive it from the store
 * @param chatsSchema the PostgreSQL schema of the chats table for a {@code postgres:} store; empty
 *     for the store's schema plus {@code _app}
 * @param maxMessageBytes the largest message, in UTF-8 bytes
 * @param maxContextTokens the largest model context, estimated
 * @param model {@code builtin} or {@code openai}
 * @param openAiBaseUrl the OpenAI-compatible API base
 * @param openAiModel the model name to ask it for
 * @param openAiKeyEnv the environment variable that holds the API key
 * @param allowedHosts host names the Host header may carry; empty for the default
 * @param allowedOrigins browser origins allowed beside the service's own
 * @param limits timeouts and connection limits
 * @param exitWithParent stop when the parent process ends (the Maven run profile sets it)
 */
public record ServiceConfig(String host, int port, String store, Optional<Path> dataDir, Optional<String> chatsSchema,
                            int maxMessageBytes, int maxContextTokens, String model, URI openAiBaseUrl,
                            String openAiModel, String openAiKeyEnv, List<String> allowedHosts,
                            List<String> allowedOrigins, HttpLimits limits, boolean exitWithParent) {
    /** The default store location. */
    public static final String DEFAULT_STORE = "sqlite:./.cairn-data";

    /** The command-line help. */
    public static final String USAGE = String.join("\n",
            "Usage: host-example [options]",
            "  --host ADDR                bind address (default 127.0.0.1)",
            "  --port N                   port, 0 = a free one (default 8080)",
            "  --store LOCATION           Cairn store (default " + DEFAULT_STORE + "; memory: keeps nothing;",
            "                             postgres://user:pass@host:5432/db?schema=cairn for several instances)",
            "  --data-dir DIR             where the SQLite chats table chats.db lives (default: the sqlite: directory)",
            "  --chats-schema NAME        PostgreSQL schema of the chats table (default: the store's schema + _app)",
            "  --max-message-bytes N      largest message, larger ones get HTTP 413 (default 32768)",
            "  --max-context-tokens N     largest model context (default 4000)",
            "  --model builtin|openai     the deterministic built-in model (default) or an OpenAI-compatible API",
            "  --openai-base-url URL      (default https://api.openai.com/v1)",
            "  --openai-model NAME        (default gpt-4o-mini)",
            "  --openai-api-key-env VAR   environment variable holding the key (default OPENAI_API_KEY)",
            "  --allowed-hosts A,B        Host header names to answer (default: the bind address; localhost too)",
            "  --allowed-origins O,P      browser origins allowed beside the service's own, e.g. https://app.example",
            "  --idle-timeout S           seconds of silence before a connection is closed (default 30)",
            "  --header-timeout S         seconds to send a request's headers (default 10)",
            "  --body-timeout S           seconds to send a request's body (default 20)",
            "  --max-connections N        open connections at most (default 512)",
            "  --max-requests N           API requests handled at once, more get 503 (default 64)",
            "  --help");

    private static final Set<String> OPTIONS = Set.of("host", "port", "store", "data-dir", "chats-schema",
            "max-message-bytes", "max-context-tokens", "model", "openai-base-url", "openai-model",
            "openai-api-key-env", "allowed-hosts", "allowed-origins", "idle-timeout", "header-timeout",
            "body-timeout", "max-connections", "max-requests", "exit-with-parent");

    /** Validates and copies. */
    public ServiceConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(chatsSchema, "chatsSchema");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(openAiBaseUrl, "openAiBaseUrl");
        Objects.requireNonNull(openAiModel, "openAiModel");
        Objects.requireNonNull(openAiKeyEnv, "openAiKeyEnv");
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
        }
        if (maxMessageBytes < 1 || maxContextTokens < 1) {
            throw new IllegalArgumentException("--max-message-bytes and --max-context-tokens must be positive");
        }
        if (maxMessageBytes > 1 << 20) {
            throw new IllegalArgumentException("--max-message-bytes is at most 1048576 (1 MiB), got " + maxMessageBytes);
        }
        if (!model.equals("builtin") && !model.equals("openai")) {
            throw new IllegalArgumentException("--model must be 'builtin' or 'openai', got '" + model + "'");
        }
    }

    /** @return the defaults: 127.0.0.1:8080, SQLite in ./.cairn-data, the built-in model */
    public static ServiceConfig defaults() {
        return new ServiceConfig("127.0.0.1", 8080, DEFAULT_STORE, Optional.empty(), Optional.empty(), 32 * 1024,
                4000, "builtin", URI.create("https://api.openai.com/v1"), "gpt-4o-mini", "OPENAI_API_KEY",
                List.of(), List.of(), HttpLimits.DEFAULTS, false);
    }

    /**
     * Parses {@code --name value} and {@code --name=value} options over the defaults.
     *
     * @param args the command line
     * @return the configuration
     * @throws IllegalArgumentException for an unknown option, a missing or bad value
     */
    public static ServiceConfig parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.equals("exit-with-parent")) {
                value = "true";
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Option --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("Unknown option --" + name);
            }
            given.put(name, value);
        }
        ServiceConfig d = defaults();
        HttpLimits dl = d.limits();
        HttpLimits limits = new HttpLimits(
                seconds(given, "idle-timeout", dl.idleTimeout()),
                seconds(given, "header-timeout", dl.headerTimeout()),
                seconds(given, "body-timeout", dl.bodyTimeout()),
                intOption(given, "max-connections", dl.maxConnections()),
                intOption(given, "max-requests", dl.maxConcurrentRequests()));
        return new ServiceConfig(
                given.getOrDefault("host", d.host()),
                intOption(given, "port", d.port()),
                given.getOrDefault("store", d.store()),
                Optional.ofNullable(given.get("data-dir")).map(Path::of),
                Optional.ofNullable(given.get("chats-schema")),
                intOption(given, "max-message-bytes", d.maxMessageBytes()),
                intOption(given, "max-context-tokens", d.maxContextTokens()),
                given.getOrDefault("model", d.model()),
                given.containsKey("openai-base-url") ? URI.create(given.get("openai-base-url")) : d.openAiBaseUrl(),
                given.getOrDefault("openai-model", d.openAiModel()),
                given.getOrDefault("openai-api-key-env", d.openAiKeyEnv()),
                list(given.get("allowed-hosts")),
                list(given.get("allowed-origins")),
                limits,
                Boolean.parseBoolean(given.getOrDefault("exit-with-parent", "false")));
    }

    private static List<String> list(String v) {
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static Duration seconds(Map<String, String> given, String name, Duration dflt) {
        if (!given.containsKey(name)) {
            return dflt;
        }
        int s = intOption(given, name, 0);
        if (s < 1) {
            throw new IllegalArgumentException("--" + name + " needs a number of seconds, at least 1, got " + s);
        }
        return Duration.ofSeconds(s);
    }

    private static int intOption(Map<String, String> given, String name, int dflt) {
        String v = given.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a number, got '" + v + "'");
        }
    }
}
