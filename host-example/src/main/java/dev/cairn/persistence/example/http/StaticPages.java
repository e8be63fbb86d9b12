package dev.cairn.persistence.example.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web page at {@code /}: a fixed set of files read once from the jar ({@code /web/} on the class
 * path), served with their content type, an {@code ETag} and {@code Cache-Control: no-cache} (the
 * browser revalidates, so a new jar is seen at once and an unchanged file costs a 304), and a
 * Content-Security-Policy that allows only the service's own scripts, styles and requests (no inline
 * script or style, no frames, no forms posting elsewhere). Any other path under {@code /static/} is a
 * 404 like any unknown route.
 */
final class StaticPages {
    /** The policy every page response carries. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /**
     * @param contentType the media type with its charset
     * @param body the bytes
     * @param etag a strong validator: the quoted start of the body's SHA-256
     */
    record Asset(String contentType, byte[] body, String etag) {
    }

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8",
            "tree.js", "text/javascript; charset=utf-8",
            "views.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    private final Map<String, Asset> assets;

    private StaticPages(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /** @return the page's files, read from the class path; fails if one is missing from the jar */
    static StaticPages load() {
        Map<String, Asset> out = new LinkedHashMap<>();
        FILES.forEach((name, type) -> out.put(name, read(name, type)));
        return new StaticPages(out);
    }

    private static Asset read(String name, String type) {
        try (InputStream in = StaticPages.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("The page's file /web/" + name + " is missing from the class path");
            }
            byte[] body = in.readAllBytes();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return new Asset(type, body, "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the page's file /web/" + name, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@code GET /}: the page. */
    void index(Context ctx) {
        serve(ctx, assets.get("index.html"));
    }

    /** {@code GET /static/{file}}: a script, the style sheet or the icon. */
    void file(Context ctx) {
        String name = ctx.pathParam("file");
        Asset a = assets.get(name);
        if (a == null || name.equals("index.html")) {
            throw new ApiException(404, "not_found", "No file '" + shorten(name) + "' in the page; it has "
                    + String.join(", ", FILES.keySet().stream().filter(n -> !n.equals("index.html")).sorted().toList()));
        }
        serve(ctx, a);
    }

    private static void serve(Context ctx, Asset a) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", a.etag());
        String match = ctx.header("If-None-Match");
        if (match != null && (match.strip().equals(a.etag()) || match.contains(a.etag()))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(a.contentType());
        ctx.result(a.body());
    }

    private static String shorten(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "..." : clean;
    }
}
