package dev.cairn.persistence.example.agent.model;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach an OpenAI-compatible chat-completions endpoint.
 *
 * @param baseUrl the API base, e.g. {@code https://api.openai.com/v1}; {@code /chat/completions} is appended
 * @param model the model name to ask for
 * @param apiKey the bearer token, empty for servers that need none; never logged
 * @param timeout how long one call may take
 */
public record OpenAiConfig(URI baseUrl, String model, String apiKey, Duration timeout) {
    /** Validates. */
    public OpenAiConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(timeout, "timeout");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("The model base URL must be http or https, got " + baseUrl.getScheme());
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("The model name is empty");
        }
    }

    /** @return the chat-completions endpoint */
    public URI endpoint() {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + "chat/completions" : base + "/chat/completions");
    }

    @Override
    public String toString() {
        return "OpenAiConfig[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey.isEmpty() ? "none" : "***")
                + ", timeout=" + timeout + "]";
    }
}
