package dev.descent.backend.openblas;

import dev.descent.core.spi.BackendUnavailableException;

/** OpenBLAS cannot run here; the message is the reason {@code Backends.describe()} shows: what failed and the fix. */
final class OpenblasUnavailable extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    OpenblasUnavailable(String reason) {
        super(reason);
    }
}
