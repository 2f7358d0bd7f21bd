package dev.descent.backend.jblas;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.ProbedProvider;

import java.util.concurrent.Callable;

/**
 * Registers {@link JblasBackend} as {@code "jblas"}, priority 20 (preferred over EJML when it works).
 *
 * <p>Availability is probed for real, once: load jBLAS's native library with the GNU Fortran runtime it needs
 * ({@link JblasNatives}) and run a 1x1 {@code dgemm}, inside a catch of {@code Throwable}. A library that cannot
 * load makes the backend unavailable with a reason that names what is missing and the fix, instead of an
 * {@code UnsatisfiedLinkError} later.
 */
public final class JblasProvider extends ProbedProvider {
    /** The provider ServiceLoader creates: probes the real native library. */
    public JblasProvider() {
        this(JblasProvider::nativeProbe);
    }

    /** A provider with another probe (for tests): it returns a note when the backend works and throws when not. */
    JblasProvider(Callable<String> probe) {
        super("jblas", 20, probe, JblasBackend::new);
    }

    /** Loads the natives ({@link JblasNatives}) and checks {@code [2] x [3] = [6]} through {@code dgemm}. */
    private static String nativeProbe() throws JblasUnavailable {
        return JblasNatives.load();
    }
}
