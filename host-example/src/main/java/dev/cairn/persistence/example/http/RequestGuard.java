package dev.cairn.persistence.example.http;

import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps web pages of other sites from driving the service through a browser: every request (API,
 * health, and any page served later) passes here first.
 *
 * <ul>
 *   <li><b>Host</b>: the {@code Host} header's name (its port is not compared) must be an allowed
 *   host, against DNS rebinding. By default that is the bind address, plus {@code localhost},
 *   {@code 127.0.0.1} and {@code [::1]} when it is a loopback address; a wildcard bind
 *   ({@code 0.0.0.0}, {@code ::}) allows any host unless a list is given. Else 403
 *   {@code forbidden_host}.</li>
 *   <li><b>Origin</b>: a request that carries {@code Origin} (browsers send it with every
 *   cross-site request and every POST) must come from the service's own origin
 *   ({@code http://} + its {@code Host} header) or an allowed origin. Else 403
 *   {@code forbidden_origin}; {@code Origin: null} is refused too.</li>
 * </ul>
 * Requests with a body must also say {@code Content-Type: application/json} ({@link Bodies}), so a
 * cross-site form or {@code text/plain} POST is refused even from a browser that sends no Origin.
 */
final class RequestGuard {
    private final Optional<Set<String>> hosts;
    private final Set<String> origins;

    RequestGuard(HttpSettings settings) {
        this.hosts = allowedHosts(settings.host(), settings.allowedHosts());
        Set<String> o = new LinkedHashSet<>();
        settings.allowedOrigins().forEach(x -> o.add(stripSlash(x.toLowerCase(Locale.ROOT))));
        this.origins = Set.copyOf(o);
    }

    /** @return the host names allowed by default for a bind address; empty for any */
    static Optional<Set<String>> allowedHosts(String bind, List<String> configured) {
        Set<String> out = new LinkedHashSet<>();
        configured.forEach(h -> out.add(h.toLowerCase(Locale.ROOT).strip()));
        if (!out.isEmpty()) {
            return Optional.of(Set.copyOf(out));
        }
        String b = bind.toLowerCase(Locale.ROOT);
        if (b.equals("0.0.0.0") || b.equals("::") || b.equals("[::]") || b.isEmpty()) {
            return Optional.empty();
        }
        out.add(b.contains(":") && !b.startsWith("[") ? "[" + b + "]" : b);
        if (b.startsWith("127.") || b.equals("::1") || b.equals("[::1]") || b.equals("localhost")) {
            out.addAll(List.of("localhost", "127.0.0.1", "[::1]"));
        }
        return Optional.of(Set.copyOf(out));
    }

    void check(Context ctx) {
        String host = Optional.ofNullable(ctx.header("Host")).orElse("").strip();
        if (hosts.isPresent() && !hosts.get().contains(hostName(host))) {
            throw new ApiException(403, "forbidden_host", "This service does not answer for host '"
                    + shorten(host) + "'; allowed: " + String.join(", ", hosts.get().stream().sorted().toList())
                    + " (see --allowed-hosts)");
        }
        String origin = ctx.header("Origin");
        if (origin != null) {
            String o = stripSlash(origin.strip().toLowerCase(Locale.ROOT));
            if (!o.equals("http://" + host.toLowerCase(Locale.ROOT)) && !origins.contains(o)) {
                throw new ApiException(403, "forbidden_origin", "Requests from origin '" + shorten(origin)
                        + "' are not allowed; only the service's own origin"
                        + (origins.isEmpty() ? "" : " and " + String.join(", ", origins.stream().sorted().toList()))
                        + " (see --allowed-origins)");
            }
        }
    }

    /** @return the name part of a Host header, lower case: {@code [::1]:8080} is {@code [::1]} */
    static String hostName(String hostHeader) {
        String h = hostHeader.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String shorten(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
