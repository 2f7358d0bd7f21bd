package dev.descent.autodiff;

import dev.descent.core.testing.TestBackends;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.autodiff.check.GradCheckReport;
import dev.descent.core.Backends;
import dev.descent.core.spi.Backend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Every row of {@link OpSpecs}, on both backends, with three random draws of its inputs (exhaustively: every
 * combination is tried): analytic first and second derivatives against central differences in float64.
 */
class GradientProperties {
    static final int DRAWS = 3;

    @Provide
    Arbitrary<OpSpecs.Spec> specs() {
        return Arbitraries.of(OpSpecs.all());
    }

    @Provide
    Arbitrary<Backend> backends() {
        return Arbitraries.of(TestBackends.all());
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    void firstDerivativesMatchFiniteDifferences(@ForAll("specs") OpSpecs.Spec spec, @ForAll("backends") Backend backend,
                                                @ForAll @IntRange(min = 1, max = DRAWS) int draw) {
        GradCheckReport r = GradCheck.check(spec.fn(), spec.inputs(backend, draw * 1_000_003L + spec.label().hashCode()));
        org.junit.jupiter.api.Assertions.assertTrue(r.passed(), r.toString());
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    void secondDerivativesMatchFiniteDifferences(@ForAll("specs") OpSpecs.Spec spec, @ForAll("backends") Backend backend,
                                                 @ForAll @IntRange(min = 1, max = DRAWS) int draw) {
        GradCheckReport r = GradCheck.checkSecondOrder(spec.fn(), spec.inputs(backend, draw * 7_919L + spec.label().hashCode()));
        org.junit.jupiter.api.Assertions.assertTrue(r.passed(), r.toString());
    }
}
