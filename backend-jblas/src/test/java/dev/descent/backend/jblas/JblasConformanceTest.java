package dev.descent.backend.jblas;

import dev.descent.core.conformance.BackendConformance;
import dev.descent.core.spi.Backend;

/**
 * Core's backend conformance suite on jBLAS. Fails (never skips) when jBLAS's natives cannot load here, with the
 * loader's reason.
 */
class JblasConformanceTest extends BackendConformance {
    static Backend backend;

    static synchronized Backend jblas() {
        if (backend == null) backend = new JblasProvider().create();
        return backend;
    }

    @Override
    protected Backend backend() {
        return jblas();
    }
}
