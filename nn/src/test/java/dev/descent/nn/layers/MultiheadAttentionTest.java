package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.Props;
import dev.descent.core.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiheadAttentionTest {
    private static final TensorFactory F64 = Tensor.on(dev.descent.core.Backends.get(), DType.FLOAT64);

    private static MultiheadAttention mha(int e, int h, double dropout, int kdim, int vdim, boolean batchFirst,
                                          boolean biasKv, boolean zeroAttn, Rng rng) {
        return new MultiheadAttention(F64, e, h, dropout, true, biasKv, zeroAttn, kdim, vdim, batchFirst, rng);
    }

    private static Variable rand(Rng rng, int... dims) {
        return Variable.parameter(F64.uniform(rng, -1, 1, dims));
    }

    @Test
    void parametersHavePyTorchsNamesShapesAndOrder() {
        Rng rng = new Rng(1);
        var packed = mha(6, 3, 0, 6, 6, false, false, false, rng).stateDictForPyTorch();
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(packed.keySet()));
        assertArrayEquals(new int[] {18, 6}, packed.get("in_proj_weight").shape().dims());
        assertArrayEquals(new int[] {18}, packed.get("in_proj_bias").shape().dims());
        var separate = mha(6, 3, 0, 4, 5, false, false, false, rng).stateDictForPyTorch();
        assertEquals(List.of("q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight",
                "out_proj.bias"), List.copyOf(separate.keySet()));
        assertArrayEquals(new int[] {6, 4}, separate.get("k_proj_weight").shape().dims());
        assertArrayEquals(new int[] {6, 5}, separate.get("v_proj_weight").shape().dims());
        var kv = mha(6, 3, 0, 6, 6, false, true, false, rng).stateDictForPyTorch();
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight", "out_proj.bias"),
                List.copyOf(kv.keySet()));
        assertArrayEquals(new int[] {1, 1, 6}, kv.get("bias_k").shape().dims());
        var noBias = new MultiheadAttention(F64, 6, 3, 0, false, false, false, 6, 6, false, rng).stateDictForPyTorch();
        assertEquals(List.of("in_proj_weight", "out_proj.weight"), List.copyOf(noBias.keySet()));
    }

    @Test
    void initialisationIsPyTorchs() {
        int e = 64;
        var s = mha(e, 4, 0, e, e, false, false, false, new Rng(2)).stateDict();
        double xavier = Math.sqrt(6.0 / (e + 3 * e)), linear = 1 / Math.sqrt(e);
        Tensor in = s.get("in_proj_weight");
        assertTrue(in.abs().max().item() <= xavier && in.abs().max().item() > 0.99 * xavier, "xavier_uniform bound");
        // the variance of U(-b, b) is b^2 / 3
        assertEquals(xavier * xavier / 3, in.square().mean().item(), 0.05 * xavier * xavier / 3);
        assertEquals(0.0, s.get("in_proj_bias").abs().sum().item());
        assertEquals(0.0, s.get("out_proj.bias").abs().sum().item());
        Tensor out = s.get("out_proj.weight");
        assertTrue(out.abs().max().item() <= linear && out.abs().max().item() > 0.98 * linear, "Linear's default");
    }

    @Test
    void squareSubsequentMaskIsZeroOnAndBelowTheDiagonal() {
        double inf = Double.NEGATIVE_INFINITY;
        assertArrayEquals(new double[] {0, inf, inf, 0, 0, inf, 0, 0, 0},
                MultiheadAttention.generateSquareSubsequentMask(F64, 3).toDoubleArray());
        assertEquals(DType.FLOAT32, MultiheadAttention.generateSquareSubsequentMask(2).dtype());
    }

    @Test
    void oneHeadWithIdentityProjectionsIsSoftmaxAttentionComputedByHand() {
        MultiheadAttention a = new MultiheadAttention(F64, 2, 1, 0, false, false, false, 2, 2, false, new Rng(3));
        try (var scope = dev.descent.autodiff.NoGrad.enter()) {
            dev.descent.core.InPlace.copy(F64.of(new double[] {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1}, 6, 2),
                    a.namedParameters().get("in_proj_weight").value());
            dev.descent.core.InPlace.copy(F64.eye(2), a.outProj().weight().value());
        }
        Variable q = Variable.constant(F64.of(new double[] {1, 0}, 1, 1, 2));
        Variable kv = Variable.constant(F64.of(new double[] {1, 0, 0, 1}, 2, 1, 2));
        MultiheadAttention.Attention r = a.forward(q, kv, kv);
        // scores q·k / sqrt(2) = (1/sqrt 2, 0); weights softmax; output = weights · values
        double e = Math.exp(1 / Math.sqrt(2)), w0 = e / (e + 1), w1 = 1 / (e + 1);
        assertArrayEquals(new double[] {w0, w1}, r.weights().value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {w0, w1}, r.output().value().toDoubleArray(), 1e-15);
        assertArrayEquals(new int[] {1, 1, 2}, r.weights().shape().dims());
    }

    @Test
    void isCausalIsTheSubsequentMaskAndBatchFirstIsTheTranspose() {
        Rng rng = new Rng(4);
        MultiheadAttention seqFirst = mha(4, 2, 0, 4, 4, false, false, false, rng);
        MultiheadAttention batchFirst = mha(4, 2, 0, 4, 4, true, false, false, rng);
        batchFirst.loadStateDict(seqFirst.stateDict());
        Variable x = rand(rng, 5, 3, 4);
        var causal = seqFirst.forward(x, x, x, null, true, null, true, true);
        var explicit = seqFirst.forward(x, x, x, null, true, MultiheadAttention.generateSquareSubsequentMask(F64, 5),
                true, false);
        assertTrue(causal.output().value().allClose(explicit.output().value(), 0, 0));
        double[] w = causal.weights().value().toDoubleArray();
        for (int b = 0; b < 3; b++) for (int i = 0; i < 5; i++) for (int j = i + 1; j < 5; j++) {
            assertEquals(0.0, w[(b * 5 + i) * 5 + j], "no weight on a later position");
        }
        Variable xt = Variable.constant(x.value().transpose(0, 1).copy());
        var bf = batchFirst.forward(xt, xt, xt, null, true, null, true, true);
        assertTrue(bf.output().value().transpose(0, 1).allClose(causal.output().value(), 1e-14, 1e-14));
        assertTrue(bf.weights().value().allClose(causal.weights().value(), 1e-14, 1e-14));
    }

    @Test
    void perHeadWeightsAverageToTheDefaultAndRowsSumToOne() {
        Rng rng = new Rng(5);
        MultiheadAttention a = mha(6, 3, 0, 6, 6, false, false, false, rng);
        Variable q = rand(rng, 2, 2, 6), k = rand(rng, 4, 2, 6);
        Tensor padding = Tensor.on(F64.backend(), DType.INT32).of(new int[] {0, 0, 1, 1, 0, 1, 0, 0}, 2, 4);
        var avg = a.forward(q, k, k, padding, true, null, true, false);
        var heads = a.forward(q, k, k, padding, true, null, false, false);
        assertArrayEquals(new int[] {2, 3, 2, 4}, heads.weights().shape().dims());
        assertTrue(heads.weights().value().mean(1).allClose(avg.weights().value(), 1e-15, 1e-15));
        assertTrue(heads.weights().value().sum(-1).allClose(F64.ones(2, 3, 2), 1e-14, 1e-14));
        double[] w = avg.weights().value().toDoubleArray();
        assertEquals(0.0, w[2]);   // sample 0, query 0, padded key 2
        assertEquals(0.0, w[4 + 3]);   // sample 0, query 1, padded key 3
        assertEquals(0.0, w[8 + 1]);   // sample 1, query 0, padded key 1
        assertNull(a.forward(q, k, k, padding, false, null, true, false).weights());
    }

    @Test
    void aFloatPaddingMaskIsAddedAndMinusInfinityEqualsTheBooleanMask() {
        Rng rng = new Rng(9);
        MultiheadAttention a = mha(4, 2, 0, 4, 4, false, false, false, rng);
        Variable x = rand(rng, 3, 2, 4);
        int[] pad = {0, 1, 0, 0, 0, 1};
        double inf = Double.NEGATIVE_INFINITY;
        var bool = a.forward(x, x, x, Tensor.on(F64.backend(), DType.INT32).of(pad, 2, 3), true, null, true, false);
        var additive = a.forward(x, x, x, F64.of(new double[] {0, inf, 0, 0, 0, inf}, 2, 3), true, null, true, false);
        assertTrue(bool.output().value().allClose(additive.output().value(), 0, 0));
        // a finite float mask shifts the scores: adding the same constant to every key changes nothing
        var shifted = a.forward(x, x, x, F64.full(-3.5, 2, 3), true, null, true, false);
        var plain = a.forward(x, x, x);
        assertTrue(shifted.weights().value().allClose(plain.weights().value(), 1e-15, 1e-15));
    }

    /** NOTE: as in PyTorch 1.13, a query whose keys are all masked has softmax 0/0: NaN weights and outputs. */
    @Test
    void aFullyMaskedSampleIsNaNAndTheOthersAreNot() {
        Rng rng = new Rng(6);
        MultiheadAttention a = mha(4, 2, 0, 4, 4, false, false, false, rng);
        Variable x = rand(rng, 3, 2, 4);
        Tensor padding = Tensor.on(F64.backend(), DType.INT32).of(new int[] {0, 1, 0, 1, 1, 1}, 2, 3);
        var r = a.forward(x, x, x, padding, true, null, true, false);
        Tensor out = r.output().value();
        for (int t = 0; t < 3; t++) {
            for (int e = 0; e < 4; e++) {
                assertFalse(Double.isNaN(out.get(t, 0, e)));
                assertTrue(Double.isNaN(out.get(t, 1, e)));
            }
        }
        assertTrue(Double.isNaN(r.weights().value().get(1, 0, 0)));
        assertEquals(0.0, r.weights().value().get(0, 0, 1));
    }

    @Test
    void trainingDropoutZeroesOrRescalesTheWeightsAndEvalIsDeterministic() {
        Rng rng = new Rng(7);
        double p = 0.4;
        MultiheadAttention a = mha(4, 2, p, 4, 4, false, false, false, rng);
        Variable x = rand(rng, 6, 3, 4);
        a.eval();
        Tensor reference = a.forward(x, x, x, null, true, null, false, false).weights().value();
        assertTrue(a.forward(x, x, x, null, true, null, false, false).weights().value().allClose(reference, 0, 0));
        a.train();
        double[] dropped = a.forward(x, x, x, null, true, null, false, false).weights().value().toDoubleArray();
        double[] ref = reference.toDoubleArray();
        int zeros = 0;
        for (int i = 0; i < ref.length; i++) {
            if (dropped[i] == 0) zeros++;
            else assertEquals(ref[i] / (1 - p), dropped[i], 1e-15);
        }
        assertTrue(zeros > 0.2 * ref.length && zeros < 0.6 * ref.length, zeros + " of " + ref.length + " dropped");
    }

    /**
     * First and second derivatives of the whole layer (query, key, value and every parameter) against finite
     * differences on every backend, for random lengths, batch sizes, heads, head sizes, layouts and padding.
     */
    @Test
    void gradientsMatchFiniteDifferencesOnRandomShapes() {
        for (Backend backend : TestBackends.all()) {
            TensorFactory f = Tensor.on(backend, DType.FLOAT64);
            Props.tries(5).forAll(Props.ints(1, 3), Props.ints(1, 3), Props.ints(1, 2), Props.anyLong())
                    .checkAssert((l, s, n, seed) -> {
                        Rng rng = new Rng(seed);
                        int heads = 1 + rng.nextInt(2), headDim = 1 + rng.nextInt(2), e = heads * headDim;
                        boolean batchFirst = rng.nextInt(2) == 0;
                        MultiheadAttention a = new MultiheadAttention(f, e, heads, 0, true, false, false, e, e,
                                batchFirst, rng);
                        VariableLengthAttentionTest.randomize(a, f, rng);
                        int[] pad = new int[n * s];
                        for (int i = 0; i < n * s; i++) pad[i] = i % s != 0 && rng.nextInt(2) == 0 ? 1 : 0;
                        Tensor padding = Tensor.on(backend, DType.INT32).of(pad, n, s);
                        Variable q = Variable.parameter(f.uniform(rng, -1, 1, batchFirst ? new int[] {n, l, e}
                                : new int[] {l, n, e}));
                        Variable k = Variable.parameter(f.uniform(rng, -1, 1, batchFirst ? new int[] {n, s, e}
                                : new int[] {s, n, e}));
                        Variable v = Variable.parameter(f.uniform(rng, -1, 1, k.shape().dims()));
                        GradCheck.Fn fn = in -> {
                            var r = a.forward(in[0], in[1], in[2], padding, true, null, true, false);
                            // (L, N) or (N, L) outputs beside (N,) weight terms: flattened, so any L and N fit
                            return Variable.concat(0, r.output().sum(-1).reshape(-1),
                                    r.weights().sum(-1).square().sum(-1).reshape(-1));
                        };
                        String at = "L=" + l + " S=" + s + " N=" + n + " heads=" + heads + " d=" + headDim + " on "
                                + backend.name();
                        assertTrue(GradCheck.check(fn, q, k, v).passed(), at);
                        assertTrue(GradCheck.checkSecondOrder(fn, q, k, v).passed(), at);
                        parametersMatchFiniteDifferences(a, () -> fn.apply(q, k, v).sum(), at);
                    });
        }
    }

    /**
     * Each parameter's gradient of {@code loss} against central differences of the loss with that element moved in
     * place (GradCheck's tolerances: {@code |analytic - numeric| <= 1e-5 + 1e-3 |numeric|}).
     */
    static void parametersMatchFiniteDifferences(dev.descent.nn.Module m, java.util.function.Supplier<Variable> loss,
                                                 String at) {
        m.zeroGrad();
        loss.get().backward();
        double eps = 1e-6;
        for (var e : m.namedParameters().entrySet()) {
            Tensor value = e.getValue().value();
            double[] x = value.toDoubleArray(), analytic = e.getValue().grad().toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                double[] moved = x.clone();
                double numeric;
                try (var scope = dev.descent.autodiff.NoGrad.enter()) {
                    moved[i] = x[i] + eps;
                    set(value, moved);
                    double plus = loss.get().value().item();
                    moved[i] = x[i] - eps;
                    set(value, moved);
                    double minus = loss.get().value().item();
                    set(value, x);
                    numeric = (plus - minus) / (2 * eps);
                }
                assertEquals(numeric, analytic[i], 1e-5 + 1e-3 * Math.abs(numeric),
                        at + ": gradient of " + e.getKey() + " element " + i);
            }
        }
    }

    private static void set(Tensor target, double[] values) {
        dev.descent.core.InPlace.copy(Tensor.on(target.backend(), target.dtype()).of(values, target.shape().dims()),
                target);
    }

    @Test
    void badArgumentsAndInputsNameTheLayerAndTheValues() {
        Rng rng = new Rng(8);
        message("embed_dim must be divisible by num_heads, got embed_dim=6, num_heads=4",
                () -> new MultiheadAttention(F64, 6, 4, 0, true, false, false, 6, 6, false, rng));
        message("expected 0 <= dropout < 1, got 1.0",
                () -> new MultiheadAttention(F64, 4, 2, 1.0, true, false, false, 4, 4, false, rng));
        MultiheadAttention a = mha(4, 2, 0, 3, 5, false, false, false, rng);
        Variable q = rand(rng, 2, 3, 4), k = rand(rng, 6, 3, 3), v = rand(rng, 6, 3, 5);
        message("expected query of rank 3", () -> a.forward(rand(rng, 2, 3, 4, 1), k, v));
        message("got rank 1 (4,)", () -> a.forward(rand(rng, 4), k, v));
        message("expected key and value of the query's rank 3, got key (6, 3) and value (6, 3, 5)",
                () -> a.forward(q, rand(rng, 6, 3), v));
        message("expected query with 4 features (embed_dim) on its last axis, got (2, 3, 5)",
                () -> a.forward(rand(rng, 2, 3, 5), k, v));
        message("expected key with 3 features (kdim) on its last axis, got (6, 3, 4)",
                () -> a.forward(q, rand(rng, 6, 3, 4), v));
        message("one batch size (axis 1), got query (2, 3, 4), key (6, 2, 3), value (6, 3, 5)",
                () -> a.forward(q, rand(rng, 6, 2, 3), v));
        message("key and value must have one sequence length (axis 0), got key (6, 3, 3) and value (7, 3, 5)",
                () -> a.forward(q, k, rand(rng, 7, 3, 5)));
        TensorFactory ints = Tensor.on(F64.backend(), DType.INT32);
        message("expected key_padding_mask of shape (3, 6) (N, S), got (6, 3)",
                () -> a.forward(q, k, v, ints.zeros(6, 3), true, null, true, false));
        message("expected attn_mask of shape (2, 6) or (6, 2, 6) (N*num_heads, L, S), got (2, 2, 6)",
                () -> a.forward(q, k, v, null, true, F64.zeros(2, 2, 6), true, false));
        // (every non-INT32 dtype is floating: a float32 mask on a float64 query is converted, see
        // AttentionHostileInputTest)
        message("is_causal without attn_mask needs as many queries as keys, got L=2, S=6",
                () -> a.forward(q, k, v, null, true, null, true, true));
    }

    private static void message(String expected, org.junit.jupiter.api.function.Executable call) {
        AttentionAsserts.message("MultiheadAttention", call);
        AttentionAsserts.message(expected, call);
    }
}
