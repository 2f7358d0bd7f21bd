package dev.descent.autodiff;

import dev.descent.autodiff.check.GradCheck;
import dev.descent.autodiff.check.GradCheckReport;
import dev.descent.core.testing.TestBackends;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every row of {@link OpSpecs}, on both backends, with three random draws of its inputs (exhaustively: every
 * combination is tried, one named test each, so a failure names the op, the backend and the draw's seed):
 * analytic first and second derivatives against central differences in float64.
 */
class GradientProperties {
    static final int DRAWS = 3;

    static List<Backend> backends() {
        return TestBackends.all();
    }

    /** One gradient check of an op on a backend, from the inputs of a seed. */
    interface Check {
        GradCheckReport run(OpSpecs.Spec spec, Backend backend, long seed);
    }

    /** One test per op, backend and draw; {@code seedOf} gives the draw's input seed. */
    private static Stream<DynamicTest> cases(BiFunction<OpSpecs.Spec, Integer, Long> seedOf, Check check) {
        List<Backend> backends = backends();
        return OpSpecs.all().stream().flatMap(spec -> backends.stream().flatMap(backend ->
                IntStream.rangeClosed(1, DRAWS).mapToObj(draw -> {
                    long seed = seedOf.apply(spec, draw);
                    String name = spec.label() + " on " + backend.name() + ", draw " + draw + " (seed " + seed + ")";
                    return DynamicTest.dynamicTest(name, () -> {
                        try {
                            GradCheckReport r = check.run(spec, backend, seed);
                            assertTrue(r.passed(), r.toString());
                        } catch (AssertionError e) {
                            throw new AssertionError(name + ": " + e.getMessage(), e);
                        }
                    });
                })));
    }

    @TestFactory
    Stream<DynamicTest> firstDerivativesMatchFiniteDifferences() {
        return cases((spec, draw) -> draw * 1_000_003L + spec.label().hashCode(),
                (spec, backend, seed) -> GradCheck.check(spec.fn(), spec.inputs(backend, seed)));
    }

    @TestFactory
    Stream<DynamicTest> secondDerivativesMatchFiniteDifferences() {
        return cases((spec, draw) -> draw * 7_919L + spec.label().hashCode(),
                (spec, backend, seed) -> GradCheck.checkSecondOrder(spec.fn(), spec.inputs(backend, seed)));
    }
}
