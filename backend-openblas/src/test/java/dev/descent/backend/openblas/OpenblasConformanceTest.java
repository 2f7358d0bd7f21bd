package dev.descent.backend.openblas;

import dev.descent.core.conformance.BackendConformance;
import dev.descent.core.spi.Backend;

/**
 * Core's backend conformance suite on OpenBLAS. Fails (never skips) when OpenBLAS cannot load here, with the
 * loader's reason.
 */
class OpenblasConformanceTest extends BackendConformance {
    private static Backend backend;

    static synchronized Backend openblas() {
        if (backend == null) backend = new OpenblasProvider().create();
        return backend;
    }

    @Override
    protected Backend backend() {
        return openblas();
    }
}
