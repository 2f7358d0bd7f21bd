package dev.descent.core.conformance;

import dev.descent.core.DType;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.DirectBufferBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole conformance suite on a backend that keeps its data off the heap, in direct buffers. */
class DirectBufferConformanceTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return DirectBufferBackend.INSTANCE;
    }

    @Test
    void itsStorageIsOffTheHeap() {
        assertTrue(DirectBufferBackend.isOffHeap(backend().allocate(DType.FLOAT32, 10)));
        assertTrue(DirectBufferBackend.isOffHeap(store(DType.FLOAT64, 1, 2, 3)));
    }
}
