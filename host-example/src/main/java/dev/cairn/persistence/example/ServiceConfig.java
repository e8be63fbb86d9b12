package dev.cairn.persistence.example;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * @param dataDir where the chats table lives; empty to derive it from the store
 * @param maxMessageBytes the largest message, in UTF-8 bytes
 * @param maxContextTokens the largest model context, estimated
 * @param model {@code builtin} or {@code openai}
 * @param openAiBaseUrl the OpenAI-compatible API base
 * @param openAiModel the model name to ask it for
 * @param openAiKeyEnv the environment variable that holds the API key
 */
public record ServiceConfig(String host, int port, String store, Optional<Path> dataDir, int maxMessageBytes,
                            int maxContextTokens, String model, URI openAiBaseUrl, String openAiModel,
                            String openAiKeyEnv) {
    /** The default store location. */
    public static final String DEFAULT_STORE = "sqlite:./.cairn-data";

    /** The command-line help. */
    public static final String USAGE = String.join("\n",
            "Usage: host-example [options]",
            "  --host ADDR                bind address (default 127.0.0.1)",
            "  --port N                   port, 0 = a free one (default 8080)",
            "  --store LOCATION           Cairn store (default " + DEFAULT_STORE + "; memory: keeps nothing)",
            "  --data-dir DIR             where chats.json lives (default: the sqlite directory; memory for memory:)",
            "  --max-message-bytes N      largest message, larger ones get HTTP 413 (default 32768)",
            "  --max-context-tokens N     largest model context (default 4000)",
            "  --model builtin|openai     the deterministic built-in model (default) or an OpenAI-compatible API",
            "  --openai-base-url URL      (default https://api.openai.com/v1)",
            "  --openai-model NAME        (default gpt-4o-mini)",
            "  --openai-api-key-env VAR   environment variable holding the key (default OPENAI_API_KEY)",
            "  --help");

    private static final Set<String> OPTIONS = Set.of("host", "port", "store", "data-dir", "max-message-bytes",
            "max-context-tokens", "model", "openai-base-url", "openai-model", "openai-api-key-env");

    /** Validates. */
    public ServiceConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(openAiBaseUrl, "openAiBaseUrl");
        Objects.requireNonNull(openAiModel, "openAiModel");
        Objects.requireNonNull(openAiKeyEnv, "openAiKeyEnv");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
        }
        if (maxMessageBytes < 1 || maxContextTokens < 1) {
            throw new IllegalArgumentException("--max-message-bytes and --max-context-tokens must be positive");
        }
        if (!model.equals("builtin") && !model.equals("openai")) {
            throw new IllegalArgumentException("--model must be 'builtin' or 'openai', got '" + model + "'");
        }
    }

    /** @return the defaults: 127.0.0.1:8080, SQLite in ./.cairn-data, the built-in model */
    public static ServiceConfig defaults() {
        return new ServiceConfig("127.0.0.1", 8080, DEFAULT_STORE, Optional.empty(), 32 * 1024, 4000, "builtin",
                URI.create("https://api.openai.com/v1"), "gpt-4o-mini", "OPENAI_API_KEY");
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
        return new ServiceConfig(
                given.getOrDefault("host", d.host()),
                intOption(given, "port", d.port()),
                given.getOrDefault("store", d.store()),
                Optional.ofNullable(given.get("data-dir")).map(Path::of),
                intOption(given, "max-message-bytes", d.maxMessageBytes()),
                intOption(given, "max-context-tokens", d.maxContextTokens()),
                given.getOrDefault("model", d.model()),
                given.containsKey("openai-base-url") ? URI.create(given.get("openai-base-url")) : d.openAiBaseUrl(),
                given.getOrDefault("openai-model", d.openAiModel()),
                given.getOrDefault("openai-api-key-env", d.openAiKeyEnv()));
    }

    /**
     * @param port another port
     * @return a copy listening there
     */
    public ServiceConfig withPort(int port) {
        return new ServiceConfig(host, port, store, dataDir, maxMessageBytes, maxContextTokens, model, openAiBaseUrl,
                openAiModel, openAiKeyEnv);
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
