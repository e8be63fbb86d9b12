package dev.cairn.persistence.example.http;

import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.example.agent.ModelException;
import dev.cairn.persistence.example.agent.TurnConflictException;
import dev.cairn.persistence.example.agent.TurnFailedException;
import dev.cairn.persistence.example.agent.TurnKeyException;
import dev.cairn.persistence.example.product.ChatDatabaseException;
import dev.cairn.persistence.example.product.ChatNotFoundException;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps exceptions to an HTTP status and an error body, for JSON responses and SSE error events. */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    /**
     * @param status the HTTP status
     * @param body the error body
     */
    record Mapped(int status, Views.Error body) {
    }

    private Errors() {
    }

    static Mapped map(Throwable e, String where) {
        if (e instanceof ApiException a) {
            return of(a.status(), a.code(), a.getMessage());
        }
        if (e instanceof ChatNotFoundException || e instanceof SessionNotFoundException) {
            return of(404, "not_found", e.getMessage());
        }
        if (e instanceof InvalidRequestException) {
            return of(400, "bad_request", e.getMessage());
        }
        if (e instanceof RevisionConflictException || e instanceof IdempotencyConflictException
                || e instanceof TurnConflictException) {
            return of(409, "conflict", e.getMessage());
        }
        if (e instanceof TurnKeyException k) {
            return k.reused() ? of(422, "idempotency_key_reused", e.getMessage())
                    : of(409, "turn_in_progress", e.getMessage());
        }
        if (e instanceof TurnFailedException t) {
            return switch (t.code()) {
                case "model_error" -> of(502, "model_error", e.getMessage());
                case "conflict" -> of(409, "conflict", e.getMessage());
                default -> of(500, "internal", e.getMessage() + "; see the server log");
            };
        }
        if (e instanceof ChatDatabaseException) {
            LOG.warn("{}: {}", where, e.getMessage());
            return of(503, "unavailable", "The chats table cannot be reached; try again later");
        }
        if (e instanceof ModelException) {
            LOG.warn("{}: the model failed: {}", where, e.getMessage());
            return of(502, "model_error", e.getMessage());
        }
        if (e instanceof HttpResponseException h) {
            return of(h.getStatus(), code(h.getStatus()), h.getMessage());
        }
        LOG.error("{} failed", where, e);
        return of(500, "internal", "Internal error (" + e.getClass().getSimpleName() + "); see the server log");
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "error";
        };
    }

    private static Mapped of(int status, String code, String detail) {
        return new Mapped(status, new Views.Error(code, detail == null ? "" : detail));
    }
}
