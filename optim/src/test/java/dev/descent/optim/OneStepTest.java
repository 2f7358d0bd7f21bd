package dev.descent.optim;

import dev.descent.core.Backends;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One step (or a few) from hand-picked values, against the equations worked out by hand: w = (1, -2) and the
 * gradient g = (0.5, -1.5) handed in through the loss {@code sum(w * g)}.
 */
class OneStepTest {
    static final Backend B = Backends.get();
    static final double[] G = {0.5, -1.5};

    static Variable param(double... w) {
        return Variable.parameter(Tensor.on(B, DType.FLOAT64).of(w.clone(), w.length));
    }

    /** Sets the gradient of {@code w} to {@code g}. */
    static void grad(Variable w, double... g) {
        w.zeroGrad();
        w.mul(Tensor.on(B, DType.FLOAT64).of(g, g.length)).sum().backward();
    }

    static double[] step(Optimizer<?> opt, Variable w, double... g) {
        grad(w, g);
        opt.step();
        return w.value().toDoubleArray();
    }

    static void near(double[] expected, double[] actual) {
        assertArrayEquals(expected, actual, 1e-15);
    }

    @Test
    void sgd() {
        Variable w = param(1, -2);
        // w - lr (g + lambda w) = (1 - 0.1 (0.5 + 0.1), -2 - 0.1 (-1.5 - 0.2))
        near(new double[] {0.94, -1.83}, step(new SGD(List.of(w), SGD.options(0.1).withWeightDecay(0.1)), w, G));
    }

    @Test
    void sgdMomentumBufferStartsAsTheFirstGradient() {
        Variable w = param(1, -2);
        SGD sgd = new SGD(List.of(w), SGD.options(0.1).withMomentum(0.9).withDampening(0.5));
        near(new double[] {0.95, -1.85}, step(sgd, w, G));           // b = g: w - 0.1 g
        // b = 0.9 b + 0.5 g = (0.45 + 0.25, -1.35 - 0.75) = (0.7, -2.1); w - 0.1 b
        near(new double[] {0.88, -1.64}, step(sgd, w, G));
    }

    @Test
    void sgdNesterov() {
        Variable w = param(1, -2);
        SGD sgd = new SGD(List.of(w), SGD.options(0.1).withMomentum(0.9).withNesterov(true));
        // b = g; update g + 0.9 b = 1.9 g = (0.95, -2.85)
        near(new double[] {1 - 0.095, -2 + 0.285}, step(sgd, w, G));
    }

    @Test
    void sgdLectureEmaStartsAtZero() {
        Variable w = param(1, -2);
        SGD sgd = new SGD(List.of(w), SGD.options(0.1).withMomentum(0.9).withEma(true));
        near(new double[] {1 - 0.1 * 0.05, -2 + 0.1 * 0.15}, step(sgd, w, G));      // v = 0.1 g
        // v = 0.9 (0.05, -0.15) + 0.1 g = (0.095, -0.285)
        near(new double[] {0.995 - 0.0095, -1.985 + 0.0285}, step(sgd, w, G));
    }

    @Test
    void adagradBothForms() {
        Variable w = param(1, -2);
        // s = g^2 = (0.25, 2.25); w - 0.1 g / (sqrt(s) + 1e-10) = w - 0.1 sign(g) (1 - tiny)
        near(new double[] {1 - 0.1 * 0.5 / (0.5 + 1e-10), -2 + 0.1 * 1.5 / (1.5 + 1e-10)},
                step(new Adagrad(List.of(w), Adagrad.options().withLr(0.1)), w, G));
        Variable v = param(1, -2);
        Adagrad lecture = new Adagrad(List.of(v), Adagrad.options().withLr(0.1).withEps(1e-7).withEpsInside(true));
        near(new double[] {1 - 0.1 * 0.5 / Math.sqrt(1e-7 + 0.25), -2 + 0.1 * 1.5 / Math.sqrt(1e-7 + 2.25)},
                step(lecture, v, G));
        // the second step sees s = 2 g^2: the lecture's rate alpha / sqrt(delta + sum) has decayed by sqrt(2)
        Tensor rate = lecture.effectiveStepSize(v);
        step(lecture, v, G);
        double[] decayed = lecture.effectiveStepSize(v).toDoubleArray();
        assertEquals(0.1 / Math.sqrt(1e-7 + 0.5), decayed[0], 1e-15);
        assertEquals(rate.get(0) / Math.sqrt(2), decayed[0], 1e-7);
    }

    @Test
    void adagradLrDecayAndInitialAccumulator() {
        Variable w = param(1, -2);
        Adagrad a = new Adagrad(List.of(w), Adagrad.options().withLr(0.1).withLrDecay(0.5).withInitialAccumulator(1)
                .withEps(0));
        step(a, w, G);
        // step 2: clr = 0.1 / 1.5; s = 1 + 2 g^2 = (1.5, 5.5)
        double[] before = w.value().toDoubleArray();
        near(new double[] {before[0] - 0.1 / 1.5 * 0.5 / Math.sqrt(1.5), before[1] + 0.1 / 1.5 * 1.5 / Math.sqrt(5.5)},
                step(a, w, G));
    }

    @Test
    void adadeltaFirstStep() {
        Variable w = param(1, -2);
        // v = 0.1 g^2; delta = sqrt(0 + eps) / sqrt(v + eps) g; w - delta
        double d0 = Math.sqrt(1e-6) / Math.sqrt(0.1 * 0.25 + 1e-6) * 0.5;
        double d1 = Math.sqrt(1e-6) / Math.sqrt(0.1 * 2.25 + 1e-6) * -1.5;
        near(new double[] {1 - d0, -2 - d1}, step(new Adadelta(List.of(w), Adadelta.options()), w, G));
    }

