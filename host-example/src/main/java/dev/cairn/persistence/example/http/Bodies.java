package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads request bodies: a JSON object or nothing, and typed fields of it. */
final class Bodies {
    private Bodies() {
    }

    /**
     * @param ctx the request
     * @param json the mapper
     * @param required whether an empty body is an error
     * @return the body's object, or an empty object for an empty optional body
     */
    static JsonNode object(Context ctx, ObjectMapper json, boolean required) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            if (required) {
                throw new ApiException(400, "bad_request", "The request needs a JSON object body");
            }
            return json.createObjectNode();
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "Malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "bad_request", "The body must be a JSON object");
        }
        return node;
    }

    static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new ApiException(400, "bad_request", "Field '" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }

    static String requiredText(JsonNode body, String field) {
        String v = text(body, field).orElseThrow(() ->
                new ApiException(400, "bad_request", "Field '" + field + "' is required"));
        if (v.isBlank()) {
            throw new ApiException(400, "bad_request", "Field '" + field + "' is empty");
        }
        return v;
    }

    static OptionalLong optionalLong(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return OptionalLong.empty();
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new ApiException(400, "bad_request", "Field '" + field + "' must be a non-negative integer");
        }
        return OptionalLong.of(v.asLong());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
