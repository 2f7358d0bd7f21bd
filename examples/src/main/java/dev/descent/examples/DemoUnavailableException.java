package dev.descent.examples;

/**
 * A demo cannot run in this build or on this machine: it is not part of this build yet, or its data is missing.
 * The command prints the message as one line and exits with code 1; {@code descent lecture} skips the demo and
 * says why in the report.
 */
public final class DemoUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the demo is not available. */
    public enum Reason {
        /** The demo is not in this build. */
        NOT_BUILT,
        /** The data it needs is not on this machine (e.g. Fashion-MNIST). */
        MISSING_DATA
    }

    private final Reason reason;

    public DemoUnavailableException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The standard exception for a demo that is not part of this build. */
    public static DemoUnavailableException notBuilt(String demo) {
        return new DemoUnavailableException(Reason.NOT_BUILT,
                "the '" + demo + "' demo is not available in this build");
    }

    public Reason reason() {
        return reason;
    }
}
