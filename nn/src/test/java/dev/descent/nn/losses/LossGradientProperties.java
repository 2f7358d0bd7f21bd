package dev.descent.nn.losses;

import dev.descent.autodiff.Variable;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.testing.TestBackends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every loss, every reduction, both backends, random shapes {@code (N, C)} with {@code N} in 1..4 and {@code C} in
 * 2..4 and random values away from kinks: first and second derivatives against central differences in float64,
 * with respect to the prediction and (where it is differentiable) the target.
 */
class LossGradientProperties {
    /** One loss to check: how to build it for a reduction, and its inputs for a backend and a random source. */
    record Spec(String label, BiFunction<Reduction, Backend, Loss> loss, BiFunction<Backend, Rng, Variable[]> inputs) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Uniform in [lo, hi], redrawn while within 0.1 of any of {@code avoid}. */
    static double draw(Rng rng, double lo, double hi, double... avoid) {
        while (true) {
            double v = lo + (hi - lo) * rng.nextDouble();
            boolean ok = true;
            for (double a : avoid) ok &= Math.abs(v - a) > 0.1;
            if (ok) return v;
        }
    }

    static Tensor values(Backend b, Rng rng, int n, int c, double lo, double hi, double... avoid) {
        double[] v = new double[n * c];
        for (int i = 0; i < v.length; i++) v[i] = draw(rng, lo, hi, avoid);
        return Tensor.on(b, DType.FLOAT64).of(v).reshape(n, c);
    }

    /** A target at a random offset from the prediction, with |d| drawn from [0.1, 3] away from each of {@code avoid}. */
    static Variable[] regression(Backend b, Rng rng, double... avoid) {
        int n = 1 + rng.nextInt(4), c = 2 + rng.nextInt(3);
        Tensor p = values(b, rng, n, c, -2, 2);
        double[] d = new double[n * c];
        for (int i = 0; i < d.length; i++) d[i] = draw(rng, 0.1, 3, avoid) * (rng.nextBernoulli(0.5) ? 1 : -1);
        Tensor t = p.sub(Tensor.on(b, DType.FLOAT64).of(d).reshape(n, c));
        return new Variable[] {Variable.parameter(p), Variable.parameter(t)};
    }

    static Tensor labels(Backend b, Rng rng, int n, int c, int ignoreIndex) {
        int[] k = new int[n];
        for (int i = 0; i < n; i++) k[i] = i == 0 ? 0 : rng.nextBernoulli(0.25) ? ignoreIndex : rng.nextInt(c);
        return Tensor.on(b, DType.INT32).of(k);
    }

    static Tensor soft(Backend b, Rng rng, int n, int c) {
        return Variable.constant(values(b, rng, n, c, -2, 2)).softmax(1).value(); // Tensor has no softmax
    }

