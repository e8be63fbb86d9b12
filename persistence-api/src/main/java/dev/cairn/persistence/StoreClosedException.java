package dev.cairn.persistence;

/**
 * The store or factory was closed (SPEC rule 22).
 */
public class StoreClosedException extends PersistenceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param what the closed object, e.g. {@code "store of session 'abc'"}
     */
    public StoreClosedException(String what) {
        super("The " + what + " is closed; open a new one");
    }
}
