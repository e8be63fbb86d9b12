package dev.cairn.persistence.example.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose client started a request and has not finished its line and headers
 * within {@code timeout}. Jetty reads headers without a thread, but its idle timeout only limits the
 * silence between bytes, so a client sending one byte every few seconds would hold its connection
 * for as long as it likes. A sweep looks at every open connection's parser a few times per timeout.
 */
final class HeaderDeadline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final ServerConnector connector;
    private final long timeoutNanos;
    private final Map<EndPoint, Long> started = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    HeaderDeadline(ServerConnector connector, java.time.Duration timeout) {
        this.connector = connector;
        this.timeoutNanos = timeout.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "http-header-deadline");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            started.keySet().removeIf(ep -> !ep.isOpen());
            for (EndPoint ep : connector.getConnectedEndPoints()) {
                if (!(ep.getConnection() instanceof HttpConnection http)) {
                    continue;
                }
                HttpParser parser = http.getParser();
                boolean inHeaders = parser.inHeaderState() && !parser.isStart();
                if (!inHeaders) {
                    started.remove(ep);
                    continue;
                }
                long since = started.computeIfAbsent(ep, e -> now);
                if (now - since > timeoutNanos) {
                    started.remove(ep);
                    LOG.debug("Closing a connection from {} that did not finish its headers in time",
                            ep.getRemoteSocketAddress());
                    ep.close();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("The header deadline sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
