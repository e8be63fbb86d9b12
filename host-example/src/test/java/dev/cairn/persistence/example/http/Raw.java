package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cairn.persistence.example.agent.Payloads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket on 127.0.0.1, for what a well-behaved client library will not send. */
final class Raw implements AutoCloseable {
    private final Socket socket;

    /**
     * @param status the status, or -1 when the connection closed before a status line
     * @param head the status line and headers
     * @param body the body as text
     */
    record Response(int status, String head, String body) {
        JsonNode json() {
            try {
                return body.isEmpty() ? MissingNode.getInstance() : Payloads.JSON.readTree(body);
            } catch (IOException e) {
                return MissingNode.getInstance();
            }
        }
    }

    Raw(URI base) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
            socket.setSoTimeout(60_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one whole request (with Connection: close) and reads the answer. */
    static Response exchange(URI base, String request) {
        try (Raw raw = new Raw(base)) {
            raw.send(request);
            return raw.read();
        }
    }

    void send(String s) {
        send(s.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] b) {
        try {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return true if the server closed the connection (read returns end of stream or a reset) */
    boolean closedByServer() {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a response: status line, headers, and a body by Content-Length or until the connection closes. */
    Response read() {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    return new Response(-1, head.toString(StandardCharsets.UTF_8), "");
                }
                head.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                        ? state + 1 : (c == '\r' ? 1 : 0);
            }
            String h = head.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(h.substring(9, 12));
            int length = -1;
            for (String line : h.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
            return new Response(status, h, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
