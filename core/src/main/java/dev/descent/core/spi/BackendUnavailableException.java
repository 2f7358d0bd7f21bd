package dev.descent.core.spi;

/**
 * A backend cannot run here, for the reason in the message: what failed and the fix. A {@link ProbedAvailability}
 * reports it as the unavailability's reason, word for word.
 */
public class BackendUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String reason) {
        super(reason);
    }
}
