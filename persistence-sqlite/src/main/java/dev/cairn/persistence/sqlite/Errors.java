package dev.cairn.persistence.sqlite;

import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.StoreCorruptedException;
import java.sql.SQLException;

/**
 * Turns SQLite's errors into {@link PersistenceException}s that say what happened and what to do.
 * SQLite rolls back what it was doing; the caller rolls back the rest of the transaction.
 */
final class Errors {
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    static final int SQLITE_NOMEM = 7;
    static final int SQLITE_READONLY = 8;
    static final int SQLITE_IOERR = 10;
    static final int SQLITE_CORRUPT = 11;
    static final int SQLITE_FULL = 13;
    static final int SQLITE_CANTOPEN = 14;
    static final int SQLITE_TOOBIG = 18;
    static final int SQLITE_NOTADB = 26;

    private Errors() {
    }

    /**
     * @param what what was being done, e.g. {@code "commit to session 'abc'"}
     * @param location the store's location
     * @param e the failure
     * @return the exception to throw
     */
    static PersistenceException translate(String what, String location, SQLException e) {
        String where = " (" + location + ")";
        String detail = ": " + e.getMessage();
        return switch (e.getErrorCode() & 0xff) {
            case SQLITE_BUSY, SQLITE_LOCKED -> new PersistenceException("Cannot " + what + where
                    + ": another connection (another factory or process on the same directory) held the database's write lock for"
                    + " longer than the busy timeout;"
                    + " nothing was written. Retry, or raise the option busy-timeout-ms" + detail, e);
            case SQLITE_FULL -> new PersistenceException("Cannot " + what + where
                    + ": the disk is full (or the database reached its size limit); nothing of it was written"
                    + " and earlier commits are intact. Free disk space and retry" + detail, e);
            case SQLITE_READONLY -> new PersistenceException("Cannot " + what + where
                    + ": the database is read-only; check the permissions of the directory and its files" + detail, e);
            case SQLITE_CANTOPEN -> new PersistenceException("Cannot " + what + where
                    + ": the database file cannot be opened or created; check that the directory exists and is"
                    + " writable" + detail, e);
            case SQLITE_NOTADB -> new PersistenceException("Cannot " + what + where
                    + ": the file cairn.db is not an SQLite database; it was not changed. Move it away or point"
                    + " the location to another directory" + detail, e);
            case SQLITE_CORRUPT -> new StoreCorruptedException("Cannot " + what + where
                    + ": the database file is damaged; restore it from a backup" + detail, e);
            case SQLITE_IOERR -> new PersistenceException("Cannot " + what + where
                    + ": an I/O error occurred; nothing of it was written" + detail, e);
            case SQLITE_NOMEM -> new PersistenceException("Cannot " + what + where + ": SQLite ran out of memory" + detail, e);
            case SQLITE_TOOBIG -> new PersistenceException("Cannot " + what + where
                    + ": a value is larger than SQLite's limit (about 1 GB)" + detail, e);
            default -> new PersistenceException("Cannot " + what + where + detail, e);
        };
    }

    static boolean isFull(SQLException e) {
        return (e.getErrorCode() & 0xff) == SQLITE_FULL;
    }
}
