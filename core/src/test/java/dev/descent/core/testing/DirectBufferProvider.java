package dev.descent.core.testing;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BackendProvider;

/** Registers {@link DirectBufferBackend} for core's own tests (below the reference backend, so never the default). */
public final class DirectBufferProvider implements BackendProvider {
    @Override
    public String name() {
        return "direct";
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Availability availability() {
        return Availability.yes("off-heap direct buffers, arithmetic staged through the reference kernels");
    }

    @Override
    public Backend create() {
        return DirectBufferBackend.INSTANCE;
    }
}
