package dev.cairn.persistence.example.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;

/** Javalin's JSON writer: Jackson, and a newline after every document, as terminals and line tools expect. */
final class LineJsonMapper implements JsonMapper {
    private final ObjectMapper json;

    LineJsonMapper(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String toJsonString(Object obj, Type type) {
        try {
            return json.writeValueAsString(obj) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a response as JSON", e);
        }
    }
}
