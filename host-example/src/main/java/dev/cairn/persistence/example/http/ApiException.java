package dev.cairn.persistence.example.http;

/**
 * An error the API answers with its own status and code.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    /**
     * @param status the HTTP status
     * @param code the short error code of the body's {@code error} field
     * @param detail the body's {@code detail} field
     */
    public ApiException(int status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the error code */
    public String code() {
        return code;
    }
}
