package dev.descent.nn.losses;

import dev.descent.core.testing.TestBackends;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed values, identities between the losses, the documented edge conventions and the bad-input messages. */
class LossesTest {
    private static final Backend DEFAULT = Backends.get();

    static List<Backend> backends() {
        return TestBackends.all();
    }

    private static Tensor f64(Backend b, double[] v, int... shape) {
        return Tensor.on(b, DType.FLOAT64).of(v, shape);
    }

    private static Tensor f64(double[] v, int... shape) {
        return f64(DEFAULT, v, shape);
    }

    private static Tensor labels(Backend b, int... k) {
        return Tensor.on(b, DType.INT32).of(k);
    }

    private static Variable param(Tensor t) {
        return Variable.parameter(t);
    }

    private static Variable constant(Tensor t) {
        return Variable.constant(t);
    }

    private static void assertClose(double[] expected, Tensor actual, double tol) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, "size");
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    // ---------------------------------------------------------------- values by hand

    @Test
    void regressionLossesByHand() {
        Variable p = param(f64(new double[] {1, 2, 3, 4}, 2, 2));
        Variable t = constant(f64(new double[] {1.5, 0, 3, 7}, 2, 2)); // d = -0.5, 2, 0, -3
        assertEquals((0.25 + 4 + 0 + 9) / 4, Losses.mse().apply(p, t).value().item(), 1e-15);
        assertEquals(0.5 + 2 + 0 + 3, Losses.mae(Reduction.SUM).apply(p, t).value().item(), 1e-15);
        // huber(1): 0.125, 1.5, 0, 2.5; smoothL1(2): 0.0625, 1, 0, 2
        assertClose(new double[] {0.125, 1.5, 0, 2.5}, Losses.huber(1, Reduction.NONE).apply(p, t).value(), 1e-15);
        assertClose(new double[] {0.0625, 1, 0, 2}, Losses.smoothL1(2, Reduction.NONE).apply(p, t).value(), 1e-15);
        assertEquals(Shape.of(2, 2), Losses.mse(Reduction.NONE).apply(p, t).shape());
    }

    @Test
    void smoothL1IsHuberOverBetaAndDefaultsAreOne() {
        Tensor p = f64(new double[] {0.3, -2, 1, 0.7, 5, -1.2}, 2, 3), t = p.zerosLike();
        for (double beta : new double[] {0.5, 1, 2.5}) {
            Tensor smooth = Losses.smoothL1(beta, Reduction.NONE).apply(constant(p), constant(t)).value();
            Tensor huber = Losses.huber(beta, Reduction.NONE).apply(constant(p), constant(t)).value();
            assertClose(huber.div(beta).toDoubleArray(), smooth, 1e-15);
        }
        assertEquals(Losses.huber(1, Reduction.MEAN).apply(constant(p), constant(t)).value().item(),
                Losses.huber().apply(constant(p), constant(t)).value().item());
        assertEquals(Losses.smoothL1(1, Reduction.MEAN).apply(constant(p), constant(t)).value().item(),
                Losses.smoothL1().apply(constant(p), constant(t)).value().item());
    }

    @Test
    void crossEntropyOfLogitsNear1e7KeepsTwelveDigits() {
        for (Backend b : backends()) {
            // logits (-1e7, -1e7 + 1) and (1e7 - 1, 1e7): the losses are log1p(e^-1) + 1 and log1p(e^-1)
            Tensor z = f64(b, new double[] {-1e7, -1e7 + 1, 1e7 - 1, 1e7}, 2, 2);
            double[] expected = {Math.log1p(Math.exp(-1)) + 1, Math.log1p(Math.exp(-1))};
            double[] got = Losses.crossEntropy(Reduction.NONE).apply(param(z), constant(labels(b, 0, 1))).value()
                    .toDoubleArray();
            for (int i = 0; i < 2; i++) {
                double relative = Math.abs(got[i] - expected[i]) / expected[i];
                assertTrue(relative <= 1e-12, b.name() + " sample " + i + ": " + got[i] + " against " + expected[i]);
            }
        }
    }

    @Test
    void crossEntropyByHandAndOneHotEqualsLabels() {
        for (Backend b : backends()) {
            Tensor z = f64(b, new double[] {1, 2, 3, 0, 0, 0}, 2, 3);
            double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
            double[] expected = {lse - 3, Math.log(3)};
            Variable byLabel = Losses.crossEntropy(Reduction.NONE).apply(param(z), constant(labels(b, 2, 1)));
            assertClose(expected, byLabel.value(), 1e-15);
            Tensor oneHot = labels(b, 2, 1).oneHot(3, DType.FLOAT64);
            assertClose(expected, Losses.crossEntropy(Reduction.NONE).apply(param(z), constant(oneHot)).value(), 1e-15);
            // smoothing 0.3 with labels: 0.7 nll + 0.1 * (-sum logP)
            double[] smoothed = {0.7 * (lse - 3) + 0.1 * (3 * lse - 6), 0.7 * Math.log(3) + 0.1 * 3 * Math.log(3)};
            assertClose(smoothed, Losses.crossEntropy(Reduction.NONE, 0.3)
                    .apply(param(z), constant(labels(b, 2, 1))).value(), 1e-14);
        }
    }

    @Test
    void categoricalCrossEntropyEqualsCrossEntropyOfTheLogitsAfterSoftmax() {
        for (Backend b : backends()) {
            Tensor z = f64(b, new double[] {0.3, -1.2, 2.0, 1.1, 0.0, -0.4, 5.0, 4.0, -3.0}, 3, 3);
            Tensor soft = f64(b, new double[] {0.2, 0.5, 0.3, 0, 0, 1, 0.6, 0.1, 0.3}, 3, 3);
            for (Tensor target : List.of(soft, labels(b, 2, 0, 1))) {
                for (Reduction r : Reduction.values()) {
                    Variable z1 = param(z), z2 = param(z);
                    Variable ce = Losses.crossEntropy(r).apply(z1, constant(target));
                    Variable cce = Losses.categoricalCrossEntropy(r).apply(z2.softmax(1), constant(target));
                    assertClose(ce.value().toDoubleArray(), cce.value(), 1e-13);
                    ce.sum().backward();
                    cce.sum().backward();
                    assertClose(z1.grad().toDoubleArray(), z2.grad(), 1e-13);
                }
            }
        }
    }

    @Test
    void binaryCrossEntropyEqualsTheLogitsFormAfterSigmoid() {
        for (Backend b : backends()) {
            Tensor z = f64(b, new double[] {-6, -1.5, 0, 0.7, 3, 9}, 2, 3);
            Tensor y = f64(b, new double[] {0, 1, 0.5, 0.25, 1, 0}, 2, 3);
            Variable z1 = param(z), z2 = param(z);
            Variable logits = Losses.binaryCrossEntropyWithLogits(Reduction.NONE).apply(z1, constant(y));
            Variable probs = Losses.binaryCrossEntropy(Reduction.NONE).apply(z2.sigmoid(), constant(y));
            assertClose(logits.value().toDoubleArray(), probs.value(), 1e-12);
            logits.sum().backward();
            probs.sum().backward();
            assertClose(z1.grad().toDoubleArray(), z2.grad(), 1e-12);
        }
    }

    @Test
    void binaryCrossEntropyWithLogitsStaysFiniteAndExactForHugeLogits() {
        Variable z = param(f64(new double[] {1000, -1000, 1000, -1000}));
        Variable y = constant(f64(new double[] {1, 1, 0, 0}));
        Variable l = Losses.binaryCrossEntropyWithLogits(Reduction.NONE).apply(z, y);
        assertArrayEquals(new double[] {0, 1000, 1000, 0}, l.value().toDoubleArray());
        l.sum().backward();
        assertArrayEquals(new double[] {0, -1, 1, 0}, z.grad().toDoubleArray());
    }

    // ---------------------------------------------------------------- documented edge conventions

    @Test
    void binaryCrossEntropyAtZeroAndOneIsClampedWithFiniteGradients() {
        Variable p = param(f64(new double[] {0, 1, 0, 1}));
        Variable y = param(f64(new double[] {1, 0, 0, 1}));
        Variable l = Losses.binaryCrossEntropy(Reduction.NONE).apply(p, y);
        assertClose(new double[] {100, 100, 0, 0}, l.value(), 0);
        l.sum().backward();
        double inverseEpsilon = 1 / (double) 1e-12f;
        assertClose(new double[] {-inverseEpsilon, inverseEpsilon, 0, 0}, p.grad(), 0);
        // d/dy = max(log(1 - p), -100) - max(log p, -100): finite where PyTorch returns infinities
        assertClose(new double[] {100, -100, 100, -100}, y.grad(), 0);
    }

    @Test
    void categoricalCrossEntropyAtZeroProbabilityIsClampedWithAZeroGradient() {
        Variable p = param(f64(new double[] {0, 1, 0, 1, 0, 0}, 2, 3));
        Variable y = constant(f64(new double[] {1, 0, 0, 1, 0, 0}, 2, 3));
        Variable l = Losses.categoricalCrossEntropy(Reduction.NONE).apply(p, y);
        assertClose(new double[] {100, 0}, l.value(), 1e-14);
        l.sum().backward();
        assertClose(new double[] {0, 0, 0, -1, 0, 0}, p.grad(), 0);
    }

    @Test
    void smoothL1WithBetaZeroIsL1WithAZeroGradientAtZero() {
        Variable p = param(f64(new double[] {0, 2, -3}));
        Variable l = Losses.smoothL1(0, Reduction.SUM).apply(p, constant(f64(new double[] {0, 0, 0})));
        assertEquals(5, l.value().item());
        l.backward();
        assertArrayEquals(new double[] {0, 1, -1}, p.grad().toDoubleArray());
    }

    @Test
    void everySampleIgnoredGivesNaNForMeanAndZeroOtherwise() {
        Tensor z = f64(new double[] {1, 2, 3, 4}, 2, 2);
        Variable k = constant(labels(DEFAULT, -100, -100));
        assertTrue(Double.isNaN(Losses.crossEntropy().apply(param(z), k).value().item()));
        assertEquals(0, Losses.crossEntropy(Reduction.SUM).apply(param(z), k).value().item());
        assertArrayEquals(new double[] {0, 0}, Losses.nll(Reduction.NONE).apply(param(z), k).value().toDoubleArray());
    }

    @Test
    void ignoredSamplesGetNoGradientEvenWithInfiniteLogProbabilities() {
        Variable logP = param(f64(new double[] {Double.NEGATIVE_INFINITY, -1, -0.5, -2}, 2, 2));
        Variable l = Losses.nll(Reduction.MEAN, 0).apply(logP, constant(labels(DEFAULT, 0, 1)));
        assertEquals(2, l.value().item());
        l.backward();
        assertArrayEquals(new double[] {0, 0, 0, -1}, logP.grad().toDoubleArray());
    }

    @Test
    void classLossesReduceToOneValuePerSampleWithNone() {
        Tensor z = Tensor.on(DEFAULT, DType.FLOAT64).zeros(2, 3, 4);
        Variable k = constant(Tensor.on(DEFAULT, DType.INT32).zeros(2, 4));
        Variable l = Losses.crossEntropy(Reduction.NONE).apply(param(z), k);
        assertEquals(Shape.of(2, 4), l.shape());
        assertClose(new double[] {Math.log(3)}, Losses.crossEntropy().apply(param(z), k).value(), 1e-15);
        // unbatched: logits (C) and a scalar label
        Variable one = Losses.crossEntropy().apply(param(f64(new double[] {0, 0})),
                constant(Tensor.on(DEFAULT, DType.INT32).of(new int[] {1}).reshape()));
        assertEquals(Math.log(2), one.value().item(), 1e-15);
    }

    @Test
    void classWeightsScaleEachSampleAndMeanDividesByTheirSum() {
        // logits 0: -logP = log 3 for every class; labels 0, 2; weights (1, 5, 3): mean = (1 + 3) log 3 / (1 + 3)
        Variable z = param(Tensor.on(DEFAULT, DType.FLOAT64).zeros(2, 3));
        Tensor w = f64(new double[] {1, 5, 3}, 3);
        Variable k = constant(labels(DEFAULT, 0, 2));
        assertClose(new double[] {Math.log(3), 3 * Math.log(3)},
                Losses.crossEntropy(w, Reduction.NONE, 0, Losses.IGNORE_INDEX).apply(z, k).value(), 1e-15);
        assertEquals(Math.log(3), Losses.crossEntropy(w, Reduction.MEAN, 0, Losses.IGNORE_INDEX).apply(z, k).value()
                .item(), 1e-15);
        assertEquals(4 * Math.log(3), Losses.nll(w, Reduction.SUM, Losses.IGNORE_INDEX)
                .apply(param(f64(new double[] {-Math.log(3), 0, 0, 0, 0, -Math.log(3)}, 2, 3)), k).value().item(), 1e-15);
        // an empty batch: torch gives nan for mean (0 / 0) and 0 for sum
        Variable none = param(Tensor.on(DEFAULT, DType.FLOAT64).zeros(0, 3));
        Variable noLabels = constant(Tensor.on(DEFAULT, DType.INT32).zeros(0));
        assertTrue(Double.isNaN(Losses.crossEntropy(w, Reduction.MEAN, 0, Losses.IGNORE_INDEX).apply(none, noLabels)
                .value().item()));
        assertEquals(0, Losses.nll(w, Reduction.SUM, Losses.IGNORE_INDEX).apply(none, noLabels).value().item());
    }

    @Test
    void aClassWeightOfTheWrongShapeOrDtypeIsRefused() {
        Variable z = param(Tensor.on(DEFAULT, DType.FLOAT64).zeros(2, 3));
        Variable k = constant(labels(DEFAULT, 0, 2));
        var shape = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(f64(new double[] {1, 2}, 2),
                Reduction.MEAN, 0, Losses.IGNORE_INDEX).apply(z, k));
        assertTrue(shape.getMessage().contains("crossEntropy: expected a class weight of shape (3) for prediction "
                + "(2, 3), got (2,)"), shape.getMessage());
        var dtype = assertThrows(IllegalArgumentException.class, () -> Losses.nll(Tensor.on(DEFAULT, DType.FLOAT32)
                .ones(3), Reduction.MEAN, Losses.IGNORE_INDEX).apply(z, k));
        assertTrue(dtype.getMessage().startsWith("nll: expected a class weight of the prediction's dtype float64")
                && dtype.getMessage().contains("got float32"), dtype.getMessage());
    }

    @Test
    void float32InFloat32Out() {
        Tensor p = Tensor.on(DEFAULT, DType.FLOAT32).of(new double[] {0.1, 0.9, 0.4}, 1, 3);
        Tensor y = Tensor.on(DEFAULT, DType.FLOAT32).of(new double[] {0, 1, 0}, 1, 3);
        for (Loss loss : List.of(Losses.mse(), Losses.binaryCrossEntropy(), Losses.crossEntropy(),
                Losses.categoricalCrossEntropy(), Losses.binaryCrossEntropyWithLogits())) {
            Variable l = loss.apply(param(p), constant(y));
            assertEquals(DType.FLOAT32, l.dtype(), loss.toString());
            Variable l64 = loss.apply(param(p.to(DType.FLOAT64)), constant(y.to(DType.FLOAT64)));
            assertEquals(l64.value().item(), l.value().item(), 1e-6, loss.toString());
        }
    }

    @Test
    void lossesDescribeThemselves() {
        assertEquals("huber(delta=0.5, SUM)", Losses.huber(0.5, Reduction.SUM).toString());
        assertEquals("crossEntropy(MEAN, labelSmoothing=0.1, ignoreIndex=-100)",
                Losses.crossEntropy(Reduction.MEAN, 0.1).toString());
    }

    // ---------------------------------------------------------------- bad input

    static Stream<Arguments> mismatchedShapes() {
        Tensor a23 = f64(new double[6], 2, 3), a32 = f64(new double[6], 3, 2), a3 = f64(new double[3], 3);
        Tensor a13 = f64(new double[3], 1, 3), half23 = a23.add(0.5);
        return Stream.of(
                Arguments.of("mse", Losses.mse(), a23, a32),
                Arguments.of("mse", Losses.mse(), a23, a3),
                Arguments.of("mae", Losses.mae(), a23, a13),
                Arguments.of("huber", Losses.huber(), a3, a23),
                Arguments.of("smoothL1", Losses.smoothL1(), a23, a32),
                Arguments.of("binaryCrossEntropy", Losses.binaryCrossEntropy(), half23, a13),
                Arguments.of("binaryCrossEntropyWithLogits", Losses.binaryCrossEntropyWithLogits(), a23, a3),
                Arguments.of("crossEntropy", Losses.crossEntropy(), a23, a32),
                Arguments.of("crossEntropy", Losses.crossEntropy(), a23, labels(DEFAULT, 0, 1, 2)),
                Arguments.of("categoricalCrossEntropy", Losses.categoricalCrossEntropy(), half23, a13),
                Arguments.of("categoricalCrossEntropy", Losses.categoricalCrossEntropy(), half23,
                        labels(DEFAULT, 0, 1).reshape(2, 1)),
                Arguments.of("nll", Losses.nll(), a23, labels(DEFAULT, 0)));
    }

    @ParameterizedTest
    @MethodSource("mismatchedShapes")
    void mismatchedShapesAreAnErrorNamingTheLossAndBothShapes(String name, Loss loss, Tensor p, Tensor t) {
        var e = assertThrows(IllegalArgumentException.class, () -> loss.apply(param(p), constant(t)));
        assertTrue(e.getMessage().startsWith(name + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(p.shape().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(t.shape().toString()), e.getMessage());
    }

    static Stream<Arguments> badLabels() {
        Tensor z = f64(new double[6], 2, 3);
        return Stream.of(
                Arguments.of("crossEntropy", Losses.crossEntropy(), z, labels(DEFAULT, 0, 3), "class label 3"),
                Arguments.of("crossEntropy", Losses.crossEntropy(), z, labels(DEFAULT, -1, 0), "class label -1"),
                Arguments.of("crossEntropy", Losses.crossEntropy(Reduction.MEAN, 0, 5), z, labels(DEFAULT, 0, -100),
                        "class label -100"),
                Arguments.of("nll", Losses.nll(), z, labels(DEFAULT, 1, 7), "class label 7"),
                Arguments.of("categoricalCrossEntropy", Losses.categoricalCrossEntropy(), z.add(0.2),
                        labels(DEFAULT, 3, 0), "class label 3"),
                Arguments.of("nll", Losses.nll(), z, f64(new double[6], 2, 3), "INT32"),
                Arguments.of("crossEntropy", Losses.crossEntropy(Reduction.MEAN, 0, 1), z, f64(new double[6], 2, 3),
                        "ignoreIndex (1)"));
    }

    @ParameterizedTest
    @MethodSource("badLabels")
    void labelsOutOfRangeOrOfTheWrongKindAreAnError(String name, Loss loss, Tensor p, Tensor t, String says) {
        var e = assertThrows(IllegalArgumentException.class, () -> loss.apply(param(p), constant(t)));
        assertTrue(e.getMessage().startsWith(name + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void dtypesBackendsAndProbabilityRangesAreChecked() {
        Tensor p64 = f64(new double[] {0.2, 0.4}), p32 = p64.to(DType.FLOAT32);
        var dtype = assertThrows(IllegalArgumentException.class, () -> Losses.mse().apply(param(p64), constant(p32)));
        assertTrue(dtype.getMessage().contains("float64") && dtype.getMessage().contains("float32"), dtype.getMessage());
        var backend = assertThrows(IllegalArgumentException.class,
                () -> Losses.mae().apply(param(p64), constant(p64.to(TestBackends.foreign()))));
        assertTrue(backend.getMessage().startsWith("mae: ") && backend.getMessage().contains("backends"));
        var ints = assertThrows(IllegalArgumentException.class,
                () -> Losses.mse().apply(constant(labels(DEFAULT, 1, 2)), constant(labels(DEFAULT, 1, 2))));
        assertTrue(ints.getMessage().startsWith("mse: ") && ints.getMessage().contains("int32"), ints.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> Losses.binaryCrossEntropy()
                .apply(param(f64(new double[] {0.5, 1.5})), constant(p64)));
        assertTrue(range.getMessage().contains("[0, 1]") && range.getMessage().contains("1.5"), range.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> Losses.categoricalCrossEntropy()
                .apply(param(f64(new double[] {-0.1, 1.1}, 1, 2)), constant(f64(new double[] {0, 1}, 1, 2))));
        assertTrue(negative.getMessage().contains("-0.1"), negative.getMessage());
        var weight = assertThrows(IllegalArgumentException.class, () -> Losses.binaryCrossEntropyWithLogits(
                f64(new double[] {1, 2}), Reduction.MEAN).apply(param(f64(new double[3])), constant(f64(new double[3]))));
        assertTrue(weight.getMessage().contains("posWeight (2,)") && weight.getMessage().contains("(3,)"),
                weight.getMessage());
        var weightKind = assertThrows(IllegalArgumentException.class, () -> Losses.binaryCrossEntropyWithLogits(
                f64(new double[] {1, 2, 3}).to(DType.FLOAT32), Reduction.MEAN)
                .apply(param(f64(new double[3])), constant(f64(new double[3]))));
        assertTrue(weightKind.getMessage().contains("posWeight float32"), weightKind.getMessage());
        var scalar = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy().apply(param(Tensor.on(DEFAULT, DType.FLOAT64).scalar(1)),
                        constant(labels(DEFAULT, 0).reshape())));
        assertTrue(scalar.getMessage().contains("class axis"), scalar.getMessage());
    }

    @Test
    void hyperParametersAreChecked() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Losses.huber(bad));
            assertTrue(e.getMessage().startsWith("huber: delta must be"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Losses.smoothL1(-0.5));
        assertThrows(IllegalArgumentException.class, () -> Losses.smoothL1(Double.NaN));
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Reduction.MEAN, bad));
            assertTrue(e.getMessage().contains("labelSmoothing"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(null));
        assertEquals("mse: reduction must not be null", e.getMessage());
        var nulls = assertThrows(IllegalArgumentException.class, () -> Losses.mse().apply(null, param(f64(new double[1]))));
        assertTrue(nulls.getMessage().startsWith("mse: "), nulls.getMessage());
    }
}
