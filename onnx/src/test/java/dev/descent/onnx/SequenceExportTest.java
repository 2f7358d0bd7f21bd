package dev.descent.onnx;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.recurrent.GRU;
import dev.descent.nn.recurrent.LSTM;
import dev.descent.nn.recurrent.RNN;
import dev.descent.nn.recurrent.RecurrentOptions;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedding, RNN, LSTM and GRU exported and run in ONNX Runtime and in Descent's importer, on inputs whose leading axis
 * takes two sizes, in float32 and float64. A recurrent layer's input is {@code (T, B, F)}, or {@code (B, T, F)}
 * with {@code batch_first}: the leading axis is the symbolic one either way.
 */
class SequenceExportTest {
    /** A model, its input's trailing shape, and the vocabulary of an integer input (0: a float input). */
    record Case(String name, int[] features, int vocabulary, Function<TensorFactory, Module> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static RecurrentOptions opts(int in, int hidden) {
        return RecurrentOptions.of(in, hidden);
    }

    static List<Case> cases() {
        return List.of(
                new Case("Embedding", new int[] {6}, 11, f -> new Sequential(
                        new Embedding(f, 11, 5, 0, null, new Rng(1)), linear(f, 5, 3, 2))),
                new Case("LSTM", new int[] {3, 4}, 0, f -> new Sequential(new LSTM(f, opts(4, 5), new Rng(3)),
                        linear(f, 5, 2, 4))),
                new Case("LSTM-2-layers-bidirectional-batch-first", new int[] {7, 4}, 0, f -> new Sequential(
                        new LSTM(f, opts(4, 5).withNumLayers(2).withBidirectional(true).withBatchFirst(true)
                                .withDropout(0.3), new Rng(5)), linear(f, 10, 3, 6))),
                new Case("GRU", new int[] {3, 4}, 0, f -> new GRU(f, opts(4, 6), new Rng(7))),
                new Case("GRU-bidirectional-batch-first-no-bias", new int[] {5, 3}, 0, f -> new GRU(f,
                        opts(3, 4).withBidirectional(true).withBatchFirst(true).withBias(false), new Rng(8))),
                new Case("RNN", new int[] {3, 4}, 0, f -> new Sequential(new RNN(f, opts(4, 5),
                        RNN.Nonlinearity.TANH, new Rng(12)), linear(f, 5, 2, 13))),
                new Case("RNN-relu-2-layers-bidirectional-batch-first", new int[] {6, 3}, 0, f -> new RNN(f,
                        opts(3, 4).withNumLayers(2).withBidirectional(true).withBatchFirst(true), RNN.Nonlinearity.RELU,
                        new Rng(14))),
                new Case("RNN-relu-no-bias", new int[] {4, 3}, 0, f -> new RNN(f, opts(3, 5).withBias(false),
                        RNN.Nonlinearity.RELU, new Rng(15))),
                new Case("Embedding-LSTM-tagger", new int[] {9}, 13, f -> new Sequential(
                        new Embedding(f, 13, 6, null, null, new Rng(9)),
                        new LSTM(f, opts(6, 5).withBatchFirst(true), new Rng(10)), linear(f, 5, 4, 11))));
    }

    static Stream<Arguments> casesByDType() {
        return cases().stream().flatMap(c -> Stream.of(Arguments.of(c, DType.FLOAT32), Arguments.of(c, DType.FLOAT64)));
    }

    static Tensor input(Case c, TensorFactory f, int n, long seed) {
        int[] dims = new int[c.features().length + 1];
        dims[0] = n;
        System.arraycopy(c.features(), 0, dims, 1, c.features().length);
        if (c.vocabulary() == 0) return f.normal(new Rng(seed), 0, 1.5, dims);
        Rng rng = new Rng(seed);
        int size = 1;
        for (int d : dims) size *= d;
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) idx[i] = (int) Math.floor(rng.nextDouble() * c.vocabulary());
        return Tensor.on(f.backend(), DType.INT32).of(idx, dims);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesByDType")
    void onnxRuntimeAndTheImporterReproduceDescent(Case c, DType dtype, @TempDir Path dir) throws Exception {
        TensorFactory f = Tensor.on(Backends.get("ejml"), dtype);
        Module model = c.build().apply(f);
        model.eval();
        Path file = dir.resolve(c.name() + ".onnx");
        Onnx.export(model, input(c, f, 3, 10), file);
        SpecRules.check(ModelProto.parseFrom(Files.readAllBytes(file)));
        OnnxModule loaded = Onnx.load(file);
        double tolerance = dtype == DType.FLOAT64 ? OnnxExportTest.F64_TOLERANCE : OnnxExportTest.F32_TOLERANCE;
        // ONNX Runtime 1.23.2's CPU LSTM and GRU kernels are float32 only ("does not support double yet")
        boolean float32Only = dtype == DType.FLOAT64 && (c.name().contains("LSTM") || c.name().contains("GRU")
                || c.name().startsWith("RNN"));
        for (int n : new int[] {4, 11}) {
            Tensor x = input(c, f, n, 20 + n);
            Tensor expected = OnnxExportTest.descent(model, x);
            if (float32Only) {
                var refused = assertThrows(ai.onnxruntime.OrtException.class, () -> OrtRunner.run(file, x));
                // LSTM and GRU: "does not support double yet"; RNN: no kernel registered for double at all
                assertTrue(refused.getMessage().contains("does not support double")
                        || refused.getMessage().contains("Could not find an implementation for RNN"), refused.getMessage());
                double back = OrtRunner.relativeError(loaded.predict(x), expected);
                System.out.printf("Descent-import %-40s %s size %2d: relative error %.3g (ORT: float32 only)%n",
                        c.name(), dtype, n, back);
                assertTrue(back <= tolerance, c.name() + " " + dtype + " size " + n + ": import relative error " + back);
                continue;
            }
            Tensor ort = OrtRunner.run(file, x);
            assertEquals(expected.shape(), ort.shape(), c.name());
            double err = OrtRunner.relativeError(ort, expected);
            double back = OrtRunner.relativeError(loaded.predict(x), expected);
            System.out.printf("ORT-vs-Descent %-40s %s size %2d: relative error %.3g (Descent's import %.3g)%n",
                    c.name(), dtype, n, err, back);
            assertTrue(err <= tolerance, c.name() + " " + dtype + " size " + n + ": relative error " + err);
            assertTrue(back <= tolerance, c.name() + " " + dtype + " size " + n + ": import relative error " + back);
        }
    }

    @Test
    void theReluRnnIsAnOnnxRnnWithReluActivationsPerDirection() {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Module rnn = new Sequential(new RNN(f, opts(4, 5).withBidirectional(true), RNN.Nonlinearity.RELU, new Rng(1)));
        rnn.eval();
        ModelProto p = Onnx.toModel(rnn, f.zeros(3, 2, 4));
        var node = p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("RNN")).findFirst().orElseThrow();
        var activations = node.getAttributeList().stream().filter(a -> a.getName().equals("activations")).findFirst()
                .orElseThrow().getStringsList().stream().map(b -> b.toStringUtf8()).toList();
        assertEquals(List.of("Relu", "Relu"), activations);
        Module tanh = new RNN(f, opts(4, 5), RNN.Nonlinearity.TANH, new Rng(1));
        tanh.eval();
        assertTrue(Onnx.toModel(tanh, f.zeros(3, 2, 4)).getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("RNN")).allMatch(n -> n.getAttributeList().stream()
                        .noneMatch(a -> a.getName().equals("activations"))));
    }

    @Test
    void aRecurrentLayerInTrainingWithDropoutIsRefused() {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        OnnxExportException e;
        Module lstm = new LSTM(f, opts(4, 5).withNumLayers(2).withDropout(0.2), new Rng(2));
        e = assertThrows(OnnxExportException.class, () -> Onnx.toModel(lstm, f.zeros(3, 2, 4)));
        assertTrue(e.getMessage().contains("LSTM at '<root>' is in training mode"), e.getMessage());
    }
}
