package dev.descent.nn.losses;

import dev.descent.core.testing.TestBackends;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.GoldenCases;
import dev.descent.core.testing.GoldenCases.Case;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every loss, for every reduction, against PyTorch in float64 on both backends: the reference file is written
 * offline by {@code src/test/python/generate_loss_goldens.py}. Each case checks the loss {@code y} and the gradients
 * of {@code sum(y * w)} to {@code 1e-10} relative, with an absolute floor of {@code 1e-10 * max(1, |ref|)}; the
 * worst error per loss is printed at the end.
 */
class LossesGoldenTest {
    private static final double TOL = 1e-10;
    private static final Map<String, Double> WORST = new TreeMap<>();


    /** A golden case's base name to the Descent loss it checks, given the reduction. */
    private static final Map<String, BiFunction<Reduction, Variable[], Variable>> LOSSES = new HashMap<>();

    private static void loss(String base, BiFunction<Reduction, Variable[], Variable> f) {
        LOSSES.put(base, f);
    }

    private static Variable apply(Loss loss, Variable[] x) {
        return loss.apply(x[0], x[1]);
    }

    static {
        loss("mse", (r, x) -> apply(Losses.mse(r), x));
        loss("mae", (r, x) -> apply(Losses.mae(r), x));
        loss("huber_delta1", (r, x) -> apply(Losses.huber(1.0, r), x));
        loss("huber_delta_half", (r, x) -> apply(Losses.huber(0.5, r), x));
        loss("huber_delta2_5", (r, x) -> apply(Losses.huber(2.5, r), x));
        loss("smooth_l1_beta1", (r, x) -> apply(Losses.smoothL1(1.0, r), x));
        loss("smooth_l1_beta_half", (r, x) -> apply(Losses.smoothL1(0.5, r), x));
        loss("smooth_l1_beta2_5", (r, x) -> apply(Losses.smoothL1(2.5, r), x));
        loss("smooth_l1_beta0", (r, x) -> apply(Losses.smoothL1(0.0, r), x));
        loss("bce", (r, x) -> apply(Losses.binaryCrossEntropy(r), x));
        loss("bce_edges", (r, x) -> apply(Losses.binaryCrossEntropy(r), x));
        loss("bce_logits", (r, x) -> apply(Losses.binaryCrossEntropyWithLogits(r), x));
        loss("bce_logits_edges", (r, x) -> apply(Losses.binaryCrossEntropyWithLogits(r), x));
        loss("bce_logits_pos_weight", (r, x) -> apply(Losses.binaryCrossEntropyWithLogits(x[2].value(), r), x));
        loss("bce_logits_pos_weight_target_grad",
                (r, x) -> apply(Losses.binaryCrossEntropyWithLogits(x[2].value(), r), x));
        loss("ce_labels", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("ce_labels_large", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("ce_onehot", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("ce_soft", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("ce_soft_large", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("ce_smoothing", (r, x) -> apply(Losses.crossEntropy(r, 0.1), x));
        loss("ce_soft_smoothing", (r, x) -> apply(Losses.crossEntropy(r, 0.2), x));
        loss("ce_ignore", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("ce_ignore_smoothing", (r, x) -> apply(Losses.crossEntropy(r, 0.15, 2), x));
        loss("ce_rank3", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("ce_rank3_soft_smoothing", (r, x) -> apply(Losses.crossEntropy(r, 0.1), x));
        loss("ce_unbatched", (r, x) -> apply(Losses.crossEntropy(r), x));
        loss("cce", (r, x) -> apply(Losses.categoricalCrossEntropy(r), x));
        loss("cce_edges", (r, x) -> apply(Losses.categoricalCrossEntropy(r), x));
        loss("cce_labels", (r, x) -> apply(Losses.categoricalCrossEntropy(r), x));
        loss("nll", (r, x) -> apply(Losses.nll(r), x));
        loss("nll_ignore", (r, x) -> apply(Losses.nll(r), x));
        loss("nll_ignore_custom", (r, x) -> apply(Losses.nll(r, 1), x));
        loss("ce_weight", (r, x) -> apply(Losses.crossEntropy(x[2].value(), r, 0, Losses.IGNORE_INDEX), x));
        loss("ce_weight_ignore_smoothing", (r, x) -> apply(Losses.crossEntropy(x[2].value(), r, 0.15, 2), x));
        loss("ce_weight_rank3_ignore",
                (r, x) -> apply(Losses.crossEntropy(x[2].value(), r, 0, Losses.IGNORE_INDEX), x));
        loss("ce_weight_soft_smoothing",
                (r, x) -> apply(Losses.crossEntropy(x[2].value(), r, 0.2, Losses.IGNORE_INDEX), x));
        loss("ce_weight_unbatched",
                (r, x) -> apply(Losses.crossEntropy(x[2].value(), r, 0.1, Losses.IGNORE_INDEX), x));
        loss("nll_weight_ignore", (r, x) -> apply(Losses.nll(x[2].value(), r, Losses.IGNORE_INDEX), x));
    }

    static List<Case> load(Backend backend) throws IOException {
        return GoldenCases.load(LossesGoldenTest.class, "/losses/losses.txt", backend);
    }

    private static String base(String name) {
        return name.substring(0, name.lastIndexOf('_'));
    }

    private static Reduction reduction(String name) {
        return Reduction.valueOf(name.substring(name.lastIndexOf('_') + 1).toUpperCase(Locale.ROOT));
    }

    @Test
    void everyGoldenCaseHasADescentLossAndEveryLossHasAllThreeReductions() throws IOException {
        Map<String, TreeSet<Reduction>> golden = new TreeMap<>();
        for (Case c : load(Backends.get())) {
            golden.computeIfAbsent(base(c.name()), k -> new TreeSet<>()).add(reduction(c.name()));
        }
        assertEquals(new TreeSet<>(LOSSES.keySet()), golden.keySet());
        for (var e : golden.entrySet()) assertEquals(3, e.getValue().size(), e.getKey() + " reductions");
    }

    @TestFactory
    List<DynamicTest> matchesPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : TestBackends.all()) {
            for (Case c : load(backend)) {
                tests.add(DynamicTest.dynamicTest(c.name() + " on " + backend.name(), () -> check(c)));
            }
        }
        return tests;
    }

    private static void check(Case c) {
        BiFunction<Reduction, Variable[], Variable> f = LOSSES.get(base(c.name()));
        assertNotNull(f, "no Descent loss for golden case " + c.name());
        Variable[] x = new Variable[c.inputs().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = c.kinds().get(i).equals("param") ? Variable.parameter(c.inputs().get(i))
                    : Variable.constant(c.inputs().get(i));
        }
        Variable y = f.apply(reduction(c.name()), x);
        compare(c.name(), "output", c.output(), y.value());
        y.mul(Variable.constant(c.weight())).sum().backward();
        for (var e : c.grads().entrySet()) {
            compare(c.name(), "grad of input " + e.getKey(), e.getValue(), x[e.getKey()].grad());
        }
    }

    private static void compare(String name, String what, Tensor expected, Tensor actual) {
        assertNotNull(actual, name + " " + what + ": no gradient");
        assertEquals(expected.shape(), actual.shape(), name + " " + what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
                if (Double.compare(e[i], a[i]) != 0) {
                    fail(name + " " + what + " element " + i + ": expected " + e[i] + ", got " + a[i]);
                }
                continue;
            }
            double err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            record(base(name), err);
            if (!(err <= TOL)) {
                fail(name + " " + what + " element " + i + ": expected " + e[i] + ", got " + a[i]
                        + " (relative error " + err + ")");
            }
        }
    }

    private static synchronized void record(String base, double err) {
        WORST.merge(base, err, Math::max);
    }

    @AfterAll
    static synchronized void report() {
        StringBuilder sb = new StringBuilder("Loss goldens against PyTorch, worst relative error (tolerance 1e-10):");
        WORST.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%n  %-34s %.3e", k, v)));
        System.out.println(sb);
    }
}
