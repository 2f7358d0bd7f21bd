package dev.descent.backend.jblas;

import dev.descent.core.spi.BackendUnavailableException;

/** jBLAS cannot run here; the message is the reason {@code Backends.describe()} shows: what is missing and the fix. */
final class JblasUnavailable extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    JblasUnavailable(String reason) {
        super(reason);
    }
}
