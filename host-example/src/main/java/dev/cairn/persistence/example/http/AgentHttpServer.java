package dev.cairn.persistence.example.http;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.path;
import static io.javalin.apibuilder.ApiBuilder.post;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.persistence.example.product.ChatService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service on Javalin (embedded Jetty). Routes:
 *
 * <pre>
 * GET    /health
 * POST   /api/chats                      {"title"?, "owner"?}            201 chat
 * GET    /api/chats?owner=&amp;limit=&amp;cursor=                            the resume picker
 * GET    /api/chats/{id}
 * DELETE /api/chats/{id}                                                204, erases the session
 * POST   /api/chats/{id}/messages        {"text"}                        turn as JSON, or SSE with
 *                                        Accept: text/event-stream or ?stream=true
 * GET    /api/chats/{id}/transcript?scope=active|full
 * POST   /api/chats/{id}/rewind          {"nodeId", "expectedRevision"?}
 * POST   /api/chats/{id}/fork            {"nodeId"?, "title"?}           201 chat
 * GET    /api/chats/{id}/usage
 * </pre>
 *
 * <p>Errors are {@code {"error": code, "detail": text}}: 400 bad input, 404 unknown chat or route,
 * 409 revision conflict, 413 message too large, 502 model failure, 500 otherwise.
 */
public final class AgentHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHttpServer.class);

    private final Javalin app;
    private final HttpSettings settings;

    private AgentHttpServer(Javalin app, HttpSettings settings) {
        this.app = app;
        this.settings = settings;
    }

    /**
     * Starts serving.
     *
     * @param chats the app's use cases
     * @param settings address, port and limits
     * @return the running server
     */
    public static AgentHttpServer start(ChatService chats, HttpSettings settings) {
        Objects.requireNonNull(chats, "chats");
        Objects.requireNonNull(settings, "settings");
        ObjectMapper json = JsonMapper.builder().build();
        ChatHandlers h = new ChatHandlers(chats, settings, json);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = settings.maxBodyBytes();
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.router.apiBuilder(() -> {
                get("/health", h::health);
                path("/api/chats", () -> {
                    post(h::create);
                    get(h::list);
                    path("{chatId}", () -> {
                        get(h::get);
                        delete(h::delete);
                        post("messages", h::send);
                        get("transcript", h::transcript);
                        post("rewind", h::rewind);
                        post("fork", h::fork);
                        get("usage", h::usage);
                    });
                });
            });
        });
        app.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, Errors.map(e, where(ctx))));
        app.exception(Exception.class, (e, ctx) -> respond(ctx, Errors.map(e, where(ctx))));
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                respond(ctx, new Errors.Mapped(404, new Views.Error("not_found",
                        "No route " + ctx.method() + " " + ctx.path())));
            }
        });
        app.start(settings.host(), settings.port());
        LOG.info("Serving on {}", uri(settings.host(), app.port()));
        return new AgentHttpServer(app, settings);
    }

    /** @return the port it listens on (the real one when 0 was asked) */
    public int port() {
        return app.port();
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:8080} */
    public URI uri() {
        return uri(settings.host(), app.port());
    }

    /** Stops serving. */
    @Override
    public void close() {
        app.stop();
    }

    static void respond(Context ctx, Errors.Mapped m) {
        ctx.status(m.status()).json(m.body());
    }

    private static String where(Context ctx) {
        return ctx.method() + " " + ctx.path();
    }

    private static URI uri(String host, int port) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port);
    }
}
