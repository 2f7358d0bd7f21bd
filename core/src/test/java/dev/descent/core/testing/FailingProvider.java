package dev.descent.core.testing;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BackendProvider;

/**
 * A provider with the highest priority whose probe throws, as a native backend does when its library is missing.
 * Registered for core's tests: discovery must report it unavailable with the reason and select another backend.
 */
public final class FailingProvider implements BackendProvider {
    @Override
    public String name() {
        return "failing";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        throw new UnsatisfiedLinkError("libfailing.so: cannot open shared object file: No such file or directory");
    }

    @Override
    public Backend create() {
        throw new AssertionError("an unavailable backend must never be created");
    }
}
