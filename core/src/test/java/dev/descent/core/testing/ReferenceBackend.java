package dev.descent.core.testing;

import dev.descent.core.spi.Backend;

/** A backend made only of core's shared kernels: the reference every other backend is compared with. */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    @Override
    public String name() {
        return "reference";
    }
}
