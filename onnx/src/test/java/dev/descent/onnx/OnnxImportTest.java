package dev.descent.onnx;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.io.Json;
import dev.descent.nn.Module;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX models run as Descent modules: PyTorch's exports against PyTorch's outputs, and Descent's own round trip. */
class OnnxImportTest {
    static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxImportTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return in.readAllBytes();
        }
    }

    static Tensor tensor(Object json, DType dtype) {
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) json;
        List<?> shape = (List<?>) m.get("shape"), data = (List<?>) m.get("data");
        int[] dims = shape.stream().mapToInt(d -> ((Number) d).intValue()).toArray();
        double[] v = data.stream().mapToDouble(Json::toDouble).toArray();
        return Tensor.on(Backends.get("ejml"), DType.FLOAT64).of(v, dims).to(dtype);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "activations", "mlp64", "cnn", "upsample", "conv1d", "tagger", "lstm", "gru", "rnn", "rnn_relu",
        "encoder"})
    void pytorchExportsReproducePyTorchsOutputs(String name) throws IOException {
        OnnxModule model = OnnxModule.fromBytes(resource("pytorch/" + name + ".onnx"));
        @SuppressWarnings("unchecked") Map<String, Object> golden = (Map<String, Object>) Json.parse(
                new String(resource("pytorch/" + name + ".json"), StandardCharsets.UTF_8));
        Tensor x = tensor(golden.get("input"), model.dtype());
        Tensor expected = tensor(golden.get("output"), DType.FLOAT64);
        Tensor actual = model.predict(x);
        assertEquals(expected.shape(), actual.shape());
        double err = OrtRunner.relativeError(actual, expected);
        System.out.printf("PyTorch-vs-Descent %-12s %s: relative error %.3g%n", name, model.dtype(), err);
        assertTrue(err <= (model.dtype() == DType.FLOAT64 ? 1e-10 : 1e-5), name + ": relative error " + err);
    }

    static Stream<Arguments> exported() {
        return OnnxExportTest.casesByDType();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("exported")
    void descentsExportsLoadBackWithTheSameOutputs(OnnxExportTest.Case c, DType dtype, @TempDir Path dir)
            throws IOException {
        TensorFactory f = Tensor.on(Backends.get("ejml"), dtype);
        Module model = c.build().apply(f);
        model.eval();
        Path file = dir.resolve("m.onnx");
        Onnx.export(model, OnnxExportTest.batch(f, 3, c.features(), 1), file);
        OnnxModule loaded = Onnx.load(file);
        for (int n : new int[] {2, 9}) {
            Tensor x = OnnxExportTest.batch(f, n, c.features(), 40 + n);
            double err = OrtRunner.relativeError(loaded.predict(x), OnnxExportTest.descent(model, x));
            // NOTE: the bounds; a float64 normalisation's eps passes through ONNX's float32 attribute
            assertTrue(err <= (dtype == DType.FLOAT64 ? OnnxExportTest.F64_TOLERANCE : OnnxExportTest.F32_TOLERANCE),
                    c + " " + dtype + ": " + err);
        }
    }

    static ModelProto mlp() throws IOException {
        return ModelProto.parseFrom(resource("pytorch/mlp.onnx"));
    }

    static OnnxFormatException rejected(ModelProto m) {
        return assertThrows(OnnxFormatException.class, () -> OnnxModule.fromBytes(m.toByteArray()));
    }

    @Test
    void anOperatorOutsideTheSetNamesTheOperatorAndTheNode() throws IOException {
        ModelProto m = mlp();
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(1, g.getNode(1).toBuilder().setOpType("Einsum").setName("/einsum_here"));
        OnnxFormatException e = rejected(m.toBuilder().setGraph(g).build());
        assertTrue(e.getMessage().contains("'/einsum_here'") && e.getMessage().contains("operator 'Einsum'"),
                e.getMessage());
    }

    @Test
    void nodesOutOfTopologicalOrderAreRejected() throws IOException {
        ModelProto m = mlp();
        GraphProto.Builder g = m.getGraph().toBuilder();
        NodeProto first = g.getNode(0);
        g.setNode(0, g.getNode(1)).setNode(1, first);
        OnnxFormatException e = rejected(m.toBuilder().setGraph(g).build());
        assertTrue(e.getMessage().contains("topological order"), e.getMessage());
    }

    @Test
    void boundsAreCheckedBeforeAnythingIsAllocated() throws IOException {
        ModelProto m = mlp();
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setInitializer(0, g.getInitializer(0).toBuilder().clearDims().addDims(1L << 20).addDims(1L << 20));
        OnnxFormatException e = rejected(m.toBuilder().setGraph(g).build());
        assertTrue(e.getMessage().contains("more than " + ModelReader.MAX_TENSOR_ELEMENTS), e.getMessage());
        GraphProto.Builder named = m.getGraph().toBuilder();
        named.setNode(0, named.getNode(0).toBuilder().setName("n".repeat(ModelReader.MAX_NAME_LENGTH + 1)));
        e = rejected(m.toBuilder().setGraph(named).build());
        assertTrue(e.getMessage().contains("name of " + (ModelReader.MAX_NAME_LENGTH + 1) + " characters"), e.getMessage());
    }

    @Test
    void deeplyNestedMessagesAreRejectedByTheNestingLimit() {
        // a subgraph attribute nested 2,000 deep (graph.node[1] -> node.attribute[5] -> attribute.g[6] -> ...),
        // encoded level by level on the wire, as a hostile file would be
        byte[] graph = new byte[0];
        for (int i = 0; i < 2_000; i++) graph = field(1, field(5, field(6, graph)));
        byte[] bytes = field(7, graph); // ModelProto.graph
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModule.fromBytes(bytes));
        assertTrue(e.getMessage().contains("not a valid ONNX protobuf message"), e.getMessage());
    }

    /** A length-delimited protobuf field. */
    static byte[] field(int number, byte[] payload) {
        try {
            var out = new java.io.ByteArrayOutputStream();
            var coded = com.google.protobuf.CodedOutputStream.newInstance(out);
            coded.writeByteArray(number, payload);
            coded.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void broadcastingBoundedInitialisersIntoAnUnboundedOutputIsRefusedBeforeAllocation() throws IOException {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        GraphProto g = GraphProto.newBuilder().setName("broadcast")
                .addInput(Exporter.valueInfo("input", DType.FLOAT32, new int[] {1}, true))
                .addOutput(Exporter.valueInfo("output", DType.FLOAT32, new int[] {4096, 32768}, false))
                .addInitializer(TensorCodec.toProto("tall", f.zeros(4096, 1)))
                .addInitializer(TensorCodec.toProto("wide", f.zeros(1, 32768)))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("column").addInput("input").addInput("tall")
                        .addOutput("t"))
                .addNode(NodeProto.newBuilder().setOpType("Mul").setName("outer").addInput("t").addInput("wide")
                        .addOutput("output"))
                .build();
        ModelProto m = mlp().toBuilder().setGraph(g).build();
        OnnxModule model = OnnxModule.fromBytes(m.toByteArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(f.ones(1)));
        assertTrue(e.getMessage().startsWith("OnnxModule: node 1 'outer' (Mul)")
                && e.getMessage().contains("the importer's bound"), e.getMessage());
    }

    static NodeProto node(String op, String name, List<String> in, List<String> out,
                          dev.descent.onnx.proto.OnnxProto.AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out)
                .addAllAttribute(List.of(attrs)).build();
    }

    /** Split (equal and sized, every output read), Cast, and a Reshape whose shape is computed from the input's. */
    @Test
    void splitOutputsCastAndRunTimeShapesRun() throws IOException {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        GraphProto g = GraphProto.newBuilder().setName("split")
                .addInput(Exporter.valueInfo("input", DType.FLOAT32, new int[] {2, 6}, true))
                .addOutput(Exporter.valueInfo("output", DType.FLOAT32, new int[] {2, 6}, true))
                .addInitializer(TensorCodec.int64s("sizes", 2, 4))
                .addInitializer(TensorCodec.int64s("one", 1))
                .addNode(node("Split", "thirds", List.of("input"), List.of("a", "b", "c"), GraphWriter.attr("axis", 1L)))
                .addNode(node("Split", "sized", List.of("input", "sizes"), List.of("p", "q"), GraphWriter.attr("axis", -1L)))
                .addNode(node("Concat", "rotated", List.of("c", "a", "b"), List.of("r"), GraphWriter.attr("axis", 1L)))
                .addNode(node("Concat", "swapped", List.of("q", "p"), List.of("s"), GraphWriter.attr("axis", 1L)))
                .addNode(node("Add", "sum", List.of("r", "s"), List.of("t")))
                .addNode(node("Shape", "shape", List.of("input"), List.of("shape")))
                .addNode(node("Cast", "cast", List.of("shape"), List.of("shape64"), GraphWriter.attr("to", 7L)))
                .addNode(node("Mul", "times_one", List.of("shape64", "one"), List.of("same_shape")))
                .addNode(node("Reshape", "reshape", List.of("t", "same_shape"), List.of("output")))
                .build();
        OnnxModule model = OnnxModule.fromBytes(mlp().toBuilder().setGraph(g).build().toByteArray());
        Tensor x = f.of(new double[] {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}, 2, 6);
        // columns (4, 5, 0, 1, 2, 3) + (2, 3, 4, 5, 0, 1)
        Tensor expected = f.of(new double[] {6, 8, 4, 6, 2, 4, 26, 28, 24, 26, 22, 24}, 2, 6);
        assertTrue(model.predict(x).equal(expected), model.predict(x).toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(f.zeros(2, 5)));
        assertTrue(e.getMessage().startsWith("OnnxModule: node 0 'thirds' (Split)"), e.getMessage());

        GraphProto.Builder badSizes = g.toBuilder().setNode(1, node("Split", "sized", List.of("input", "sizes"),
                List.of("p", "q", "extra"), GraphWriter.attr("axis", -1L)));
        OnnxFormatException rejected = rejected(mlp().toBuilder().setGraph(badSizes).build());
        assertTrue(rejected.getMessage().contains("'sized' (Split) has 3 outputs"), rejected.getMessage());
        GraphProto.Builder overflow = g.toBuilder().setInitializer(1, TensorCodec.int64s("one", Long.MAX_VALUE));
        OnnxModule huge = OnnxModule.fromBytes(mlp().toBuilder().setGraph(overflow).build().toByteArray());
        e = assertThrows(IllegalArgumentException.class, () -> huge.predict(x));
        assertTrue(e.getMessage().startsWith("OnnxModule: node 7 'times_one' (Mul)"), e.getMessage());
        GraphProto.Builder toFloat = g.toBuilder().setNode(6, node("Cast", "cast", List.of("shape"),
                List.of("shape64"), GraphWriter.attr("to", 1L)));
        OnnxModule floats = OnnxModule.fromBytes(mlp().toBuilder().setGraph(toFloat).build().toByteArray());
        e = assertThrows(IllegalArgumentException.class, () -> floats.predict(x));
        assertTrue(e.getMessage().contains("'cast' (Cast)") && e.getMessage().contains("keep the value's type"),
                e.getMessage());
    }

    @Test
    void aWrongInputIsAnErrorNamingTheNode() throws IOException {
        OnnxModule model = OnnxModule.fromBytes(resource("pytorch/mlp.onnx"));
        Tensor x = Tensor.on(Backends.get("ejml"), DType.FLOAT32).zeros(2, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(x));
        assertTrue(e.getMessage().startsWith("OnnxModule: node 0") && e.getMessage().contains("(Gemm)"), e.getMessage());
        Tensor wrongType = Tensor.on(Backends.get("ejml"), DType.FLOAT64).zeros(2, 4);
        e = assertThrows(IllegalArgumentException.class, () -> model.predict(wrongType));
        assertTrue(e.getMessage().contains("is float32, got float64"), e.getMessage());
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mlp.onnx");
        Files.write(file, resource("pytorch/mlp.onnx"));
        OnnxModule model = Onnx.load(file);
        assertEquals("input", model.inputName());
        Tensor x = Tensor.on(Backends.get("ejml"), DType.FLOAT32).normal(new dev.descent.core.Rng(3), 0, 1, 3, 4);
        Tensor y = model.predict(x);
        assertEquals(dev.descent.core.Shape.of(3, 3), y.shape());
        assertTrue(y.equal(OnnxModule.fromBytes(resource("pytorch/mlp.onnx")).predict(x)));
    }
}
