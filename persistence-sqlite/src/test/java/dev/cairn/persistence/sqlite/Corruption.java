package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.ContentHash;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Damages stored rows behind the provider's back, through a connection of its own. */
final class Corruption {
    private Corruption() {
    }

    /** @return true if the blob existed and one bit of its stored bytes was flipped */
    static boolean flipBlobBit(Path dbFile, ContentHash hash) {
        return flip(dbFile, "SELECT bytes FROM blobs WHERE hash = ?", "UPDATE blobs SET bytes = ? WHERE hash = ?",
                hash.toBytes());
    }

    /** @return true if the node existed and one bit of its stored payload was flipped */
    static boolean flipPayloadBit(Path dbFile, String nodeId) {
        return flip(dbFile, "SELECT payload FROM nodes WHERE node_id = ?", "UPDATE nodes SET payload = ? WHERE node_id = ?",
                nodeId);
    }

    private static boolean flip(Path dbFile, String select, String update, Object key) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile)) {
            byte[] bytes;
            try (PreparedStatement ps = c.prepareStatement(select)) {
                ps.setObject(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    bytes = rs.getBytes(1);
                }
            }
            if (bytes == null || bytes.length == 0) {
                bytes = new byte[] {1};
            } else {
                bytes[bytes.length / 2] ^= 0x10;
            }
            try (PreparedStatement ps = c.prepareStatement(update)) {
                ps.setBytes(1, bytes);
                ps.setObject(2, key);
                return ps.executeUpdate() > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot damage a row of " + dbFile, e);
        }
    }
}
