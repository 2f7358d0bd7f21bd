package dev.descent.nn.layers;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransformerEncoderTest {
    private static final TensorFactory F64 = Tensor.on(dev.descent.core.Backends.get(), DType.FLOAT64);

    private static TransformerEncoderLayer layer(boolean normFirst, boolean bias, double dropout, Rng rng) {
        return new TransformerEncoderLayer(F64, 8, 2, 16, dropout, "relu", 1e-5, false, normFirst, bias, rng);
    }

    @Test
    void stateDictNamesArePyTorchs() {
        List<String> block = List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias");
        Rng rng = new Rng(1);
        assertEquals(block, List.copyOf(layer(false, true, 0.1, rng).stateDictForPyTorch().keySet()));
        TransformerEncoder encoder = new TransformerEncoder(layer(false, true, 0.1, rng), 2,
                new LayerNorm(F64, new int[] {8}, 1e-5, true), rng);
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) for (String n : block) names.add("layers." + i + "." + n);
        names.add("norm.weight");
        names.add("norm.bias");
        assertEquals(names, List.copyOf(encoder.stateDictForPyTorch().keySet()));
        assertArrayEquals(new int[] {16, 8}, encoder.stateDictForPyTorch().get("layers.1.linear1.weight").shape().dims());
        // PyTorch 2.1's bias=False: no bias anywhere, the norms' included
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.out_proj.weight", "linear1.weight",
                "linear2.weight", "norm1.weight", "norm2.weight"),
                List.copyOf(layer(true, false, 0.1, rng).stateDictForPyTorch().keySet()));
    }

    @Test
    void theStackHoldsIndependentCopiesOfTheLayer() {
        Rng rng = new Rng(2);
        TransformerEncoderLayer proto = layer(false, true, 0.0, rng);
        TransformerEncoder encoder = new TransformerEncoder(proto, 3, null, rng);
        Map<String, Tensor> original = proto.stateDict();
        for (TransformerEncoderLayer copy : encoder.layers()) {
            copy.stateDict().forEach((k, v) -> assertTrue(v.allClose(original.get(k), 0, 0), k));
        }
        Variable w0 = encoder.layers().get(0).namedParameters().get("linear1.weight");
        try (NoGrad scope = NoGrad.enter()) {
            InPlace.copy(w0.value().add(1.0), w0.value());
        }
        assertTrue(encoder.layers().get(1).namedParameters().get("linear1.weight").value()
                .allClose(original.get("linear1.weight"), 0, 0), "copies share no storage");
        assertTrue(proto.namedParameters().get("linear1.weight").value().allClose(original.get("linear1.weight"), 0, 0));
        assertEquals(3 * proto.parameterCount(), encoder.parameterCount());
    }

    @Test
    void postNormIsNormOfTheResidualAndPreNormAddsTheResidualAfter() {
        Rng rng = new Rng(3);
        Variable x = Variable.constant(F64.uniform(rng, -1, 1, 4, 2, 8));
        for (boolean normFirst : new boolean[] {false, true}) {
            TransformerEncoderLayer l = layer(normFirst, true, 0.0, rng);
            VariableLengthAttentionTest.randomize(l, F64, rng);
            Map<String, dev.descent.nn.Module> c = l.children();
            LayerNorm norm1 = (LayerNorm) c.get("norm1"), norm2 = (LayerNorm) c.get("norm2");
            Linear linear1 = (Linear) c.get("linear1"), linear2 = (Linear) c.get("linear2");
            Variable expected;
            if (normFirst) {
                Variable h = x.add(l.selfAttn().forward(norm1.apply(x)));
                expected = h.add(linear2.apply(linear1.apply(norm2.apply(h)).relu()));
            } else {
                Variable h = norm1.apply(x.add(l.selfAttn().forward(x)));
                expected = norm2.apply(h.add(linear2.apply(linear1.apply(h).relu())));
            }
            assertTrue(l.apply(x).value().allClose(expected.value(), 0, 0), "norm_first=" + normFirst);
        }
    }

    /**
     * First and second derivatives with respect to the input, and first derivatives of every parameter, against
     * finite differences on every backend, for random lengths, batch sizes, widths, heads, both norm placements and
     * layouts, with padding and a causal mask (GELU, which has no kink).
     */
    @Test
    void gradientsMatchFiniteDifferencesOnRandomShapes() {
        for (dev.descent.core.spi.Backend backend : dev.descent.core.testing.TestBackends.all()) {
            TensorFactory f = Tensor.on(backend, DType.FLOAT64);
            dev.descent.core.testing.Props.tries(3).forAll(dev.descent.core.testing.Props.ints(1, 3),
                    dev.descent.core.testing.Props.ints(1, 2), dev.descent.core.testing.Props.anyLong())
                    .checkAssert((len, n, seed) -> {
                        Rng rng = new Rng(seed);
                        int heads = 1 + rng.nextInt(2), d = heads * (1 + rng.nextInt(2));
                        boolean normFirst = rng.nextInt(2) == 0, batchFirst = rng.nextInt(2) == 0;
                        TransformerEncoderLayer l = new TransformerEncoderLayer(f, d, heads, 1 + rng.nextInt(3), 0.0,
                                "gelu", 1e-5, batchFirst, normFirst, true, rng);
                        VariableLengthAttentionTest.randomize(l, f, rng);
                        int[] pad = new int[n * len];
                        for (int i = 0; i < pad.length; i++) pad[i] = i % len != 0 && rng.nextInt(2) == 0 ? 1 : 0;
                        Tensor padding = Tensor.on(backend, DType.INT32).of(pad, n, len);
                        Variable x = Variable.parameter(f.uniform(rng, -1, 1, batchFirst ? new int[] {n, len, d}
                                : new int[] {len, n, d}));
                        dev.descent.autodiff.check.GradCheck.Fn fn = in -> l.forward(in[0], null, padding, true)
                                .sin().sum(-1);
                        String at = "L=" + len + " N=" + n + " d=" + d + " heads=" + heads + " norm_first=" + normFirst
                                + " on " + backend.name();
                        assertTrue(dev.descent.autodiff.check.GradCheck.check(fn, x).passed(), at);
                        assertTrue(dev.descent.autodiff.check.GradCheck.checkSecondOrder(fn, x).passed(), at);
                        MultiheadAttentionTest.parametersMatchFiniteDifferences(l, () -> fn.apply(x).sum(), at);
                    });
        }
    }

    @Test
    void dropoutActsInTrainingOnlyAndEvalIsDeterministic() {
        Rng rng = new Rng(4);
        TransformerEncoderLayer l = layer(false, true, 0.5, rng);
        Variable x = Variable.constant(F64.uniform(rng, -1, 1, 3, 2, 8));
        l.eval();
        Tensor a = l.apply(x).value();
        assertTrue(l.apply(x).value().allClose(a, 0, 0));
        l.train();
        assertFalse(l.apply(x).value().allClose(a, 1e-6, 1e-6));
    }

    @Test
    void sinusoidalEncodingIsThePapersFormulaAndABuffer() {
        int d = 7, maxLen = 30;
        PositionalEncoding pe = new PositionalEncoding(F64, d, 0.0, maxLen, false, new Rng(5));
        assertEquals(0, pe.parameters().size());
        Tensor table = pe.namedBuffers().get("pe");
        assertArrayEquals(new int[] {maxLen, 1, d}, table.shape().dims());
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; i < d; i++) {
                double angle = pos / Math.pow(10000, 2 * (i / 2) / (double) d);
                assertEquals(i % 2 == 0 ? Math.sin(angle) : Math.cos(angle), table.get(pos, 0, i), 1e-12);
            }
        }
        Variable x = Variable.constant(F64.zeros(2, 3, d));
        PositionalEncoding bf = new PositionalEncoding(F64, d, 0.0, maxLen, true, new Rng(5));
        Tensor y = bf.apply(x).value();
        assertEquals(table.get(2, 0, 1), y.get(1, 2, 1));
        assertTrue(pe.stateDict().containsKey("pe"));
        AttentionAsserts.message("PositionalEncoding: sequence length 31 exceeds max_len 30",
                () -> pe.apply(Variable.constant(F64.zeros(31, 1, d))));
        AttentionAsserts.message("PositionalEncoding: expected input (L, N, 7), got (3, 1, 6)",
                () -> pe.apply(Variable.constant(F64.zeros(3, 1, 6))));
    }

    @Test
    void learnedEmbeddingAddsTrainedRowsAndGetsTheirGradient() {
        LearnedPositionalEmbedding pos = new LearnedPositionalEmbedding(F64, 5, 3, false, null, new Rng(6));
        assertEquals(List.of("weight"), List.copyOf(pos.namedParameters().keySet()));
        assertArrayEquals(new int[] {5, 3}, pos.weight().shape().dims());
        Variable y = pos.apply(Variable.constant(F64.ones(2, 4, 3)));
        assertEquals(1 + pos.weight().value().get(1, 2), y.value().get(1, 3, 2), 1e-15);
        y.sum().backward();
        // rows 0 and 1 are added to each of the 4 samples; rows 2..4 are unused
        assertArrayEquals(new double[] {4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0}, pos.weight().grad().toDoubleArray());
    }

    /**
     * A float32 PyTorch TransformerEncoder (2 post-norm blocks of d_model 16, 4 heads, feed-forward 32, and a final
     * LayerNorm), written as safetensors from its state dict by {@code generate_interop.py}, loads and reproduces its
     * eval outputs with a key-padding mask, padded positions included, to 1e-6 on every backend.
     */
    @Test
    void aPyTorchEncoderLoadsFromSafetensorsAndReproducesItsOutputsInFloat32() throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(
                java.nio.file.Path.of("src/test/resources/interop/torch_transformer_output.txt"));
        double[] x = java.util.Arrays.stream(lines.get(0).split(" ")).mapToDouble(Double::parseDouble).toArray();
        double[] y = java.util.Arrays.stream(lines.get(1).split(" ")).mapToDouble(Double::parseDouble).toArray();
        int[] lengths = {7, 5, 3};
        int[] pad = new int[3 * 7];
        for (int b = 0; b < 3; b++) for (int t = 0; t < 7; t++) pad[b * 7 + t] = t >= lengths[b] ? 1 : 0;
        for (dev.descent.core.spi.Backend backend : dev.descent.core.testing.TestBackends.all()) {
            TensorFactory f = Tensor.on(backend, DType.FLOAT32);
            Rng rng = new Rng(8);
            TransformerEncoder encoder = new TransformerEncoder(new TransformerEncoderLayer(f, 16, 4, 32, 0.1, "relu",
                    1e-5, false, false, true, rng), 2, new LayerNorm(f, new int[] {16}, 1e-5, true), rng);
            encoder.loadFromPyTorch(java.nio.file.Path.of("src/test/resources/interop/torch_transformer.safetensors"));
            encoder.eval();
            double[] out = encoder.forward(Variable.constant(f.of(x, 7, 3, 16)), null,
                    Tensor.on(backend, DType.INT32).of(pad, 3, 7)).value().toDoubleArray();
            assertEquals(y.length, out.length);
            for (int i = 0; i < y.length; i++) {
                assertEquals(y[i], out[i], 1e-6 * Math.max(1, Math.abs(y[i])), backend.name() + " output " + i);
            }
        }
    }

    @Test
    void badArgumentsNameTheLayer() {
        Rng rng = new Rng(7);
        AttentionAsserts.message("TransformerEncoderLayer: activation should be relu or gelu, got tanh",
                () -> new TransformerEncoderLayer(F64, 8, 2, 16, 0.1, "tanh", 1e-5, false, false, true, rng));
        AttentionAsserts.message("TransformerEncoderLayer: expected d_model >= 1 divisible by nhead >= 1, got "
                + "d_model=8, nhead=3",
                () -> new TransformerEncoderLayer(F64, 8, 3, 16, 0.1, "relu", 1e-5, false, false, true, rng));
        AttentionAsserts.message("TransformerEncoder: num_layers must be >= 1, got 0",
                () -> new TransformerEncoder(layer(false, true, 0, rng), 0, null, rng));
        TransformerEncoderLayer l = layer(false, true, 0, rng);
        AttentionAsserts.message("expected src of rank 3", () -> l.apply(Variable.constant(F64.zeros(8))));
        AttentionAsserts.message("expected key_padding_mask of shape (2, 4) (N, S), got (4, 2)",
                () -> l.forward(Variable.constant(F64.zeros(4, 2, 8)), null,
                        Tensor.on(F64.backend(), DType.INT32).zeros(4, 2)));
        AttentionAsserts.message("TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0, "
                + "activation=relu, layer_norm_eps=1.0E-5, batch_first=false, norm_first=false, bias=true): expected src "
                + "with d_model=8 features on its last axis, got (4, 2, 6)",
                () -> l.apply(Variable.constant(F64.zeros(4, 2, 6))));
    }
}
