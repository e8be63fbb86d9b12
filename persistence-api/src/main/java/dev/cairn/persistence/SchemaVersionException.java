package dev.cairn.persistence;

/**
 * The stored data was written by a newer schema version than this code understands.
 */
public class SchemaVersionException extends PersistenceException {
    private static final long serialVersionUID = 1L;
    private final long found;
    private final long supported;

    /**
     * Creates the exception.
     *
     * @param location where the data lives
     * @param found the schema version of the stored data
     * @param supported the newest schema version this code knows
     */
    public SchemaVersionException(String location, long found, long supported) {
        super("The store at " + location + " has schema version " + found
                + " but this version of Cairn supports at most " + supported
                + "; upgrade Cairn to open it (the data was not changed)");
        this.found = found;
        this.supported = supported;
    }

    /** @return the schema version of the stored data */
    public long found() {
        return found;
    }

    /** @return the newest schema version this code knows */
    public long supported() {
        return supported;
    }
}
