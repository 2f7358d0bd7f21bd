package dev.descent.core.testing;

import dev.descent.core.kernels.ArrayBackend;

/** A backend made only of core's reference kernels: the one every other backend is compared with. */
public final class ReferenceBackend extends ArrayBackend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    @Override
    public String name() {
        return "reference";
    }
}
