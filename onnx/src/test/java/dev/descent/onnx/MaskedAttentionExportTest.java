package dev.descent.onnx;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.MultiheadAttention;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.layers.TransformerEncoder;
import dev.descent.nn.layers.TransformerEncoderLayer;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto;
import dev.descent.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.descent.onnx.AttentionExportTest.dimNames;
import static dev.descent.onnx.AttentionExportTest.layer;
import static dev.descent.onnx.OnnxExportTest.linear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attention with {@code attn_mask} and {@code key_padding_mask} exported as graph inputs ({@link ExportInputs}) and
 * run in ONNX Runtime against Descent, on two batch sizes and two sequence lengths (both symbolic, in the masks as in
 * the input), in float32 and float64: boolean (INT32, declared BOOL) and float masks, 2-D and per-head 3-D attention
 * masks, with and without key padding. The masks change with every size, and key 0 is never masked, so no query loses
 * every key (that case is {@link #aQueryWithEveryKeyMaskedIsNaNInBoth}).
 */
class MaskedAttentionExportTest {
    enum Attn { NONE, BOOL_2D, CAUSAL_FLOAT_2D, BOOL_3D, FLOAT_3D }

    enum Padding { NONE, BOOL, FLOAT }

    /** A model, its layout, its masks, and how Descent runs it with them (the attention layer first). */
    record Case(String name, boolean batchFirst, int features, int heads, boolean unbatched, Attn attn, Padding padding,
                Function<TensorFactory, Module> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static MultiheadAttention mha(TensorFactory f, int e, int heads, boolean bias, boolean batchFirst, long seed) {
        return mha(f, e, heads, bias, false, false, batchFirst, seed);
    }

    static MultiheadAttention mha(TensorFactory f, int e, int heads, boolean bias, boolean biasKv, boolean zeroAttn,
                                  boolean batchFirst, long seed) {
        return new MultiheadAttention(f, e, heads, 0.0, bias, biasKv, zeroAttn, e, e, batchFirst, new Rng(seed));
    }

    static List<Case> cases() {
        return List.of(
                new Case("MHA-padding-bool", false, 8, 2, false, Attn.NONE, Padding.BOOL,
                        f -> mha(f, 8, 2, true, false, 1)),
                new Case("MHA-batch-first-no-bias-causal-float-padding-bool", true, 8, 4, false, Attn.CAUSAL_FLOAT_2D,
                        Padding.BOOL, f -> mha(f, 8, 4, false, true, 2)),
                new Case("MHA-unbatched-bool-2d-padding-bool", false, 6, 3, true, Attn.BOOL_2D, Padding.BOOL,
                        f -> mha(f, 6, 3, true, false, 3)),
                new Case("MHA-padding-float", false, 8, 2, false, Attn.NONE, Padding.FLOAT,
                        f -> mha(f, 8, 2, true, false, 4)),
                new Case("MHA-unbatched-float-3d", false, 6, 3, true, Attn.FLOAT_3D, Padding.NONE,
                        f -> mha(f, 6, 3, true, false, 5)),
                new Case("MHA-bias-kv-padding-bool", false, 8, 2, false, Attn.NONE, Padding.BOOL,
                        f -> mha(f, 8, 2, true, true, false, false, 13)),
                new Case("MHA-batch-first-zero-attn-float-3d-padding-bool", true, 8, 4, false, Attn.FLOAT_3D,
                        Padding.BOOL, f -> mha(f, 8, 4, true, false, true, true, 14)),
                new Case("MHA-unbatched-bias-kv-zero-attn-bool-2d", false, 6, 3, true, Attn.BOOL_2D, Padding.NONE,
                        f -> mha(f, 6, 3, true, true, true, false, 15)),
                new Case("EncoderLayer-post-norm-relu-bool-3d", false, 8, 2, false, Attn.BOOL_3D, Padding.NONE,
                        f -> layer(f, 8, 2, "relu", false, false, 6)),
                new Case("EncoderLayer-pre-norm-batch-first-float-3d-padding-bool", true, 8, 4, false, Attn.FLOAT_3D,
                        Padding.BOOL, f -> layer(f, 8, 4, "relu", true, true, 7)),
                new Case("Encoder-2-layers-norm-bool-2d-padding-bool", false, 8, 2, false, Attn.BOOL_2D, Padding.BOOL,
                        f -> new TransformerEncoder(layer(f, 8, 2, "relu", false, false, 8), 2,
                                new LayerNorm(f, new int[] {8}, 1e-5, true), new Rng(9))),
                new Case("Encoder-batch-first-causal-padding-bool-then-ReLU-Linear", true, 8, 2, false,
                        Attn.CAUSAL_FLOAT_2D, Padding.BOOL, f -> new Sequential(
                        new TransformerEncoder(layer(f, 8, 2, "relu", true, true, 10), 2, null, new Rng(11)),
                        new ReLU(), linear(f, 8, 3, 12))));
    }

    static Stream<Arguments> casesByDType() {
        return cases().stream().flatMap(c -> Stream.of(Arguments.of(c, DType.FLOAT32), Arguments.of(c, DType.FLOAT64)));
    }

    static AttentionExportTest.Case plain(Case c) {
        return new AttentionExportTest.Case(c.name(), c.batchFirst(), c.features(), c.unbatched(), c.build());
    }

    /** The masks of {@code c} for a batch and a length; key 0 is never masked. */
    static Map<String, Tensor> masks(Case c, TensorFactory f, int batch, int length, long seed) {
        Rng rng = new Rng(seed);
        var ints = Tensor.on(f.backend(), DType.INT32);
        int n = c.unbatched() ? 1 : batch;
        Map<String, Tensor> m = new LinkedHashMap<>();
        switch (c.attn()) {
            case NONE -> { }
            case BOOL_2D -> m.put("attn_mask", ints.of(booleans(rng, length * length, length), length, length));
            case CAUSAL_FLOAT_2D -> m.put("attn_mask", MultiheadAttention.generateSquareSubsequentMask(f, length));
            case BOOL_3D -> m.put("attn_mask", ints.of(booleans(rng, n * c.heads() * length * length, length),
                    n * c.heads(), length, length));
            case FLOAT_3D -> m.put("attn_mask", f.of(floats(rng, n * c.heads() * length * length, length),
                    n * c.heads(), length, length));
        }
        int[] padShape = c.unbatched() ? new int[] {length} : new int[] {batch, length};
        switch (c.padding()) {
            case NONE -> { }
            case BOOL -> m.put("key_padding_mask", ints.of(booleans(rng, n * length, length), padShape));
            case FLOAT -> m.put("key_padding_mask", f.of(floats(rng, n * length, length), padShape));
        }
        return m;
    }

    /** 0/1 with one in three set, never at a multiple of {@code keys} (key 0 of every row). */
    private static int[] booleans(Rng rng, int size, int keys) {
        int[] v = new int[size];
        for (int i = 0; i < size; i++) v[i] = i % keys != 0 && rng.nextDouble() < 1.0 / 3 ? 1 : 0;
        return v;
    }

    /** Normal values, with one in four {@code -inf}, never at key 0. */
    private static double[] floats(Rng rng, int size, int keys) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            double u = rng.nextDouble();
            v[i] = i % keys != 0 && u < 0.25 ? Double.NEGATIVE_INFINITY : rng.nextGaussian();
        }
        return v;
    }

    static ExportInputs inputs(Tensor x, Map<String, Tensor> masks) {
        ExportInputs in = ExportInputs.of(x);
        if (masks.containsKey("attn_mask")) in.attnMask(masks.get("attn_mask"));
        if (masks.containsKey("key_padding_mask")) in.keyPaddingMask(masks.get("key_padding_mask"));
        return in;
    }

    /** Descent's output: the attention layer (the model or its first layer) with the masks, then the other layers. */
    static Tensor descent(Module model, Tensor x, Map<String, Tensor> masks) {
        Tensor attn = masks.get("attn_mask"), padding = masks.get("key_padding_mask");
        try (NoGrad scope = NoGrad.enter()) {
            Variable v = Variable.constant(x);
            List<Module> layers = model instanceof Sequential s ? List.copyOf(s.children().values()) : List.of(model);
            Module first = layers.get(0);
            if (first instanceof MultiheadAttention a) v = a.forward(v, v, v, padding, false, attn, true, false).output();
            else if (first instanceof TransformerEncoderLayer l) v = l.forward(v, attn, padding);
            else v = ((TransformerEncoder) first).forward(v, attn, padding);
            for (Module m : layers.subList(1, layers.size())) v = m.apply(v);
            return v.value();
        }
    }

    static Set<String> bools(Map<String, Tensor> masks) {
        Set<String> b = new java.util.HashSet<>();
        masks.forEach((k, v) -> {
            if (v.dtype() == DType.INT32) b.add(k);
        });
        return b;
    }

    static Tensor ort(Path file, Tensor x, Map<String, Tensor> masks) throws Exception {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        feed.put("input", x);
        feed.putAll(masks);
        return OrtRunner.run(file, feed, bools(masks));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesByDType")
    void onnxRuntimeReproducesDescentWithTheMasks(Case c, DType dtype, @TempDir Path dir) throws Exception {
        TensorFactory f = Tensor.on(Backends.get("ejml"), dtype);
        var p = plain(c);
        Module model = AttentionExportTest.prepared(p, f);
        Path file = dir.resolve(c.name() + ".onnx");
        Onnx.export(model, inputs(AttentionExportTest.input(p, f, 3, 4, 10), masks(c, f, 3, 4, 11)), file);
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(file));
        SpecRules.check(proto);
        double tolerance = dtype == DType.FLOAT64 ? OnnxExportTest.F64_TOLERANCE : OnnxExportTest.F32_TOLERANCE;
        for (int[] size : new int[][] {{2, 5}, {7, 3}}) {
            Tensor x = AttentionExportTest.input(p, f, size[0], size[1], 20 + size[0]);
            Map<String, Tensor> masks = masks(c, f, size[0], size[1], 30 + size[0]);
            Tensor expected = descent(model, x, masks);
            assertTrue(Arrays.stream(expected.toDoubleArray()).allMatch(Double::isFinite), c.name());
            Tensor actual = ort(file, x, masks);
            assertEquals(expected.shape(), actual.shape(), c.name());
            double err = OrtRunner.relativeError(actual, expected);
            System.out.printf("ORT-vs-Descent masked %-58s %s %s: relative error %.3g%n", c.name(), dtype,
                    Arrays.toString(size), err);
            assertTrue(err <= tolerance, c.name() + " " + dtype + " " + Arrays.toString(size) + ": relative error "
                    + err);
            // the masks matter: without them the output differs
            Tensor unmasked = OnnxExportTest.descent(model, x);
            assertTrue(OrtRunner.relativeError(unmasked, expected) > 1e-3, c.name() + ": the masks change nothing");
        }
    }

    static ValueInfoProto input(ModelProto p, String name) {
        return p.getGraph().getInputList().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theMasksAreNamedInputsWithSymbolicAxesAndBooleanType() {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Case c = cases().get(9); // pre-norm batch-first, float (N·H, L, S) and bool (N, S)
        Module model = AttentionExportTest.prepared(plain(c), f);
        Map<String, Tensor> masks = masks(c, f, 3, 4, 1);
        ModelProto p = Onnx.toModel(model, ExportInputs.of("src", AttentionExportTest.input(plain(c), f, 3, 4, 1))
                .attnMask("src_mask", masks.get("attn_mask"))
                .keyPaddingMask("src_key_padding_mask", masks.get("key_padding_mask")));
        assertEquals(List.of("src", "src_mask", "src_key_padding_mask"),
                p.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(List.of("batch", "sequence", "8"), dimNames(input(p, "src").getType().getTensorType().getShape()));
        ValueInfoProto attn = input(p, "src_mask"), pad = input(p, "src_key_padding_mask");
        assertEquals(List.of("batch_x_heads", "sequence", "sequence"), dimNames(attn.getType().getTensorType().getShape()));
        assertEquals(TensorProto.DataType.FLOAT_VALUE, attn.getType().getTensorType().getElemType());
        assertEquals(List.of("batch", "sequence"), dimNames(pad.getType().getTensorType().getShape()));
        assertEquals(TensorProto.DataType.BOOL_VALUE, pad.getType().getTensorType().getElemType());
        assertEquals(List.of("batch", "sequence", "8"), dimNames(p.getGraph().getOutput(0).getType().getTensorType()
                .getShape()));
        assertEquals(1, count(p, "masked_scores"));
        assertEquals(1, p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Where")).count());
        // a two-layer encoder: both boolean masks turned additive and merged once, added to each layer's scores
        Case two = cases().get(10);
        masks = masks(two, f, 3, 4, 1);
        p = Onnx.toModel(AttentionExportTest.prepared(plain(two), f),
                inputs(AttentionExportTest.input(plain(two), f, 3, 4, 1), masks));
        assertEquals(List.of("sequence", "sequence"), dimNames(input(p, "attn_mask").getType().getTensorType()
                .getShape()));
        assertEquals(2, count(p, "masked_scores"));
        assertEquals(2, p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Where")).count());
        assertEquals(1, count(p, "attention_mask"));
    }

    private static long count(ModelProto p, String output) {
        return p.getGraph().getNodeList().stream().filter(n -> n.getOutput(0).contains(output)).count();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void aQueryWithEveryKeyMaskedIsNaNInBoth(DType dtype, @TempDir Path dir) throws Exception {
        // NOTE: PyTorch 1.13 returns NaN for such a query (softmax of -inf throughout); Descent does, and the export
        // keeps it: ONNX's Softmax of a row of -inf is NaN in ONNX Runtime too.
        TensorFactory f = Tensor.on(Backends.get("ejml"), dtype);
        Case c = cases().get(0);
        Module model = AttentionExportTest.prepared(plain(c), f);
        Path file = dir.resolve("m.onnx");
        var ints = Tensor.on(f.backend(), DType.INT32);
        Tensor x = AttentionExportTest.input(plain(c), f, 3, 4, 2);
        Tensor padding = ints.of(new int[] {0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0}, 3, 4); // sample 1 pads every key
        Onnx.export(model, ExportInputs.of(x).keyPaddingMask(padding), file);
        Map<String, Tensor> masks = Map.of("key_padding_mask", padding);
        Tensor expected = descent(model, x, masks), actual = ort(file, x, masks);
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        int nan = 0;
        double diff = 0, scale = 0;
        for (int i = 0; i < e.length; i++) {
            int sample = (i / 8) % 3; // (L, N, E) = (4, 3, 8)
            assertEquals(sample == 1, Double.isNaN(e[i]), "Descent at " + i);
            assertEquals(Double.isNaN(e[i]), Double.isNaN(a[i]), "ONNX Runtime at " + i);
            if (Double.isNaN(e[i])) {
                nan++;
                continue;
            }
            diff = Math.max(diff, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        assertEquals(4 * 8, nan);
        double tolerance = dtype == DType.FLOAT64 ? OnnxExportTest.F64_TOLERANCE : OnnxExportTest.F32_TOLERANCE;
        assertTrue(diff / scale <= tolerance, "the other samples: relative error " + diff / scale);
    }

    static Stream<DType> dtypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64);
    }

    @Test
    void masksThatDoNotFitAreRefusedBeforeAFileIsWritten(@TempDir Path dir) {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        var ints = Tensor.on(f.backend(), DType.INT32);
        Path file = dir.resolve("m.onnx");
        Tensor x = f.zeros(4, 3, 8);
        // a module that takes no masks
        Module mlp = new Sequential(linear(f, 8, 3, 1));
        mlp.eval();
        var e = assertThrows(OnnxExportException.class, () -> Onnx.export(mlp,
                ExportInputs.of(x).keyPaddingMask(ints.zeros(3, 4)), file));
        assertTrue(e.getMessage().contains("module '0' is Linear"), e.getMessage());
        Module attention = mha(f, 8, 2, true, false, 1);
        attention.eval();
        // a float mask of another dtype than the model's
        e = assertThrows(OnnxExportException.class, () -> Onnx.export(attention,
                ExportInputs.of(x).attnMask(Tensor.on(f.backend(), DType.FLOAT64).zeros(4, 4)), file));
        assertTrue(e.getMessage().contains("mask 'attn_mask'") && e.getMessage().contains("float64"), e.getMessage());
        // a mask of the wrong shape: the layer's own check, naming it and both shapes
        var bad = assertThrows(IllegalArgumentException.class, () -> Onnx.export(attention,
                ExportInputs.of(x).keyPaddingMask(ints.zeros(4, 3)), file));
        assertTrue(bad.getMessage().contains("MultiheadAttention") && bad.getMessage().contains("key_padding_mask")
                && bad.getMessage().contains("(3, 4)"), bad.getMessage());
        assertFalse(Files.exists(file));
        // names: distinct, and not the output's
        var twice = assertThrows(IllegalArgumentException.class,
                () -> ExportInputs.of(x).attnMask("m", f.zeros(4, 4)).keyPaddingMask("m", ints.zeros(3, 4)));
        assertTrue(twice.getMessage().contains("'m'"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExportInputs.of("output", x));
        assertThrows(IllegalArgumentException.class, () -> ExportInputs.of(x).attnMask(f.zeros(4, 4))
                .attnMask(f.zeros(4, 4)));
    }
}
