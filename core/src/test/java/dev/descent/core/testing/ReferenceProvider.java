package dev.descent.core.testing;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BackendProvider;

/** Registers {@link ReferenceBackend} for core's own tests (not shipped in the test-jar's service files). */
public final class ReferenceProvider implements BackendProvider {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.yes("reference kernels only");
    }

    @Override
    public Backend create() {
        return ReferenceBackend.INSTANCE;
    }
}
