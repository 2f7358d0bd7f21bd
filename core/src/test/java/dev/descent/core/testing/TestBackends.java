package dev.descent.core.testing;

import dev.descent.core.Backends;
import dev.descent.core.spi.Backend;

import java.util.List;

/**
 * The backends tests run on: every one found on the class path ({@link Backends#found()}), never a list of names,
 * so a new backend module is tested everywhere once it is a test dependency (the {@code descent-backends} pom).
 *
 * <pre>{@code
 * for (Backend b : TestBackends.all()) { ... }
 * }</pre>
 */
public final class TestBackends {
    private TestBackends() {
    }

    /**
     * Every backend on the class path, highest priority first. One that is unavailable is an error with its reason:
     * a backend's tests fail when it cannot run, they are never skipped.
     */
    public static List<Backend> all() {
        List<Backends.Found> found = Backends.found();
        if (found.isEmpty()) throw new IllegalStateException("TestBackends: no backend on the test class path");
        for (Backends.Found f : found) {
            if (!f.availability().available()) {
                throw new IllegalStateException("TestBackends: backend '" + f.name() + "' is on the class path but "
                        + "unavailable: " + f.availability().reason());
            }
        }
        return found.stream().map(f -> Backends.get(f.name())).toList();
    }

    /** A backend equal to none on the class path (off-heap, see {@link DirectBufferBackend}): for tests that mix backends. */
    public static Backend foreign() {
        return DirectBufferBackend.INSTANCE;
    }
}
