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
 * or batched statements sent before waiting count once, as they cost once.
 */
final class RoundTripProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final AtomicLong roundTrips = new AtomicLong();
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
                pump(client, server, () -> {
                    synchronized (serverSpoke) {
                        if (serverSpoke[0]) {
                            serverSpoke[0] = false;
                            roundTrips.incrementAndGet();
                        }
                    }
                });
                pump(server, client, () -> {
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

    private static void pump(Socket from, Socket to, Runnable onBytes) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    onBytes.run();
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
}
