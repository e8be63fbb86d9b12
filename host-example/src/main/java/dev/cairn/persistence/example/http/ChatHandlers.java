package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.example.product.ChatService;
import dev.cairn.persistence.example.product.ChatSummary;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The route handlers: parse and check the request, call {@link ChatService}, write a view. */
final class ChatHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(ChatHandlers.class);
    private static final int MAX_TITLE = 200;
    private static final int MAX_PAGE = 100;
    private static final int MAX_USAGE_TURNS = 500;

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private final ChatService chats;
    private final HttpSettings settings;
    private final ObjectMapper json;
    private final TurnWorkers turnWorkers;

    ChatHandlers(ChatService chats, HttpSettings settings, ObjectMapper json, TurnWorkers turnWorkers) {
        this.chats = chats;
        this.settings = settings;
        this.json = json;
        this.turnWorkers = turnWorkers;
    }

    void health(Context ctx, int activeRequests) {
        ctx.json(new Views.Health("ok", settings.store(), settings.durability(), chats.core().model().name(),
                activeRequests));
    }

    void create(Context ctx) {
        JsonNode body = Bodies.object(ctx, settings, false);
        String title = Bodies.text(body, "title").map(String::strip).filter(t -> !t.isEmpty()).orElse("New chat");
        String owner = Bodies.text(body, "owner").map(String::strip).filter(t -> !t.isEmpty()).orElse("anonymous");
        if (title.length() > MAX_TITLE || owner.length() > MAX_TITLE) {
            throw new ApiException(400, "bad_request", "Title and owner are at most " + MAX_TITLE + " characters");
        }
        ChatSummary chat = chats.create(title, owner);
        ctx.status(201).header("Location", "/api/chats/" + chat.chat().chatId()).json(Views.Chat.of(chat));
    }

    void list(Context ctx) {
        int limit = intParam(ctx, "limit", 20, MAX_PAGE);
        ctx.json(Views.ChatList.of(chats.list(Optional.ofNullable(ctx.queryParam("owner")), limit,
                Optional.ofNullable(ctx.queryParam("cursor")))));
    }

    void get(Context ctx) {
        ctx.json(Views.Chat.of(chats.get(chatId(ctx))));
    }

    void delete(Context ctx) {
        chats.delete(chatId(ctx));
        ctx.status(204);
    }

    void send(Context ctx) {
        String chatId = chatId(ctx);
        JsonNode body = Bodies.object(ctx, settings, true);
        String text = Bodies.requiredText(body, "text");
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > settings.maxMessageBytes()) {
            throw new ApiException(413, "payload_too_large", "The message is " + size + " bytes; the limit is "
                    + settings.maxMessageBytes() + " bytes");
        }
        Optional<String> key = idempotencyKey(ctx);
        chats.get(chatId); // 404 before anything is streamed
        if (wantsStream(ctx)) {
            try (TurnWorkers.Slot slot = turnWorkers.reserve()) { // 503 before anything is streamed
                SseStream sse;
                try {
                    sse = SseStream.open(ctx, json);
                } catch (IOException e) {
                    LOG.debug("Chat {}: the stream's client went away before the turn started", chatId);
                    return;
                }
                TurnStream.run(sse, slot, listener -> chats.send(chatId, text, key, listener), chatId);
            }
        } else {
            ctx.json(Views.Turn.of(chats.send(chatId, text, key, node -> { })));
        }
    }

    private static Optional<String> idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) {
            return Optional.empty();
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new ApiException(400, "bad_request", "Idempotency-Key must be 1 to 128 visible ASCII characters"
                    + " (a UUID is a good key)");
        }
        return Optional.of(key);
    }

    void transcript(Context ctx) {
        String scope = Optional.ofNullable(ctx.queryParam("scope")).orElse("active");
        SessionReadScope s = switch (scope) {
            case "active" -> SessionReadScope.activePath();
            case "full" -> SessionReadScope.fullGraph();
            default -> throw new ApiException(400, "bad_request", "scope must be 'active' or 'full'");
        };
        ctx.json(Views.TranscriptView.of(chats.transcript(chatId(ctx), s), scope));
    }

    void rewind(Context ctx) {
        String chatId = chatId(ctx);
        JsonNode body = Bodies.object(ctx, settings, true);
        String nodeId = Bodies.requiredText(body, "nodeId");
        OptionalLong expected = Bodies.optionalLong(body, "expectedRevision");
        ctx.json(Views.Head.of(chatId, chats.rewind(chatId, nodeId, expected)));
    }

    void fork(Context ctx) {
        String chatId = chatId(ctx);
        JsonNode body = Bodies.object(ctx, settings, false);
        Optional<String> title = Bodies.text(body, "title").map(String::strip).filter(t -> !t.isEmpty());
        if (title.isPresent() && title.get().length() > MAX_TITLE) {
            throw new ApiException(400, "bad_request", "The title is at most " + MAX_TITLE + " characters");
        }
        ChatSummary fork = chats.fork(chatId, Bodies.text(body, "nodeId"), title);
        ctx.status(201).header("Location", "/api/chats/" + fork.chat().chatId()).json(Views.Chat.of(fork));
    }

    void usage(Context ctx) {
        String chatId = chatId(ctx);
        int turns = intParam(ctx, "turns", 50, MAX_USAGE_TURNS);
        ctx.json(Views.ChatUsage.of(chatId, chats.usage(chatId), turns));
    }

    /** @return the query parameter as 1 to max, the default when absent; else 400 */
    private static int intParam(Context ctx, String name, int absent, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return absent;
        }
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < 1 || v > max) {
            throw new ApiException(400, "bad_request", name + " must be 1 to " + max);
        }
        return v;
    }

    private static boolean wantsStream(Context ctx) {
        String accept = ctx.header("Accept");
        String q = ctx.queryParam("stream");
        return (accept != null && accept.contains("text/event-stream")) || "true".equals(q) || "sse".equals(q);
    }

    private static String chatId(Context ctx) {
        return ctx.pathParam("chatId");
    }
}
