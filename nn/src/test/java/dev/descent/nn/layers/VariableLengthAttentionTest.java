package dev.descent.nn.layers;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.TestBackends;
import dev.descent.nn.Module;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Variable-length batches: sequences of different lengths padded to one length and run with a key-padding mask give,
 * at every valid position, the outputs and the input gradients of running each sequence alone, the parameters'
 * gradients of the batch equal the sum of the single runs', and the padded positions receive exactly zero gradient,
 * for MultiheadAttention (sequence- and batch-first) and 2-layer TransformerEncoders (post-norm ReLU with a causal
 * mask, pre-norm GELU batch-first), on every backend in float64.
 */
class VariableLengthAttentionTest {
    private static final int[] LENGTHS = {5, 2, 4, 1};
    private static final int MAX = 5, D = 6;
    private static final double TOL = 1e-12;

    /** The layer under test: its forward on {@code x} with padding and, if causal, a causal mask. */
    private interface Model {
        Variable forward(Variable x, Tensor padding, boolean causal);
    }

    private record Setup(String name, Function<TensorFactory, Module> make, boolean batchFirst, boolean causal) {
    }

    private static final List<Setup> SETUPS = List.of(
            new Setup("MultiheadAttention", f -> new MultiheadAttention(f, D, 2, 0.0, true, false, false, D, D, false,
                    new Rng(1)), false, false),
            new Setup("MultiheadAttention batch_first causal", f -> new MultiheadAttention(f, D, 3, 0.0, true, false,
                    false, D, D, true, new Rng(2)), true, true),
            new Setup("TransformerEncoder post-norm relu causal", f -> new TransformerEncoder(
                    new TransformerEncoderLayer(f, D, 2, 8, 0.0, "relu", 1e-5, false, false, true, new Rng(3)), 2,
                    new LayerNorm(f, new int[] {D}, 1e-5, true), new Rng(4)), false, true),
            new Setup("TransformerEncoder pre-norm gelu batch_first", f -> new TransformerEncoder(
                    new TransformerEncoderLayer(f, D, 3, 8, 0.0, "gelu", 1e-5, true, true, true, new Rng(5)), 2, null,
                    new Rng(6)), true, false));

    private static Model model(Module m) {
        return (x, padding, causal) -> {
            if (m instanceof MultiheadAttention a) return a.forward(x, x, x, padding, false, null, true, causal).output();
            return ((TransformerEncoder) m).forward(x, null, padding, causal);
        };
    }

    @TestFactory
    List<DynamicTest> paddedBatchesEqualSequencesRunAlone() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : TestBackends.all()) {
            for (Setup s : SETUPS) {
                tests.add(DynamicTest.dynamicTest(s.name() + " on " + backend.name(), () -> check(s, backend)));
            }
        }
        return tests;
    }

    private static void check(Setup s, Backend backend) {
        TensorFactory f = Tensor.on(backend, DType.FLOAT64);
        Rng rng = new Rng(77);
        Module m = s.make().apply(f);
        randomize(m, f, rng);
        Model model = model(m);
        int n = LENGTHS.length, seq = s.batchFirst() ? 1 : 0, batch = 1 - seq;
        int[] dims = s.batchFirst() ? new int[] {n, MAX, D} : new int[] {MAX, n, D};
        Variable x = Variable.parameter(f.uniform(rng, -1, 1, dims));
        Tensor w = f.uniform(rng, -1, 1, dims);
        int[] pad = new int[n * MAX];
        double[] valid = new double[MAX * n];
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < MAX; t++) {
                pad[b * MAX + t] = t >= LENGTHS[b] ? 1 : 0;
                valid[s.batchFirst() ? b * MAX + t : t * n + b] = t < LENGTHS[b] ? 1 : 0;
            }
        }
        Tensor validMask = f.of(valid, s.batchFirst() ? new int[] {n, MAX, 1} : new int[] {MAX, n, 1});
        Variable y = model.forward(x, Tensor.on(backend, DType.INT32).of(pad, n, MAX), s.causal());
        y.mul(Variable.constant(w.mul(validMask))).sum().backward();
        Map<String, Variable> params = m.namedParameters();
        Map<String, Tensor> batchedGrads = new java.util.LinkedHashMap<>();
        params.forEach((k, p) -> batchedGrads.put(k, p.grad()));
        m.zeroGrad();

        for (int b = 0; b < n; b++) {
            int len = LENGTHS[b];
            Variable alone = Variable.parameter(x.value().slice(batch, b, b + 1).slice(seq, 0, len).copy());
            Variable ya = model.forward(alone, null, s.causal());
            ya.mul(Variable.constant(w.slice(batch, b, b + 1).slice(seq, 0, len))).sum().backward();
            String at = s.name() + ", sequence " + b + " (length " + len + ")";
            close(at + " output", ya.value(), y.value().slice(batch, b, b + 1).slice(seq, 0, len));
            close(at + " input gradient", alone.grad(), x.grad().slice(batch, b, b + 1).slice(seq, 0, len));
            if (len < MAX) {
                Tensor padded = x.grad().slice(batch, b, b + 1).slice(seq, len, MAX);
                assertEquals(0.0, padded.abs().sum().item(), at + ": padded positions get no gradient");
            }
        }
        params.forEach((k, p) -> close(s.name() + " gradient of " + k + " (batch vs the sum of single runs)",
                p.grad(), batchedGrads.get(k)));
    }

    /** Random parameters in [-0.5, 0.5] (biases not zero, norms not ones). */
    static void randomize(Module m, TensorFactory f, Rng rng) {
        try (NoGrad scope = NoGrad.enter()) {
            for (Variable p : m.parameters()) {
                InPlace.copy(f.uniform(rng, -0.5, 0.5, p.shape().dims()), p.value());
            }
        }
    }

    private static void close(String what, Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            assertTrue(err <= TOL, what + " element " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }
}