    @Test
    void adadeltaWindowOfThreeByHand() {
        Variable w = param(0);
        Adadelta a = new Adadelta(List.of(w), Adadelta.options().withWindow(3).withLr(1).withEps(0));
        double x = 0;
        double[] g = {1, 2, 3, 4, -5};
        // the window holds the last three squared gradients, the current one included
        double[] sums = {1, 1 + 4, 1 + 4 + 9, 4 + 9 + 16, 9 + 16 + 25};
        for (int t = 0; t < g.length; t++) {
            x -= g[t] / Math.sqrt(sums[t]);
            assertEquals(x, step(a, w, g[t])[0], 1e-15, "step " + (t + 1));
        }
        assertEquals(1 / Math.sqrt(50), a.effectiveStepSize(w).item(), 1e-15);
    }

    @Test
    void rmspropPlainCenteredLecture() {
        Variable w = param(1, -2);
        // s = 0.01 g^2 -> sqrt(s) = 0.1 |g|; w - 0.01 g / (0.1 |g| + 1e-8)
        near(new double[] {1 - 0.01 * 0.5 / (0.05 + 1e-8), -2 + 0.01 * 1.5 / (0.15 + 1e-8)},
                step(new RMSProp(List.of(w), RMSProp.options()), w, G));
        Variable c = param(1, -2);
        // centered: m = 0.01 g, s - m^2 = 0.01 g^2 - 1e-4 g^2 = 0.0099 g^2
        near(new double[] {1 - 0.01 * 0.5 / (Math.sqrt(0.0099) * 0.5 + 1e-8), -2 + 0.01 * 1.5 / (Math.sqrt(0.0099) * 1.5 + 1e-8)},
                step(new RMSProp(List.of(c), RMSProp.options().withCentered(true)), c, G));
        Variable l = param(1, -2);
        // lecture: s = 0.001 g^2, w - lr g / sqrt(s + 1e-8)
        near(new double[] {1 - 0.01 * 0.5 / Math.sqrt(0.001 * 0.25 + 1e-8), -2 + 0.01 * 1.5 / Math.sqrt(0.001 * 2.25 + 1e-8)},
                step(new RMSProp(List.of(l), RMSProp.options().withLr(0.01).withSmoothing(0.999).withEpsInside(true)), l, G));
    }

    @Test
    void adamFirstStepIsLrTimesTheSign() {
        Variable w = param(1, -2);
        // mHat = g, vHat = g^2: w - lr g / (|g| + eps)
        near(new double[] {1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1.5 / (1.5 + 1e-8)},
                step(new Adam(List.of(w), Adam.options().withLr(0.1)), w, G));
        Variable l = param(1, -2);
        near(new double[] {1 - 0.1 * 0.5 / Math.sqrt(0.25 + 1e-8), -2 + 0.1 * 1.5 / Math.sqrt(2.25 + 1e-8)},
                step(new Adam(List.of(l), Adam.options().withLr(0.1).withEpsInside(true)), l, G));
    }

    @Test
    void adamCoupledAndAdamWDecoupledDecay() {
        Variable a = param(1, -2);
        // coupled: g' = g + 0.5 w = (1, -2.5): first step w - lr sign(g')
        near(new double[] {1 - 0.1 / (1 + 1e-8), -2 + 0.1 * 2.5 / (2.5 + 1e-8)},
                step(new Adam(List.of(a), Adam.options().withLr(0.1).withWeightDecay(0.5)), a, G));
        Variable b = param(1, -2);
        // decoupled: w (1 - lr lambda) then w - lr sign(g)
        near(new double[] {0.95 - 0.1 * 0.5 / (0.5 + 1e-8), -1.9 + 0.1 * 1.5 / (1.5 + 1e-8)},
                step(new AdamW(List.of(b), AdamW.options().withLr(0.1).withWeightDecay(0.5)), b, G));
    }

    @Test
    void amsgradNormalisesByTheLargestRawSecondMoment() {
        Variable w = param(0);
        Adam adam = new Adam(List.of(w), Adam.options().withLr(1).withBetas(0.5, 0.5).withEps(0).withAmsgrad(true));
        step(adam, w, 2);            // m = 1, v = 2, vMax = 2
        double x = w.value().item();
        // g = 0: m = 0.5, v = 1, vMax stays 2; mHat = 0.5 / 0.75, vHat = 2 / 0.75
        assertEquals(x - (0.5 / 0.75) / Math.sqrt(2 / 0.75), step(adam, w, 0)[0], 1e-15);
    }

    @Test
    void adamaxNAdamRAdamFirstSteps() {
        Variable a = param(1, -2);
        // u = |g| + eps; m = 0.1 g; w - lr / 0.1 m / u
        near(new double[] {1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1.5 / (1.5 + 1e-8)},
                step(new Adamax(List.of(a), Adamax.options().withLr(0.1)), a, G));
        Variable r = param(1, -2);
        // rho_1 = 1 <= 5: w - lr mHat = w - lr g
        near(new double[] {0.95, -1.85}, step(new RAdam(List.of(r), RAdam.options().withLr(0.1)), r, G));
        Variable n = param(1, -2);
        double mu1 = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.004)), mu2 = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.008));
        double[] expected = new double[2];
        for (int i = 0; i < 2; i++) {
            double g = G[i], d = Math.abs(g) + 1e-8;       // sqrt(v / (1 - beta2)) = |g|
            expected[i] = (i == 0 ? 1 : -2) - 0.1 * (1 - mu1) / (1 - mu1) * g / d
                    - 0.1 * mu2 / (1 - mu1 * mu2) * 0.1 * g / d;
        }
        assertArrayEquals(expected, step(new NAdam(List.of(n), NAdam.options().withLr(0.1)), n, G), 1e-15);
    }
}
