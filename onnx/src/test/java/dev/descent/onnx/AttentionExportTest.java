package dev.descent.onnx;

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
import dev.descent.onnx.proto.OnnxProto.TensorShapeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.descent.onnx.OnnxExportTest.linear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Self-attention and the Transformer encoder exported as standard operators and run in ONNX Runtime and in
 * Descent's importer, on inputs whose batch and sequence axes both take two sizes (both are symbolic), in float32
 * and float64. Parameters are moved off their initial values (the biases start at zero).
 */
class AttentionExportTest {
    /** A model, whether its input is batch-first ({@code (N, L, E)}; otherwise {@code (L, N, E)}), E, and rank. */
    record Case(String name, boolean batchFirst, int features, boolean unbatched, Function<TensorFactory, Module> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static TransformerEncoderLayer layer(TensorFactory f, int d, int heads, String activation, boolean batchFirst,
                                         boolean normFirst, long seed) {
        return new TransformerEncoderLayer(f, d, heads, 16, 0.1, activation, 1e-5, batchFirst, normFirst, true,
                new Rng(seed));
    }

    static List<Case> cases() {
        return List.of(
                new Case("MHA", false, 8, false, f -> new MultiheadAttention(f, 8, 2, 0.0, true, false, false, 8, 8,
                        false, new Rng(1))),
                new Case("MHA-batch-first-no-bias", true, 8, false, f -> new MultiheadAttention(f, 8, 4, 0.2, false,
                        false, false, 8, 8, true, new Rng(2))),
                new Case("MHA-unbatched", false, 6, true, f -> new MultiheadAttention(f, 6, 3, 0.0, true, false,
                        false, 6, 6, false, new Rng(3))),
                new Case("MHA-bias-kv-zero-attn", false, 8, false, f -> new MultiheadAttention(f, 8, 2, 0.0, true, true,
                        true, 8, 8, false, new Rng(12))),
                new Case("MHA-unbatched-bias-kv", false, 6, true, f -> new MultiheadAttention(f, 6, 3, 0.0, true, true,
                        false, 6, 6, false, new Rng(13))),
                new Case("EncoderLayer-post-norm-relu", false, 8, false, f -> layer(f, 8, 2, "relu", false, false, 4)),
                new Case("EncoderLayer-pre-norm-gelu-batch-first", true, 8, false,
                        f -> layer(f, 8, 4, "gelu", true, true, 5)),
                new Case("Encoder-2-layers-norm", false, 8, false, f -> new TransformerEncoder(
                        layer(f, 8, 2, "relu", false, false, 6), 2,
                        new LayerNorm(f, new int[] {8}, 1e-5, true), new Rng(7))),
                new Case("Encoder-pre-norm-batch-first-Linear", true, 8, false, f -> new Sequential(
                        new TransformerEncoder(layer(f, 8, 2, "relu", true, true, 8), 2, null, new Rng(9)),
                        new ReLU(), linear(f, 8, 3, 10))));
    }

    static Stream<Arguments> casesByDType() {
        return cases().stream().flatMap(c -> Stream.of(Arguments.of(c, DType.FLOAT32), Arguments.of(c, DType.FLOAT64)));
    }

    static Tensor input(Case c, TensorFactory f, int batch, int length, long seed) {
        if (c.unbatched()) return f.normal(new Rng(seed), 0, 1.5, length, c.features());
        return c.batchFirst() ? f.normal(new Rng(seed), 0, 1.5, batch, length, c.features())
                : f.normal(new Rng(seed), 0, 1.5, length, batch, c.features());
    }

    static Module prepared(Case c, TensorFactory f) {
        Module m = c.build().apply(f);
        return CnnCases.prepared(m, f, c.unbatched() ? new int[] {c.features()} : new int[] {3, c.features()}, 31);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesByDType")
    void onnxRuntimeAndTheImporterReproduceDescent(Case c, DType dtype, @TempDir Path dir) throws Exception {
        TensorFactory f = Tensor.on(Backends.get("ejml"), dtype);
        Module model = prepared(c, f);
        Path file = dir.resolve(c.name() + ".onnx");
        Onnx.export(model, input(c, f, 3, 4, 10), file);
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(file));
        SpecRules.check(proto);
        OnnxModule loaded = Onnx.load(file);
        double tolerance = dtype == DType.FLOAT64 ? OnnxExportTest.F64_TOLERANCE : OnnxExportTest.F32_TOLERANCE;
        // ONNX Runtime 1.23.2 has no float64 Erf, which the exact GELU needs
        boolean float32Only = dtype == DType.FLOAT64 && c.name().contains("gelu");
        for (int[] size : new int[][] {{2, 5}, {7, 3}}) {
            Tensor x = input(c, f, size[0], size[1], 20 + size[0]);
            Tensor expected = OnnxExportTest.descent(model, x);
            double back = OrtRunner.relativeError(loaded.predict(x), expected);
            if (float32Only) {
                var refused = assertThrows(ai.onnxruntime.OrtException.class, () -> OrtRunner.run(file, x));
                assertTrue(refused.getMessage().contains("Erf"), refused.getMessage());
                System.out.printf("Descent-import %-40s %s %s: relative error %.3g (ORT: no double Erf)%n",
                        c.name(), dtype, java.util.Arrays.toString(size), back);
                assertTrue(back <= tolerance, c.name() + " " + dtype + ": import relative error " + back);
                continue;
            }
            Tensor ort = OrtRunner.run(file, x);
            assertEquals(expected.shape(), ort.shape(), c.name());
            double err = OrtRunner.relativeError(ort, expected);
            System.out.printf("ORT-vs-Descent %-40s %s %s: relative error %.3g (Descent's import %.3g)%n",
                    c.name(), dtype, java.util.Arrays.toString(size), err, back);
            assertTrue(err <= tolerance, c.name() + " " + dtype + " " + java.util.Arrays.toString(size)
                    + ": relative error " + err);
            assertTrue(back <= tolerance, c.name() + " " + dtype + ": import relative error " + back);
        }
    }

    static List<String> dimNames(TensorShapeProto shape) {
        return shape.getDimList().stream().map(d -> d.hasDimParam() ? d.getDimParam() : "" + d.getDimValue()).toList();
    }

    @Test
    void theBatchAndTheSequenceAreSymbolicInTheLayersLayout() {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Case seqFirst = cases().get(0), batchFirst = cases().get(1);
        ModelProto p = Onnx.toModel(prepared(seqFirst, f), input(seqFirst, f, 3, 4, 1));
        assertEquals(List.of("sequence", "batch", "8"), dimNames(p.getGraph().getInput(0).getType().getTensorType().getShape()));
        assertEquals(List.of("sequence", "batch", "8"), dimNames(p.getGraph().getOutput(0).getType().getTensorType().getShape()));
        p = Onnx.toModel(prepared(batchFirst, f), input(batchFirst, f, 3, 4, 1));
        assertEquals(List.of("batch", "sequence", "8"), dimNames(p.getGraph().getInput(0).getType().getTensorType().getShape()));
        assertTrue(p.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals("in_proj_weight")));
        assertTrue(p.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Softmax")));
    }

    /** A module calling the attention with a padding mask, which its traced call does not reach as a layer. */
    static final class Masked extends Module {
        final MultiheadAttention attention;

        Masked(TensorFactory f) {
            attention = register("attn", new MultiheadAttention(f, 4, 2, 0.0, true, false, false, 4, 4, false,
                    new Rng(1)));
        }

        @Override
        public Variable forward(Variable x) {
            Tensor padding = Tensor.on(x.value().backend(), DType.INT32).zeros(x.shape().dim(1), x.shape().dim(0));
            return attention.forward(x, x, x, padding, false, null, true, false).output();
        }
    }

    @Test
    void unsupportedAttentionFormsAreRefusedBeforeAFileIsWritten(@TempDir Path dir) {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Path file = dir.resolve("m.onnx");
        Module masked = new Masked(f);
        masked.eval();
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> Onnx.export(masked, f.zeros(3, 2, 4), file));
        assertTrue(e.getMessage().contains("module '<root>' (Masked)"), e.getMessage());
        assertFalse(Files.exists(file));
        Module training = new MultiheadAttention(f, 4, 2, 0.1, true, false, false, 4, 4, false, new Rng(1));
        e = assertThrows(OnnxExportException.class, () -> Onnx.export(training, f.zeros(3, 2, 4), file));
        assertTrue(e.getMessage().contains("MultiheadAttention at '<root>' is in training mode"), e.getMessage());
        assertFalse(Files.exists(file));
    }
}