    static List<Spec> specs() {
        return List.of(
                new Spec("mse", (red, b) -> Losses.mse(red), (b, r) -> regression(b, r)),
                new Spec("mae", (red, b) -> Losses.mae(red), (b, r) -> regression(b, r)),
                new Spec("huber(1)", (red, b) -> Losses.huber(1, red), (b, r) -> regression(b, r, 1)),
                new Spec("huber(0.4)", (red, b) -> Losses.huber(0.4, red), (b, r) -> regression(b, r, 0.4)),
                new Spec("smoothL1(1)", (red, b) -> Losses.smoothL1(1, red), (b, r) -> regression(b, r, 1)),
                new Spec("smoothL1(0.4)", (red, b) -> Losses.smoothL1(0.4, red), (b, r) -> regression(b, r, 0.4)),
                new Spec("binaryCrossEntropy", (red, b) -> Losses.binaryCrossEntropy(red), (b, r) -> {
                    int n = 1 + r.nextInt(4), c = 1 + r.nextInt(3);
                    return new Variable[] {Variable.parameter(values(b, r, n, c, 0.05, 0.95)),
                        Variable.parameter(values(b, r, n, c, 0, 1))};
                }),
                new Spec("binaryCrossEntropyWithLogits", (red, b) -> Losses.binaryCrossEntropyWithLogits(red), (b, r) -> {
                    int n = 1 + r.nextInt(4), c = 1 + r.nextInt(3);
                    return new Variable[] {Variable.parameter(values(b, r, n, c, -4, 4, 0)),
                        Variable.parameter(values(b, r, n, c, 0, 1))};
                }),
                new Spec("binaryCrossEntropyWithLogits(posWeight)",
                        (red, b) -> Losses.binaryCrossEntropyWithLogits(
                                Tensor.on(b, DType.FLOAT64).of(new double[] {2.5, 0.5, 1.5}), red),
                        (b, r) -> new Variable[] {Variable.parameter(values(b, r, 2, 3, -4, 4, 0)),
                            Variable.parameter(values(b, r, 2, 3, 0, 1))}),
                new Spec("crossEntropy(labels, smoothing, ignore)",
                        (red, b) -> Losses.crossEntropy(red, 0.1, -1), (b, r) -> {
                            int n = 1 + r.nextInt(4), c = 2 + r.nextInt(3);
                            return new Variable[] {Variable.parameter(values(b, r, n, c, -3, 3)),
                                Variable.constant(labels(b, r, n, c, -1))};
                        }),
                new Spec("crossEntropy(soft, smoothing)", (red, b) -> Losses.crossEntropy(red, 0.2), (b, r) -> {
                    int n = 1 + r.nextInt(4), c = 2 + r.nextInt(3);
                    return new Variable[] {Variable.parameter(values(b, r, n, c, -3, 3)),
                        Variable.parameter(soft(b, r, n, c))};
                }),
                new Spec("categoricalCrossEntropy", (red, b) -> Losses.categoricalCrossEntropy(red), (b, r) -> {
                    int n = 1 + r.nextInt(4), c = 2 + r.nextInt(3);
                    return new Variable[] {Variable.parameter(values(b, r, n, c, 0.05, 0.95)),
                        Variable.parameter(soft(b, r, n, c))};
                }),
                new Spec("nll", (red, b) -> Losses.nll(red, 1), (b, r) -> {
                    int n = 1 + r.nextInt(4), c = 2 + r.nextInt(3);
                    return new Variable[] {Variable.parameter(values(b, r, n, c, -3, 0)),
                        Variable.constant(labels(b, r, n, c, 1))};
                }));
    }

    static final int DRAWS = 2;

    static List<Backend> backends() {
        return TestBackends.all();
    }

    /** One gradient check of a loss, with a reduction, on a backend, of the inputs drawn from a seed. */
    interface Check {
        void run(GradCheck.Fn fn, Variable[] inputs);
    }

    /**
     * Every loss, backend, reduction and draw (exhaustively, one named test each, so a failure names the case and
     * its input seed).
     */
    private static Stream<DynamicTest> cases(Check check) {
        List<Backend> backends = backends();
        return specs().stream().flatMap(spec -> backends.stream().flatMap(backend ->
                Arrays.stream(Reduction.values()).flatMap(reduction -> IntStream.rangeClosed(1, DRAWS).mapToObj(draw -> {
                    long seed = draw * 1_000_003L + spec.label().hashCode();
                    String name = spec.label() + " " + reduction + " on " + backend.name() + ", draw " + draw
                            + " (seed " + seed + ")";
                    return DynamicTest.dynamicTest(name, () -> {
                        try {
                            check.run(fn(spec, reduction, backend), spec.inputs().apply(backend, new Rng(seed)));
                        } catch (AssertionError e) {
                            throw new AssertionError(name + ": " + e.getMessage(), e);
                        }
                    });
                }))));
    }

    private static GradCheck.Fn fn(Spec spec, Reduction reduction, Backend backend) {
        Loss loss = spec.loss().apply(reduction, backend);
        return in -> loss.apply(in[0], in[1]);
    }

    @TestFactory
    Stream<DynamicTest> firstDerivativesMatchFiniteDifferences() {
        return cases((fn, in) -> assertTrue(GradCheck.check(fn, in).compared() > 0));
    }

    @TestFactory
    Stream<DynamicTest> secondDerivativesMatchFiniteDifferences() {
        return cases((fn, in) -> assertTrue(GradCheck.checkSecondOrder(fn, in).compared() > 0));
    }
}
