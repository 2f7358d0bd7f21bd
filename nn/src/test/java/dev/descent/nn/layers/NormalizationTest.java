package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused normalisation: its value is at least as accurate as the composed definition's (both against the composed
 * definition in float64), and equal to it up to rounding; its closed-form gradients equal the composed definition's up
 * to rounding; it gradient-checks to second order (through the recorded composed
 * gradients), with and without the per-channel affine map, on every backend.
 */
class NormalizationTest {
    private static final int[] CHANNEL_AXES = {0, 2, 3};

    @Test
    void valueIsTheComposedDefinitionsAndGradientsAgreeWithItOnEveryBackend() {
        for (Backend b : TestBackends.all()) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                TensorFactory f = Tensor.on(b, dt);
                Rng rng = new Rng(3);
                Tensor x = f.normal(rng, 1.5, 2, 4, 3, 5, 2), w = f.uniform(rng, 0.5, 2, 1, 3, 1, 1);
                Tensor bias = f.uniform(rng, -1, 1, 1, 3, 1, 1), g = f.normal(rng, 0, 1, 4, 3, 5, 2);
                double tol = dt == DType.FLOAT64 ? 1e-12 : 2e-5;
                for (boolean affine : new boolean[] {true, false}) {
                    int[] axes = affine ? CHANNEL_AXES : new int[] {2, 3};
                    Variable[] fused = params(x, w, bias), plain = params(x, w, bias);
                    Variable y = affine ? Normalization.over(fused[0], axes, 1e-5, fused[1], fused[2]).value()
                            : Normalization.over(fused[0], axes, 1e-5).value();
                    Variable z = Normalization.composed(plain[0], axes, 1e-5, affine ? plain[1] : null,
                            affine ? plain[2] : null);
                    String at = b.name() + " " + dt + (affine ? " affine" : " plain");
                    Variable exact = Normalization.composed(Variable.constant(x.to(DType.FLOAT64)), axes, 1e-5,
                            affine ? Variable.constant(w.to(DType.FLOAT64)) : null,
                            affine ? Variable.constant(bias.to(DType.FLOAT64)) : null);
                    double[] truth = exact.value().toDoubleArray(), mine = y.value().toDoubleArray();
                    double[] theirs = z.value().toDoubleArray();
                    double ownError = 0, composedError = 0;
                    for (int i = 0; i < truth.length; i++) {
                        ownError = Math.max(ownError, Math.abs(mine[i] - truth[i]));
                        composedError = Math.max(composedError, Math.abs(theirs[i] - truth[i]));
                    }
                    double ulp = dt == DType.FLOAT64 ? Math.ulp(4.0) : Math.ulp(4.0f);
                    assertTrue(ownError <= composedError + 2 * ulp, at + ": error " + ownError + " against the "
                            + "composed definition's " + composedError);
                    assertArrayEquals(theirs, mine, composedError + 2 * ulp, at);
                    y.backward(g);
                    z.backward(g);
                    assertGradientsAgree(plain, fused, affine ? 3 : 1, tol, at);
                }
            }
        }
    }

    @Test
    void gradientChecksToSecondOrderWithAndWithoutTheAffineMap() {
        for (Backend b : TestBackends.all()) {
            TensorFactory f = Tensor.on(b, DType.FLOAT64);
            Rng rng = new Rng(5);
            Tensor coef = f.normal(rng, 0, 1, 3, 2, 2, 2);
            Variable x = Variable.parameter(f.normal(rng, 0, 1, 3, 2, 2, 2));
            Variable w = Variable.parameter(f.uniform(rng, 0.5, 2, 1, 2, 1, 1));
            Variable bias = Variable.parameter(f.uniform(rng, -1, 1, 1, 2, 1, 1));
            GradCheck.Fn affine = in -> Normalization.over(in[0], CHANNEL_AXES, 1e-3, in[1], in[2]).value()
                    .mul(Variable.constant(coef)).square();
            GradCheck.check(affine, x, w, bias);
            GradCheck.checkSecondOrder(affine, x, w, bias);
            GradCheck.Fn plain = in -> Normalization.over(in[0], new int[] {1, 3}, 1e-3).value()
                    .mul(Variable.constant(coef)).square();
            GradCheck.check(plain, x);
            GradCheck.checkSecondOrder(plain, x);
        }
    }

    @Test
    void fixedStatisticsAgreeWithTheComposedFormAndGradientCheck() {
        for (Backend b : TestBackends.all()) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                TensorFactory f = Tensor.on(b, dt);
                Rng rng = new Rng(9);
                Tensor x = f.normal(rng, 1, 2, 4, 3, 5, 2), g = f.normal(rng, 0, 1, 4, 3, 5, 2);
                Tensor mean = f.normal(rng, 0, 1, 3), variance = f.uniform(rng, 0.5, 3, 3);
                Tensor w = f.uniform(rng, 0.5, 2, 1, 3, 1, 1), bias = f.uniform(rng, -1, 1, 1, 3, 1, 1);
                Variable[] fused = params(x, w, bias), plain = params(x, w, bias);
                Variable y = Normalization.withStatistics(fused[0], CHANNEL_AXES, 1e-5, mean, variance, fused[1], fused[2]);
                Variable z = plain[0].sub(Variable.constant(mean.reshape(1, 3, 1, 1)))
                        .div(Variable.constant(variance.add(1e-5).sqrt().reshape(1, 3, 1, 1))).mul(plain[1]).add(plain[2]);
                double tol = dt == DType.FLOAT64 ? 1e-12 : 2e-5;
                String at = b.name() + " " + dt;
                assertArrayEquals(z.value().toDoubleArray(), y.value().toDoubleArray(), tol * 8, at);
                y.backward(g);
                z.backward(g);
                assertGradientsAgree(plain, fused, 3, tol, at);
            }
            TensorFactory f = Tensor.on(b, DType.FLOAT64);
            Rng rng = new Rng(4);
            Tensor coef = f.normal(rng, 0, 1, 3, 2, 2, 2), mean = f.normal(rng, 0, 1, 2), variance = f.uniform(rng, 0.5, 2, 2);
            Variable x = Variable.parameter(f.normal(rng, 0, 1, 3, 2, 2, 2));
            Variable w = Variable.parameter(f.uniform(rng, 0.5, 2, 1, 2, 1, 1));
            Variable bias = Variable.parameter(f.uniform(rng, -1, 1, 1, 2, 1, 1));
            GradCheck.Fn fn = in -> Normalization.withStatistics(in[0], CHANNEL_AXES, 1e-3, mean, variance, in[1], in[2])
                    .mul(Variable.constant(coef)).square();
            GradCheck.check(fn, x, w, bias);
            GradCheck.checkSecondOrder(fn, x, w, bias);
        }
    }

    /** The first {@code count} inputs' gradients agree within {@code tol} times the largest expected magnitude (at least 1). */
    private static void assertGradientsAgree(Variable[] expectedFrom, Variable[] actualFrom, int count, double tol,
                                             String at) {
        for (int i = 0; i < count; i++) {
            double[] expected = expectedFrom[i].grad().toDoubleArray();
            double scale = 1;
            for (double e : expected) scale = Math.max(scale, Math.abs(e));
            assertArrayEquals(expected, actualFrom[i].grad().toDoubleArray(), tol * scale, at + " input " + i);
        }
    }

    private static Variable[] params(Tensor... values) {
        Variable[] out = new Variable[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Variable.parameter(values[i].copy());
        return out;
    }
}
