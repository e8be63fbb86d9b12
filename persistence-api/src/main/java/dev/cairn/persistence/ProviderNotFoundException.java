package dev.cairn.persistence;

/**
 * No installed provider serves the scheme of a location. The message lists the installed schemes
 * and, for a known scheme, the artifact that adds it.
 */
public class ProviderNotFoundException extends PersistenceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which scheme is missing, what is installed, what to add
     */
    public ProviderNotFoundException(String message) {
        super(message);
    }
}
