package dev.descent.backend.jblas;

/** jBLAS cannot run here; the message is the reason {@code Backends.describe()} shows: what is missing and the fix. */
final class JblasUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    JblasUnavailable(String reason) {
        super(reason);
    }
}
