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
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wide randomized cross-check against PyTorch 1.13 in float64 on every backend: 110 MultiheadAttention
 * configurations (embed_dim and num_heads, kdim/vdim, bias, bias_k/v, a zero key, batch_first, unbatched inputs,
 * need_weights and average_attn_weights, bool and float key-padding masks, bool and float 2-D and 3-D attention
 * masks, causal masks and is_causal, self-attention, a shared key and value, and separate ones of another length)
 * and 50 encoder configurations (a TransformerEncoderLayer or a TransformerEncoder of 1 or 2 layers with and without
 * a final norm; norm_first both ways, ReLU and GELU, layer_norm_eps, batch_first, unbatched, with src_mask and
 * src_key_padding_mask). Each case's configuration is in its name; the output (and for attention the weights, when
 * asked for, concatenated after it) and the gradients of {@code sum(y * w)} with respect to every input and
 * parameter agree within {@code 1e-10 * max(1, |ref|)}. Written offline by
 * {@code src/test/python/generate_attention_random_goldens.py}.
 */
class AttentionRandomGoldenTest {
    private static final String FILE = "/goldens/attention_random.txt";
    private static final double TOL = 1e-10;
    private static final WorstError WORST = new WorstError("Randomized attention goldens", TOL);

    @Test
    void theFileHoldsEveryKindOfConfiguration() throws IOException {
        Set<String> names = GoldenCases.names(AttentionRandomGoldenTest.class, FILE);
        assertEquals(160, names.size());
        for (String feature : List.of("kv-1", "za-1", "bf-1", "ub-1", "nw-0", "avg-0", "kpm-b", "kpm-f", "am-b2",
                "am-f2", "am-b3", "am-f3", "cz-1", "x-0", "x-1", "x-2", "bias-0", "nf-1", "act-gelu", "nl-2", "fn-1")) {
            assertTrue(names.stream().anyMatch(n -> n.contains("_" + feature)), feature);
        }
    }

    @TestFactory
    List<DynamicTest> matchesPyTorch() throws IOException {
        return GoldenCases.perBackend(AttentionRandomGoldenTest.class, FILE, AttentionRandomGoldenTest::check);
    }

    /** The KEY-VALUE fields of a case name (the value is what follows the first '-'). */
    static Map<String, String> fields(String name) {
        Map<String, String> f = new HashMap<>();
        String[] parts = name.split("_");
        f.put("kind", parts[1]);
        for (int i = 2; i < parts.length; i++) {
            int dash = parts[i].indexOf('-');
            f.put(parts[i].substring(0, dash), parts[i].substring(dash + 1));
        }
        return f;
    }

    private static void check(Case c, Backend backend) {
        Map<String, String> f = fields(c.name());
        TensorFactory f64 = Tensor.on(backend, DType.FLOAT64);
        boolean mha = f.get("kind").equals("mha");
        Module m = mha ? attention(f64, f) : encoder(f64, f);
        m.eval();
        int inputs = mha ? 1 + Integer.parseInt(f.get("x")) : 1;
        List<String> names = new ArrayList<>(m.namedParameters().keySet());
        List<Variable> params = m.parameters();
        Set<String> transposed = AttentionGoldenTest.linearWeights(m, "", new java.util.HashSet<>());
        try (NoGrad scope = NoGrad.enter()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor given = c.inputs().get(inputs + i);
                InPlace.copy(transposed.contains(names.get(i)) ? given.transpose() : given, params.get(i).value());
            }
        }
        int at = inputs + params.size();
        Tensor padding = f.get("kpm").equals("n") ? null : c.inputs().get(at++);
        Tensor mask = f.get("am").equals("n") ? null : c.inputs().get(at++);
        assertEquals(c.inputs().size(), at, c.name() + ": inputs");
        boolean causal = f.get("cz").equals("1");
        Variable[] x = new Variable[inputs];
        for (int i = 0; i < inputs; i++) x[i] = Variable.parameter(c.inputs().get(i));
        Variable y;
        if (m instanceof MultiheadAttention a) {
            Variable q = x[0], k = inputs == 1 ? q : x[1], v = inputs <= 2 ? k : x[2];
            boolean needWeights = f.get("nw").equals("1");
            MultiheadAttention.Attention r = a.forward(q, k, v, padding, needWeights, mask, f.get("avg").equals("1"),
                    causal);
            y = r.output().reshape(-1);
            if (needWeights) {
                y = Variable.concat(0, y, r.weights().reshape(-1));
            } else {
                assertNull(r.weights(), "need_weights=False returns no weights");
            }
        } else if (m instanceof TransformerEncoderLayer l) {
            y = l.forward(x[0], mask, padding, causal);
        } else {
            y = ((TransformerEncoder) m).forward(x[0], mask, padding, causal);
        }
        compare(c.name() + " output", c.output(), y.value());
        y.mul(Variable.constant(c.weight())).sum().backward();
        for (int i = 0; i < inputs + params.size(); i++) {
            Tensor grad = i < inputs ? x[i].grad() : params.get(i - inputs).grad();
            String what = c.name() + " grad of " + (i < inputs ? "input " + i : names.get(i - inputs));
            if (i >= inputs && transposed.contains(names.get(i - inputs))) grad = grad.transpose();
            compare(what, c.grads().get(i), grad);
        }
    }

    private static MultiheadAttention attention(TensorFactory f64, Map<String, String> f) {
        return new MultiheadAttention(f64, num(f, "e"), num(f, "h"), 0.0, flag(f, "bias"), flag(f, "kv"),
                flag(f, "za"), num(f, "kd"), num(f, "vd"), flag(f, "bf"), new Rng(7));
    }

    private static Module encoder(TensorFactory f64, Map<String, String> f) {
        int d = num(f, "d");
        double eps = Double.parseDouble(f.get("eps"));
        TransformerEncoderLayer layer = new TransformerEncoderLayer(f64, d, num(f, "h"), num(f, "ff"), 0.0,
                f.get("act"), eps, flag(f, "bf"), flag(f, "nf"), true, new Rng(8));
        int layers = num(f, "nl");
        if (layers == 0) return layer;
        LayerNorm norm = flag(f, "fn") ? new LayerNorm(f64, new int[] {d}, eps, true) : null;
        return new TransformerEncoder(layer, layers, norm, new Rng(9));
    }

    private static int num(Map<String, String> f, String key) {
        return Integer.parseInt(f.get(key));
    }

    private static boolean flag(Map<String, String> f, String key) {
        return f.get(key).equals("1");
    }

    private static void compare(String what, Tensor expected, Tensor actual) {
        WORST.compare(what, expected, actual);
    }

    @AfterAll
    static void report() {
        WORST.report();
    }
}
