package dev.descent.core.conformance;

import dev.descent.core.spi.Backend;
import dev.descent.core.testing.ReferenceBackend;

/** The conformance suite on core's shared kernels alone. */
class ReferenceConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return ReferenceBackend.INSTANCE;
    }
}
