package dev.cairn.persistence.adk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.google.adk.sessions.State;
import dev.cairn.persistence.StoreCorruptedException;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** State maps as JSON (ADK's own mapper), and the ADK rules for applying a delta and splitting by prefix. */
final class StateCodec {
    private static final TypeReference<TreeMap<String, Object>> MAP = new TypeReference<>() {
    };

    private StateCodec() {
    }

    static byte[] write(Map<String, Object> state) {
        try {
            return EventCodec.mapper().writeValueAsBytes(new TreeMap<>(state));
        } catch (IOException e) {
            throw new dev.cairn.persistence.InvalidRequestException("ADK state cannot be written as JSON: " + e.getMessage());
        }
    }

    static Map<String, Object> read(Optional<byte[]> bytes, String where) {
        if (bytes.isEmpty()) {
            return new TreeMap<>();
        }
        try {
            return EventCodec.mapper().readValue(bytes.get(), MAP);
        } catch (IOException e) {
            throw new StoreCorruptedException("the ADK state of " + where + " is not a JSON object: " + e.getMessage());
        }
    }

    /** Applies a delta (values, then removed keys) to a copy of {@code state}. */
    static Map<String, Object> apply(Map<String, Object> state, Map<String, Object> delta, Collection<String> removed) {
        Map<String, Object> next = new TreeMap<>(state);
        next.putAll(delta);
        removed.forEach(next::remove);
        return next;
    }

    /** The entries of {@code delta} whose key has {@code prefix}, or, with a null prefix, those with neither shared prefix. */
    static Map<String, Object> scope(Map<String, Object> delta, String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        delta.forEach((k, v) -> {
            if (inScope(k, prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    static java.util.List<String> scope(Collection<String> removed, String prefix) {
        return removed.stream().filter(k -> inScope(k, prefix)).toList();
    }

    static boolean inScope(String key, String prefix) {
        if (key.startsWith(State.TEMP_PREFIX)) {
            return false;
        }
        if (prefix == null) {
            return !key.startsWith(State.APP_PREFIX) && !key.startsWith(State.USER_PREFIX);
        }
        return key.startsWith(prefix);
    }
}
