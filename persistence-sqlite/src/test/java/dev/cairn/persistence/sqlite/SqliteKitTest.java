package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.ContentHash;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.tck.RuntimePersistenceKit;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The TCK against {@code sqlite:}; the root README shows this class as the kit example. */
class SqliteKitTest extends RuntimePersistenceKit {
    @TempDir
    static Path root;                                // JUnit deletes it, with every store in it, after the last test
    private Path dir;

    @Override
    protected SessionStoreFactory newFactory() {     // a new factory on a new, empty location, for every call
        dir = root.resolve(UUID.randomUUID().toString());
        return SessionStores.open("sqlite:" + dir);
    }

    @Override
    protected Optional<String> sharedLocation() {    // durable stores: the location of the factory made last
        return Optional.of("sqlite:" + dir);
    }

    @Override
    protected boolean corruptBlob(ContentHash hash) { // rule 13: damage stored bytes behind the store's back
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cairn.db"));
             PreparedStatement read = c.prepareStatement("SELECT bytes FROM blobs WHERE hash = ?");
             PreparedStatement write = c.prepareStatement("UPDATE blobs SET bytes = ? WHERE hash = ?")) {
            read.setBytes(1, hash.toBytes());
            byte[] bytes;
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next() || rs.getBytes(1).length == 0) {
                    return false;
                }
                bytes = rs.getBytes(1);
            }
            bytes[bytes.length / 2] ^= 0x10;
            write.setBytes(1, bytes);
            write.setBytes(2, hash.toBytes());
            return write.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot damage blob " + hash, e);
        }
    }
}
