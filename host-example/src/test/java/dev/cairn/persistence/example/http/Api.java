package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cairn.persistence.example.agent.Payloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small client of the service's API over real HTTP, for tests. */
final class Api {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param status the HTTP status
     * @param json the body as JSON (missing when it is not JSON)
     * @param headers the headers
     */
    record Response(int status, JsonNode json, HttpHeaders headers) {
    }

    /**
     * @param event the event name
     * @param data its JSON data
     */
    record Event(String event, JsonNode data) {
    }

    Api(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    Response post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json;
            try {
                json = r.body().length == 0 ? MissingNode.getInstance() : Payloads.JSON.readTree(r.body());
            } catch (IOException e) {
                json = MissingNode.getInstance();
            }
            return new Response(r.statusCode(), json, r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a message asking for Server-Sent Events and parses the whole stream. */
    List<Event> stream(String chatId, String text) {
        return stream(chatId, text, null);
    }

    /** The same with an Idempotency-Key, unless it is null. */
    List<Event> stream(String chatId, String text, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/chats/" + chatId + "/messages"))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(Payloads.JSON.createObjectNode().put("text", text).toString()));
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        HttpRequest req = b.build();
        try {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                throw new AssertionError("not an event stream: " + r.statusCode() + " " + r.headers());
            }
            List<Event> events = new ArrayList<>();
            String name = null;
            for (String line : (Iterable<String>) r.body()::iterator) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    events.add(new Event(name, Payloads.JSON.readTree(line.substring(6))));
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return a new chat's id */
    String createChat(String title, String owner) {
        Response r = post("/api/chats", Payloads.JSON.createObjectNode().put("title", title).put("owner", owner).toString());
        if (r.status() != 201) {
            throw new AssertionError("create failed: " + r.status() + " " + r.json());
        }
        return r.json().path("id").asText();
    }

    /** @return the turn's JSON; fails unless 200 */
    JsonNode say(String chatId, String text) {
        Response r = post("/api/chats/" + chatId + "/messages",
                Payloads.JSON.createObjectNode().put("text", text).toString());
        if (r.status() != 200) {
            throw new AssertionError("send failed: " + r.status() + " " + r.json());
        }
        return r.json();
    }

    JsonNode transcript(String chatId, String scope) {
        return get("/api/chats/" + chatId + "/transcript?scope=" + scope).json();
    }
}
