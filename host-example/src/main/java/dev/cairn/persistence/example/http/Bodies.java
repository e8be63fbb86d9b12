package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

/**
 * Reads request bodies: at most a bounded number of bytes however they are framed
 * ({@code Content-Length} or chunked), within a deadline, as one strict JSON object
 * ({@link #STRICT}: no trailing data, no duplicate keys), under {@code Content-Type: application/json}.
 */
final class Bodies {
    /** The mapper request bodies are parsed with. */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Bodies() {
    }

    /**
     * @param ctx the request
     * @param settings the body's size limit
     * @param required whether an empty body is an error
     * @return the body's object, or an empty object for an empty optional body
     */
    static JsonNode object(Context ctx, HttpSettings settings, boolean required) {
        byte[] body = read(ctx, settings.maxBodyBytes(), settings.limits().bodyTimeout());
        if (body.length == 0) {
            if (required) {
                throw new ApiException(400, "bad_request", "The request needs a JSON object body");
            }
            return STRICT.createObjectNode();
        }
        requireJson(ctx);
        JsonNode node;
        try {
            node = STRICT.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new ApiException(400, "bad_request", "The JSON nests too deeply or holds a value that is too long");
        } catch (JsonParseException e) {
            String why = e.getOriginalMessage();
            if (why != null && why.startsWith("Duplicate field")) {
                throw new ApiException(400, "bad_request", "Malformed JSON: " + firstLine(why)
                        + " (each field may appear once)");
            }
            throw new ApiException(400, "bad_request", "Malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + firstLine(why));
        } catch (MismatchedInputException e) {
            throw new ApiException(400, "bad_request", e.getOriginalMessage() != null
                    && e.getOriginalMessage().startsWith("Trailing token")
                    ? "Malformed JSON: there is more after the object; send exactly one JSON object"
                    : "Malformed JSON: the body ends too early");
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "Malformed JSON");
        }
        if (node == null || node.isMissingNode()) {
            if (required) {
                throw new ApiException(400, "bad_request", "The request needs a JSON object body");
            }
            return STRICT.createObjectNode();
        }
        if (!node.isObject()) {
            throw new ApiException(400, "bad_request", "The body must be a JSON object");
        }
        return node;
    }

    private static void requireJson(Context ctx) {
        String type = Optional.ofNullable(ctx.header("Content-Type")).orElse("").strip().toLowerCase(Locale.ROOT);
        int semi = type.indexOf(';');
        String media = (semi < 0 ? type : type.substring(0, semi)).strip();
        String params = semi < 0 ? "" : type.substring(semi + 1).replace(" ", "");
        if (!media.equals("application/json") || !(params.isEmpty() || params.equals("charset=utf-8"))) {
            throw new ApiException(415, "unsupported_media_type", "The body must be sent as Content-Type:"
                    + " application/json (UTF-8), not '" + (type.isEmpty() ? "none" : shorten(type)) + "'");
        }
    }

    /**
     * Reads the whole body, at most {@code max} bytes and within {@code timeout} (each blocking read
     * is bounded by the idle timeout too).
     */
    static byte[] read(Context ctx, long max, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            InputStream in = ctx.req().getInputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return out.toByteArray();
                }
                if (out.size() + (long) n > max) {
                    ctx.header("Connection", "close");
                    throw new ApiException(413, "payload_too_large", "The request body is larger than " + max
                            + " bytes; send at most that (the message limit is set by --max-message-bytes)");
                }
                out.write(buf, 0, n);
                if (System.nanoTime() - deadline > 0) {
                    ctx.header("Connection", "close");
                    throw new ApiException(408, "request_timeout", "The request body took longer than "
                            + timeout.toSeconds() + " s to arrive");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            ctx.header("Connection", "close");
            if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException) {
                throw new ApiException(408, "request_timeout", "The request body stopped arriving");
            }
            throw new ApiException(400, "bad_request", "The request body could not be read: it is not framed as"
                    + " HTTP/1.1 allows (Content-Length or chunked encoding)");
        }
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

    private static String shorten(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
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
