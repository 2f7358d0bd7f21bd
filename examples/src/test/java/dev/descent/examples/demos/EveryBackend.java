package dev.descent.examples.demos;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.examples.RunContext;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings a demo's claim test runs on: every backend found on the class path (an unavailable one is an error,
 * never a skip), in float32 and float64.
 *
 * <pre>{@code
 * for (RunContext ctx : EveryBackend.contexts(dir, 42)) { ... ctx.backendName() + " " + ctx.dtype() ... }
 * }</pre>
 */
final class EveryBackend {
    private EveryBackend() {
    }

    static List<RunContext> contexts(Path dir, long seed) {
        List<Backends.Found> found = Backends.found();
        if (found.isEmpty()) throw new IllegalStateException("EveryBackend: no backend on the test class path");
        PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
        List<RunContext> out = new ArrayList<>();
        for (Backends.Found f : found) {
            if (!f.availability().available()) {
                throw new IllegalStateException("EveryBackend: backend '" + f.name() + "' is on the class path but "
                        + "unavailable: " + f.availability().reason());
            }
            for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
                out.add(new RunContext(f.name(), dtype, seed, dir.resolve(f.name() + "-" + dtype), true, false,
                        nowhere, nowhere));
            }
        }
        return out;
    }

    /** "ejml float32", for assertion messages. */
    static String describe(RunContext ctx) {
        return ctx.backendName() + " " + ctx.dtype();
    }
}
