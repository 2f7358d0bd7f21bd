package dev.descent.examples.demos;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.RunContext;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The configurations a demo's claims are asserted in: every backend found on the class path, each with both float
 * dtypes. A claim must hold with a margin in each of them, whatever the backend's BLAS kernel rounds.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @MethodSource("dev.descent.examples.demos.Configurations#all")
 * void aClaim(Configuration c) { ... c.context(out, 42) ... }
 * }</pre>
 */
final class Configurations {
    private Configurations() {
    }

    /** One backend (by name) and one float dtype. */
    record Configuration(String backend, DType dtype) {
        /** A quiet context on this backend and dtype, printing nowhere. */
        RunContext context(Path out, long seed) {
            PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
            return new RunContext(backend, dtype, seed, out, true, false, nowhere, nowhere);
        }

        TensorFactory tensors() {
            return Tensor.on(Backends.get(backend), dtype);
        }

        @Override
        public String toString() {
            return backend + " " + dtype.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Every backend found (an unavailable one fails its tests with the reason) with FLOAT32 and FLOAT64. */
    static List<Configuration> all() {
        return Backends.found().stream()
                .flatMap(f -> List.of(DType.FLOAT32, DType.FLOAT64).stream().map(dt -> new Configuration(f.name(), dt)))
                .toList();
    }
}
