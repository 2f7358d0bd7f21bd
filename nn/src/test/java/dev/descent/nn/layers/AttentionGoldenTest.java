package dev.descent.nn.layers;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.GoldenCases;
import dev.descent.core.testing.GoldenCases.Case;
import dev.descent.core.testing.WorstError;
import dev.descent.nn.Module;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MultiheadAttention (outputs and attention weights, with key-padding, causal, boolean and float masks, kdim/vdim,
 * batch_first, bias_k/v and a zero key, unbatched, and a fully masked sample), TransformerEncoderLayer (post- and
 * pre-norm, ReLU and GELU), a 2-layer TransformerEncoder and the positional encodings against PyTorch in float64 on
 * every backend: the output and the gradients of {@code sum(y * w)} with respect to every input and parameter, each
 * within {@code 1e-10 * max(1, |ref|)}; NaN where PyTorch has NaN. The reference file is written offline by
 * {@code src/test/python/generate_attention_goldens.py}; the parameters come from it.
 */
class AttentionGoldenTest {
    private static final double TOL = 1e-10;
    private static final WorstError WORST = new WorstError("Attention goldens", TOL);

    /** How to build a case's module and which of its inputs are data and masks. */
    private record Config(Function<TensorFactory, Module> make, int inputs, boolean padding, boolean attnMask,
                          boolean average) {
    }

    private static final Map<String, Config> CASES = new HashMap<>();

    private static MultiheadAttention mha(TensorFactory f, int e, int h, boolean bias, boolean biasKv, boolean zeroAttn,
                                          int kdim, int vdim, boolean batchFirst) {
        return new MultiheadAttention(f, e, h, 0.0, bias, biasKv, zeroAttn, kdim, vdim, batchFirst, new Rng(1));
    }

    private static void attention(String name, int inputs, boolean padding, boolean attnMask, boolean average,
                                  Function<TensorFactory, Module> make) {
        for (String part : new String[] {"_out", "_weights"}) {
            CASES.put(name + part, new Config(make, inputs, padding, attnMask, average));
        }
    }

    private static TransformerEncoderLayer layer(TensorFactory f, int d, int h, int ff, String act, boolean normFirst,
                                                 boolean batchFirst) {
        return new TransformerEncoderLayer(f, d, h, ff, 0.0, act, 1e-5, batchFirst, normFirst, true, new Rng(2));
    }

    static {
        attention("mha_self", 1, false, false, true, f -> mha(f, 6, 2, true, false, false, 6, 6, false));
        attention("mha_self_key_padding", 1, true, false, true, f -> mha(f, 6, 3, true, false, false, 6, 6, false));
        attention("mha_self_causal_float", 1, false, true, true, f -> mha(f, 4, 2, true, false, false, 4, 4, false));
        attention("mha_self_bool_mask_and_padding", 1, true, true, true,
                f -> mha(f, 4, 1, true, false, false, 4, 4, false));
        attention("mha_float_mask_3d_per_head", 3, false, true, false,
                f -> mha(f, 6, 2, true, false, false, 6, 6, false));
        attention("mha_float_mask_and_padding", 3, true, true, true, f -> mha(f, 4, 2, true, false, false, 4, 4, false));
        attention("mha_kdim_vdim", 3, true, false, true, f -> mha(f, 6, 3, true, false, false, 4, 5, false));
        attention("mha_batch_first_causal_padding", 1, true, true, true,
                f -> mha(f, 4, 2, true, false, false, 4, 4, true));
        attention("mha_no_bias", 3, false, false, true, f -> mha(f, 4, 2, false, false, false, 4, 4, false));
        attention("mha_bias_kv_zero_attn", 1, true, true, true, f -> mha(f, 4, 2, true, true, true, 4, 4, false));
        attention("mha_unbatched", 3, true, false, true, f -> mha(f, 4, 2, true, false, false, 4, 4, false));
        attention("mha_fully_masked_sample", 1, true, false, true, f -> mha(f, 4, 2, true, false, false, 4, 4, false));
        CASES.put("encoder_layer_post_relu", new Config(f -> layer(f, 8, 2, 16, "relu", false, false), 1, true, false,
                true));
        CASES.put("encoder_layer_post_gelu", new Config(f -> layer(f, 8, 4, 12, "gelu", false, false), 1, false, true,
                true));
        CASES.put("encoder_layer_pre_relu", new Config(f -> layer(f, 8, 2, 16, "relu", true, false), 1, true, true,
                true));
        CASES.put("encoder_layer_pre_gelu_batch_first", new Config(f -> layer(f, 6, 3, 10, "gelu", true, true), 1, true,
                false, true));
        CASES.put("encoder_2_layers_norm", new Config(f -> new TransformerEncoder(layer(f, 8, 2, 16, "relu", false,
                false), 2, new LayerNorm(f, new int[] {8}, 1e-5, true), new Rng(3)), 1, true, false, true));
        CASES.put("encoder_2_layers_pre_gelu_causal", new Config(f -> new TransformerEncoder(layer(f, 8, 4, 16, "gelu",
                true, false), 2, null, new Rng(3)), 1, true, true, true));
        CASES.put("positional_sinusoidal", new Config(f -> new PositionalEncoding(f, 6, 0.0, 20, false, new Rng(4)), 1,
                false, false, true));
        CASES.put("positional_learned_batch_first", new Config(f -> new LearnedPositionalEmbedding(f, 10, 6, true, null,
                new Rng(5)), 1, false, false, true));
    }

