package dev.cairn.persistence.springai;

import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;

import java.nio.file.Path;
import java.util.stream.Stream;

/** The locations every adapter test runs on. */
final class Stores {
    private Stores() {
    }

    static Stream<String> kinds() {
        return Stream.of("memory", "sqlite");
    }

    static String location(String kind, Path dir) {
        return kind.equals("memory") ? "memory:" : "sqlite:" + dir.resolve("cairn");
    }

    static SessionStoreFactory open(String kind, Path dir) {
        return SessionStores.open(location(kind, dir));
    }
}
