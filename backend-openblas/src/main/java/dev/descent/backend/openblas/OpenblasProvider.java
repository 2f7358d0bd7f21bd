package dev.descent.backend.openblas;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.ProbedProvider;

import java.util.concurrent.Callable;

/**
 * Registers {@link OpenblasBackend} as {@code "openblas"}, priority 30: preferred over jBLAS (20), whose OpenBLAS is
 * from 2020, misses current CPUs' kernels and needs a lock against concurrent callers, and over EJML (10).
 *
 * <p>Availability is probed for real, once: load OpenBLAS, apply the settings and run a 1x1 {@code sgemm} and
 * {@code dgemm} ({@link OpenblasNatives}), inside a catch of {@code Throwable}; a failure makes the backend
 * unavailable with its reason, and the note of a success says which kernels and threads it runs with.
 */
public final class OpenblasProvider extends ProbedProvider {
    /** The provider ServiceLoader creates: probes the real native library. */
    public OpenblasProvider() {
        this(OpenblasNatives::load);
    }

    /** A provider with another probe (for tests): it returns a note when the backend works and throws when not. */
    OpenblasProvider(Callable<String> probe) {
        super("openblas", 30, probe, OpenblasBackend::new);
    }
}
