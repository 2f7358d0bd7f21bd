package dev.descent.backend.ejml;

import dev.descent.core.conformance.BackendConformance;
import dev.descent.core.spi.Backend;

/** Core's backend conformance suite on EJML. */
class EjmlConformanceTest extends BackendConformance {
    private static final Backend BACKEND = new EjmlBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
