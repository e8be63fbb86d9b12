package dev.cairn.persistence.example.http;

import static io.javalin.apibuilder.ApiBuilder.before;
import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.path;
import static io.javalin.apibuilder.ApiBuilder.post;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.persistence.example.product.ChatService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service on Javalin (embedded Jetty). Routes:
 *
 * <pre>
 * GET    /                                                             the web page (StaticPages)
 * GET    /static/{file}                                                its scripts, style sheet, icon
 * GET    /health
 * POST   /api/chats                      {"title"?, "owner"?}            201 chat
 * GET    /api/chats?owner=&amp;limit=&amp;cursor=                            the resume picker
 * GET    /api/chats/{id}
 * DELETE /api/chats/{id}                                                204, erases the session
 * POST   /api/chats/{id}/messages        {"text"}                        turn as JSON, or SSE with
 *                                        Accept: text/event-stream or ?stream=true;
 *                                        Idempotency-Key: K runs the turn once per K
 * GET    /api/chats/{id}/transcript?scope=active|full
 * POST   /api/chats/{id}/rewind          {"nodeId", "expectedRevision"?}
 * POST   /api/chats/{id}/fork            {"nodeId"?, "title"?}           201 chat
 * GET    /api/chats/{id}/usage?turns=N   tokens in total, by model, and per turn (the last N)
 * </pre>
 *
 * <p>Every answer, errors included (those Jetty writes itself too), is JSON ending with a newline;
 * errors are {@code {"error": code, "detail": text}}. Every request passes {@link RequestGuard}
 * (Host and Origin) first; bodies are read by {@link Bodies} (bounded, strict JSON); the bounds of
 * {@link HttpLimits} hold for every connection.
 */
public final class AgentHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHttpServer.class);

    private final Javalin app;
    private final HttpSettings settings;
    private final HeaderDeadline headers;
    private final TurnWorkers turnWorkers;

    private AgentHttpServer(Javalin app, HttpSettings settings, HeaderDeadline headers, TurnWorkers turnWorkers) {
        this.app = app;
        this.settings = settings;
        this.headers = headers;
        this.turnWorkers = turnWorkers;
    }

    /**
     * Starts serving.
     *
     * @param chats the app's use cases
     * @param settings address, port and limits
     * @return the running server
     * @throws io.javalin.util.JavalinBindException if the port is taken
     */
    public static AgentHttpServer start(ChatService chats, HttpSettings settings) {
        Objects.requireNonNull(chats, "chats");
        Objects.requireNonNull(settings, "settings");
        ObjectMapper json = JsonMapper.builder().build();
        HttpLimits limits = settings.limits();
        TurnWorkers turnWorkers = new TurnWorkers(limits.maxConcurrentRequests());
        ChatHandlers h = new ChatHandlers(chats, settings, json, turnWorkers);
        RequestGuard guard = new RequestGuard(settings);
        StaticPages pages = StaticPages.load();
        Semaphore permits = new Semaphore(limits.maxConcurrentRequests());
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = settings.maxBodyBytes();
            cfg.http.prefer405over404 = true;
            cfg.jsonMapper(new LineJsonMapper(json));
            QueuedThreadPool threads = new QueuedThreadPool(limits.maxConcurrentRequests() + 32, 8, 60_000);
            threads.setName("http");
            cfg.jetty.threadPool = threads;
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                server.addBean(new ConnectionLimit(limits.maxConnections(), server));
            });
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(limits.idleTimeout().toMillis());
                http.setSendServerVersion(false);
            });
            cfg.router.apiBuilder(() -> {
                before(guard::check);
                get("/", pages::index);
                get("/static/{file}", pages::file);
                get("/health", ctx -> h.health(ctx, limits.maxConcurrentRequests() - permits.availablePermits()));
                path("/api/chats", () -> {
                    post(limited(permits, h::create));
                    get(limited(permits, h::list));
                    path("{chatId}", () -> {
                        get(limited(permits, h::get));
                        delete(limited(permits, h::delete));
                        post("messages", limited(permits, h::send));
                        get("transcript", limited(permits, h::transcript));
                        post("rewind", limited(permits, h::rewind));
                        post("fork", limited(permits, h::fork));
                        get("usage", limited(permits, h::usage));
                    });
                });
            });
        });
        app.exception(Exception.class, (e, ctx) -> respond(ctx, Errors.map(e, where(ctx))));
        app.error(404, ctx -> {
            if (ctx.result() == null || !ctx.result().startsWith("{")) {
                respond(ctx, new Errors.Mapped(404, new Views.Error("not_found",
                        "No route " + ctx.method() + " " + shorten(ctx.path()))));
            }
        });
        app.error(405, ctx -> {
            if (ctx.result() == null || !ctx.result().startsWith("{")) {
                respond(ctx, new Errors.Mapped(405, new Views.Error("method_not_allowed",
                        "Method " + ctx.method() + " is not allowed on " + shorten(ctx.path()))));
            }
        });
        try {
            app.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            turnWorkers.close();
            throw e;
        }
        ServerConnector connector = (ServerConnector) app.jettyServer().server().getConnectors()[0];
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        HeaderDeadline headers = new HeaderDeadline(connector, limits.headerTimeout());
        LOG.info("Serving on {}", uri(settings.host(), app.port()));
        return new AgentHttpServer(app, settings, headers, turnWorkers);
    }

    /** @return the port it listens on (the real one when 0 was asked) */
    public int port() {
        return app.port();
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:8080} */
    public URI uri() {
        return uri(settings.host(), app.port());
    }

    /** Stops serving; turns still running get a moment to finish. */
    @Override
    public void close() {
        headers.close();
        app.stop();
        turnWorkers.close();
    }

    static void respond(Context ctx, Errors.Mapped m) {
        if (m.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(m.status()).json(m.body());
    }

    /** Runs an API handler only if fewer than the limit run at once; else 503 at once. */
    private static Handler limited(Semaphore permits, Handler handler) {
        return ctx -> {
            if (!permits.tryAcquire()) {
                throw new ApiException(503, "overloaded", "The service is handling as many requests as it may;"
                        + " retry in a moment");
            }
            try {
                handler.handle(ctx);
            } finally {
                permits.release();
            }
        };
    }

    private static String where(Context ctx) {
        return ctx.method() + " " + shorten(ctx.path());
    }

    private static String shorten(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    private static URI uri(String host, int port) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port);
    }
}