    private static final String FILE = "/goldens/attention.txt";

    @Test
    void everyGoldenCaseHasALayerAndViceVersa() throws IOException {
        assertEquals(new TreeSet<>(CASES.keySet()), GoldenCases.names(AttentionGoldenTest.class, FILE));
    }

    @TestFactory
    List<DynamicTest> matchesPyTorch() throws IOException {
        return GoldenCases.perBackend(AttentionGoldenTest.class, FILE, AttentionGoldenTest::check);
    }

    private static void check(Case c, Backend backend) {
        Config cfg = CASES.get(c.name());
        Module m = cfg.make().apply(Tensor.on(backend, DType.FLOAT64));
        m.eval();
        List<String> names = new ArrayList<>(m.namedParameters().keySet());
        List<Variable> params = m.parameters();
        Set<String> transposed = linearWeights(m, "", new HashSet<>());
        try (NoGrad scope = NoGrad.enter()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor given = c.inputs().get(cfg.inputs() + i);
                InPlace.copy(transposed.contains(names.get(i)) ? given.transpose() : given, params.get(i).value());
            }
        }
        int at = cfg.inputs() + params.size();
        Tensor padding = cfg.padding() ? c.inputs().get(at++) : null;
        Tensor mask = cfg.attnMask() ? c.inputs().get(at++) : null;
        assertEquals(c.inputs().size(), at, c.name() + ": inputs");
        Variable[] x = new Variable[cfg.inputs()];
        for (int i = 0; i < x.length; i++) x[i] = Variable.parameter(c.inputs().get(i));
        Variable y;
        if (m instanceof MultiheadAttention a) {
            Variable q = x[0], k = x.length == 1 ? x[0] : x[1], v = x.length == 1 ? x[0] : x[2];
            MultiheadAttention.Attention r = a.forward(q, k, v, padding, true, mask, cfg.average(), false);
            y = c.name().endsWith("_weights") ? r.weights() : r.output();
        } else if (m instanceof TransformerEncoderLayer l) {
            y = l.forward(x[0], mask, padding);
        } else if (m instanceof TransformerEncoder e) {
            y = e.forward(x[0], mask, padding);
        } else {
            y = m.apply(x[0]);
        }
        compare(c.name() + " output", c.output(), y.value());
        y.mul(Variable.constant(c.weight())).sum().backward();
        for (int i = 0; i < x.length + params.size(); i++) {
            Tensor expected = c.grads().get(i);
            Tensor grad = i < x.length ? x[i].grad() : params.get(i - x.length).grad();
            String what = c.name() + " grad of " + (i < x.length ? "input " + i : names.get(i - x.length));
            if (expected == null) { // PyTorch: the output does not depend on it
                assertTrue(grad == null || grad.abs().sum().item() == 0, what + " should be zero");
                continue;
            }
            if (i >= x.length && transposed.contains(names.get(i - x.length))) grad = grad.transpose();
            compare(what, expected, grad);
        }
    }

    /** The names of every Linear's weight, which Descent stores transposed relative to PyTorch. */
    static Set<String> linearWeights(Module m, String prefix, Set<String> out) {
        if (m instanceof Linear) out.add(prefix + "weight");
        m.children().forEach((n, child) -> linearWeights(child, prefix + n + ".", out));
        return out;
    }

    private static void compare(String what, Tensor expected, Tensor actual) {
        WORST.compare(what, expected, actual);
    }

    @AfterAll
    static void report() {
        WORST.report();
    }
}
