package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events response: {@code event: NAME}, {@code id}, one {@code data:} line of JSON,
 * a blank line, flushed at once. Writes throw {@link IOException} once the client is gone, or when
 * it has not read for the idle timeout.
 */
final class SseStream {
    private final OutputStream out;
    private final ObjectMapper json;
    private long nextId = 1;

    SseStream(OutputStream out, ObjectMapper json) {
        this.out = out;
        this.json = json;
    }

    static SseStream open(Context ctx, ObjectMapper json) throws IOException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        SseStream s = new SseStream(res.getOutputStream(), json);
        s.comment("turn started");
        return s;
    }

    void comment(String text) throws IOException {
        write(": " + text + "\n\n");
    }

    void event(String name, Object data) throws IOException {
        String line;
        try {
            line = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an SSE event", e);
        }
        write("event: " + name + "\nid: " + nextId++ + "\ndata: " + line + "\n\n");
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
