package dev.descent.nn.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.testing.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code truncatedNormal}: values inside {@code [a, b]} with the mean and standard deviation of the truncated normal,
 * on intervals that exercise each of the sampler's proposals (normal, uniform, exponential) and both tails.
 */
class TruncatedNormalTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    @ParameterizedTest(name = "N({0}, {1}) on [{2}, {3}]")
    @CsvSource({
            "0, 1, -2, 2",                    // torch's default; normal proposals
            "0, 1, -Infinity, Infinity",      // no truncation
            "0, 1, 0, Infinity",              // half-normal; exponential proposals at 0
            "0, 1, -0.5, 0.3",                // narrow around 0; uniform proposals
            "0, 1, 1, 1.5",                   // narrow in the right tail; uniform proposals
            "0, 1, 0.5, 3",                   // wide in the right tail; exponential proposals
            "0, 1, 3, Infinity",              // far right tail
            "0, 1, -Infinity, -4",            // far left tail, mirrored
            "0, 1, 10, 12",                   // where inverse-CDF sampling in float64 breaks down
            "0, 1, 5, 5.1",                   // narrow and far out
            "3, 0.5, 2, 10",                  // shifted and scaled, absolute bounds
            "-1, 2, -4, -1.5"})
    void momentsAndBounds(double mean, double std, double a, double b) {
        double[] v = new double[200_000];
        Initializer init = Initializers.truncatedNormal(mean, std, a, b);
        v = init.initialize(Samples.f64(), Shape.of(v.length), 1, 1, new Rng(7)).toDoubleArray();
        double[] expected = truncatedMoments(mean, std, a, b);
        assertTrue(Samples.min(v) >= a && Samples.max(v) <= b,
                init + ": values in [" + Samples.min(v) + ", " + Samples.max(v) + "]");
        assertEquals(expected[0], Samples.mean(v), 0.02 * expected[1], init + ": mean");
        assertEquals(expected[1], Samples.std(v), 0.02 * expected[1], init + ": std");
    }

    @Test
    void integratorAgreesWithTheHalfNormalClosedForm() {
        double[] m = truncatedMoments(0, 1, 0, INF);
        assertEquals(Math.sqrt(2 / Math.PI), m[0], 1e-12);
        assertEquals(Math.sqrt(1 - 2 / Math.PI), m[1], 1e-12);
    }

    @Test
    void float32ValuesStayInsideTheRoundedBounds() {
        Tensor t = Initializers.truncatedNormal(0, 1, -0.1, 0.1)
                .initialize(Samples.factory(Samples.DEFAULT, DType.FLOAT32), Shape.of(100_000), 1, 1, new Rng(3));
        assertEquals(DType.FLOAT32, t.dtype());
        float[] v = t.toFloatArray();
        for (float x : v) assertTrue(x >= (float) -0.1 && x <= (float) 0.1, "value " + x);
    }

    @Test
    void aScalarShapeGivesAScalar() {
        Tensor t = Initializers.truncatedNormal().initialize(Samples.f64(), Shape.scalar(), 1, 1, new Rng(1));
        assertEquals(Shape.scalar(), t.shape());
        assertTrue(Math.abs(t.item()) <= 2);
    }

    @Test
    void everyValueIsInsideTheBounds() {
        Props.tries(200).forAll(Props.decimals(-5, 5, 2), Props.decimals(1e-3, 10, 6), Props.decimals(-30, 30, 2),
                Props.decimals(1e-6, 20, 8)).checkAssert(TruncatedNormalTest::insideTheBounds);
    }

    static void insideTheBounds(double mean, double std, double a, double width) {
        double b = a + width;
        double[] v = Initializers.truncatedNormal(mean, std, a, b)
                .initialize(Samples.f64(), Shape.of(64), 1, 1, new Rng(11)).toDoubleArray();
        for (double x : v) assertTrue(x >= a && x <= b, x + " outside [" + a + ", " + b + "]");
    }

    /**
     * Mean and standard deviation of {@code N(mean, std^2)} on {@code [a, b]} by Simpson's rule on the standardised
     * density, scaled by {@code exp(rho^2/2)} ({@code rho} the point nearest 0) so nothing underflows in the tails;
     * an infinite bound is cut 40 standard deviations beyond the other end or 0.
     */
    static double[] truncatedMoments(double mean, double std, double a, double b) {
        double lo = (a - mean) / std;
        double hi = (b - mean) / std;
        double rho = lo > 0 ? lo : hi < 0 ? hi : 0;
        if (Double.isInfinite(lo)) lo = Math.min(hi, 0) - 40;
        if (Double.isInfinite(hi)) hi = Math.max(lo, 0) + 40;
        int n = 400_000;
        double h = (hi - lo) / n;
        double s0 = 0, s1 = 0, s2 = 0;
        for (int i = 0; i <= n; i++) {
            double z = lo + i * h;
            double w = (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * Math.exp((rho - z) * (rho + z) / 2);
            s0 += w;
            s1 += w * z;
            s2 += w * z * z;
        }
        double m = s1 / s0;
        double var = s2 / s0 - m * m;
        return new double[] {mean + std * m, std * Math.sqrt(var)};
    }
}
