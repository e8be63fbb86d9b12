package dev.cairn.persistence;

/**
 * The installed providers are misconfigured: two providers claim one scheme, or a provider could not
 * be loaded. Cairn never falls back silently to another provider.
 */
public class ProviderConfigurationException extends PersistenceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and which classes are involved
     */
    public ProviderConfigurationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong and which classes are involved
     * @param cause why a provider failed to load
     */
    public ProviderConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
