package dev.cairn.persistence.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between the store and the test server that counts round trips: the PostgreSQL
 * protocol is request/answer, so each time a client sends after the server last spoke on that
 * connection (or first), one round trip starts, however the bytes are split into packets. Pipelined
 * or batched statements sent before waiting count once, as they cost once. It also counts the
 * statements the client sends (Execute and simple Query messages, {@link StatementCounter}): each costs
 * the server a portal and an executor run, whatever the round trips.
 */
final class RoundTripProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    RoundTripProxy(String targetHost, int targetPort) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Thread accept = new Thread(this::accept, "round-trip-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    long roundTrips() {
        return roundTrips.get();
    }

    long statements() {
        return statements.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                boolean[] serverSpoke = {true};
                StatementCounter counter = new StatementCounter(statements);
                pump(client, server, counter, () -> {
                    synchronized (serverSpoke) {
                        if (serverSpoke[0]) {
                            serverSpoke[0] = false;
                            roundTrips.incrementAndGet();
                        }
                    }
                });
                pump(server, client, null, () -> {
                    synchronized (serverSpoke) {
                        serverSpoke[0] = true;
                    }
                });
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("round-trip proxy failed", e);
                }
            }
        }
    }

    private static void pump(Socket from, Socket to, StatementCounter counter, Runnable onBytes) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    onBytes.run();
                    if (counter != null) {
                        counter.feed(buf, n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "round-trip-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(RoundTripProxy::closeQuietly);
    }

    /**
     * Reads the client's side of one connection as PostgreSQL frontend messages: untyped ones (length,
     * code) until the startup message (SSL and GSS requests come before it), then typed ones (type
     * byte, length); counts the Execute ({@code E}) and Query ({@code Q}) messages. Assumes no SSL
     * (the test server has none).
     */
    static final class StatementCounter {
        private static final int STARTUP_V3 = 196_608;
        private final AtomicLong count;
        private final byte[] head = new byte[8];
        private int headLength;
        private long skip;
        private boolean typed;

        StatementCounter(AtomicLong count) {
            this.count = count;
        }

        void feed(byte[] bytes, int n) {
            for (int i = 0; i < n; ) {
                if (skip > 0) {
                    int k = (int) Math.min(skip, n - i);
                    skip -= k;
                    i += k;
                    continue;
                }
                head[headLength++] = bytes[i++];
                if (headLength < (typed ? 5 : 8)) {
                    continue;
                }
                if (typed) {
                    if (head[0] == 'E' || head[0] == 'Q') {
                        count.incrementAndGet();
                    }
                    skip = readInt(1) - 4L;
                } else {
                    typed = readInt(4) == STARTUP_V3;
                    skip = readInt(0) - 8L;
                }
                headLength = 0;
            }
        }

        private int readInt(int at) {
            return (head[at] & 0xff) << 24 | (head[at + 1] & 0xff) << 16 | (head[at + 2] & 0xff) << 8 | head[at + 3] & 0xff;
        }
    }
}
