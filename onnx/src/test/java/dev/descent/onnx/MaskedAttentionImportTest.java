package dev.descent.onnx;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.io.Json;
import dev.descent.nn.Module;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.descent.onnx.OnnxImportTest.resource;
import static dev.descent.onnx.OnnxImportTest.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models with several inputs: PyTorch's export of a masked TransformerEncoder (boolean attention and key-padding
 * masks, BOOL inputs; Equal, Where, Expand, Or and Cast to BOOL in its mask arithmetic) against PyTorch's stored
 * outputs on two (time, batch) sizes, and Descent's masked exports loaded back.
 */
class MaskedAttentionImportTest {
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> goldenCases() throws IOException {
        Map<String, Object> golden = (Map<String, Object>) Json.parse(new String(resource("pytorch/encoder_masked.json"),
                StandardCharsets.UTF_8));
        return (List<Map<String, Object>>) golden.get("cases");
    }

    @Test
    void pytorchsMaskedEncoderReproducesPyTorchsOutputs() throws IOException {
        OnnxModule model = OnnxModule.fromBytes(resource("pytorch/encoder_masked.onnx"));
        assertEquals(List.of("input", "attn_mask", "key_padding_mask"), model.inputNames());
        List<String> ops = ModelProto.parseFrom(resource("pytorch/encoder_masked.onnx")).getGraph().getNodeList()
                .stream().map(NodeProto::getOpType).distinct().toList();
        assertTrue(ops.containsAll(List.of("Equal", "Where", "Expand", "Or", "Cast")), ops.toString());
        List<Map<String, Object>> cases = goldenCases();
        assertEquals(2, cases.size());
        for (Map<String, Object> c : cases) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("input", tensor(c.get("input"), DType.FLOAT32));
            in.put("attn_mask", tensor(c.get("attn_mask"), DType.INT32));
            in.put("key_padding_mask", tensor(c.get("key_padding_mask"), DType.INT32));
            Tensor expected = tensor(c.get("output"), DType.FLOAT64);
            Tensor actual = model.predict(in);
            assertEquals(expected.shape(), actual.shape());
            double err = OrtRunner.relativeError(actual, expected);
            System.out.printf("PyTorch-vs-Descent encoder_masked %s: relative error %.3g%n", in.get("input").shape(), err);
            assertTrue(err <= 1e-5, "relative error " + err);
            // the masks matter
            Map<String, Tensor> open = new LinkedHashMap<>(in);
            var ints = Tensor.on(Backends.get("ejml"), DType.INT32);
            open.put("attn_mask", ints.zeros(in.get("attn_mask").shape().dims()));
            open.put("key_padding_mask", ints.zeros(in.get("key_padding_mask").shape().dims()));
            assertTrue(OrtRunner.relativeError(model.predict(open), expected) > 1e-3);
        }
    }

    @Test
    void aModelOfSeveralInputsNamesThemWhenOneIsMissing() throws IOException {
        OnnxModule model = OnnxModule.fromBytes(resource("pytorch/encoder_masked.onnx"));
        Tensor x = Tensor.on(Backends.get("ejml"), DType.FLOAT32).zeros(3, 2, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> model.predict(x));
        assertTrue(e.getMessage().contains("[input, attn_mask, key_padding_mask]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.predict(Map.of("input", x)));
        assertTrue(e.getMessage().contains("expected the inputs"), e.getMessage());
        Map<String, Tensor> wrongType = new LinkedHashMap<>();
        wrongType.put("input", x);
        wrongType.put("attn_mask", x.reshape(3, 16).slice(1, 0, 3).copy());
        wrongType.put("key_padding_mask", Tensor.on(Backends.get("ejml"), DType.INT32).zeros(2, 3));
        e = assertThrows(IllegalArgumentException.class, () -> model.predict(wrongType));
        assertTrue(e.getMessage().contains("input 'attn_mask' is int32, got float32"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.descent.onnx.MaskedAttentionExportTest#casesByDType")
    void descentsMaskedExportsLoadBackWithTheSameOutputs(MaskedAttentionExportTest.Case c, DType dtype,
                                                         @TempDir Path dir) throws IOException {
        TensorFactory f = Tensor.on(Backends.get("ejml"), dtype);
        var p = MaskedAttentionExportTest.plain(c);
        Module model = AttentionExportTest.prepared(p, f);
        Path file = dir.resolve("m.onnx");
        Onnx.export(model, MaskedAttentionExportTest.inputs(AttentionExportTest.input(p, f, 3, 4, 10),
                MaskedAttentionExportTest.masks(c, f, 3, 4, 11)), file);
        OnnxModule loaded = Onnx.load(file);
        for (int[] size : new int[][] {{2, 5}, {7, 3}}) {
            Tensor x = AttentionExportTest.input(p, f, size[0], size[1], 20 + size[0]);
            Map<String, Tensor> masks = MaskedAttentionExportTest.masks(c, f, size[0], size[1], 30 + size[0]);
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("input", x);
            in.putAll(masks);
            double err = OrtRunner.relativeError(loaded.predict(in), MaskedAttentionExportTest.descent(model, x, masks));
            System.out.printf("Descent-import masked %-58s %s %s: relative error %.3g%n", c.name(), dtype,
                    Arrays.toString(size), err);
            assertTrue(err <= (dtype == DType.FLOAT64 ? OnnxExportTest.F64_TOLERANCE : OnnxExportTest.F32_TOLERANCE),
                    c + " " + dtype + " " + Arrays.toString(size) + ": " + err);
        }
    }

    /** A one-node model {@code op(a, b)} over inputs of the given ONNX types and shapes (symbolic-free). */
    static OnnxModule node(String op, int[] types, int[][] shapes, int outType) throws OnnxFormatException {
        var g = dev.descent.onnx.proto.OnnxProto.GraphProto.newBuilder().setName("g");
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("the_" + op).addOutput("output");
        for (int k = 0; k < types.length; k++) {
            String name = "in" + k;
            n.addInput(name);
            g.addInput(Exporter.valueInfo(name, DType.FLOAT32, shapes[k], new String[0]).toBuilder()
                    .setType(dev.descent.onnx.proto.OnnxProto.TypeProto.newBuilder().setTensorType(
                            dev.descent.onnx.proto.OnnxProto.TypeProto.Tensor.newBuilder().setElemType(types[k]))));
        }
        g.addNode(n).addOutput(Exporter.valueInfo("output", DType.FLOAT32, new int[0], new String[0]).toBuilder()
                .setType(dev.descent.onnx.proto.OnnxProto.TypeProto.newBuilder().setTensorType(
                        dev.descent.onnx.proto.OnnxProto.TypeProto.Tensor.newBuilder().setElemType(outType))));
        return OnnxModule.fromBytes(ModelProto.newBuilder().setIrVersion(8).addOpsetImport(
                dev.descent.onnx.proto.OnnxProto.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build().toByteArray());
    }

    @Test
    void booleanOperatorsFollowTheirTruthTablesAndBroadcast() throws IOException {
        var ints = Tensor.on(Backends.get("ejml"), DType.INT32);
        var floats = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        int bool = TensorProto.DataType.BOOL_VALUE, f32 = TensorProto.DataType.FLOAT_VALUE;
        Tensor a = ints.of(new int[] {0, 0, 1, 1}, 2, 2), b = ints.of(new int[] {0, 1}, 2); // b broadcasts over rows
        Map<String, int[]> expected = Map.of("And", new int[] {0, 0, 0, 1}, "Or", new int[] {0, 1, 1, 1},
                "Xor", new int[] {0, 1, 1, 0}, "Equal", new int[] {1, 0, 0, 1});
        for (var e : expected.entrySet()) {
            OnnxModule m = node(e.getKey(), new int[] {bool, bool}, new int[][] {{2, 2}, {2}}, bool);
            // NOTE: a BOOL output is an INT32 tensor of 0 and 1; predict returns values, so read it as INT32 ints
            var out = m.forward(Map.of("in0", dev.descent.autodiff.Variable.constant(a),
                    "in1", dev.descent.autodiff.Variable.constant(b))).value();
            assertEquals(DType.INT32, out.dtype(), e.getKey());
            assertEquals(Arrays.toString(e.getValue()), Arrays.toString(out.toIntArray()), e.getKey());
        }
        OnnxModule not = node("Not", new int[] {bool}, new int[][] {{2, 2}}, bool);
        assertEquals("[1, 1, 0, 0]", Arrays.toString(not.forward(Map.of("in0",
                dev.descent.autodiff.Variable.constant(a))).value().toIntArray()));
        // Equal of floats
        OnnxModule eq = node("Equal", new int[] {f32, f32}, new int[][] {{3}, {3}}, bool);
        assertEquals("[1, 0, 1]", Arrays.toString(eq.forward(Map.of(
                "in0", dev.descent.autodiff.Variable.constant(floats.of(new float[] {1, 2, Float.NEGATIVE_INFINITY}, 3)),
                "in1", dev.descent.autodiff.Variable.constant(floats.of(new float[] {1, 3, Float.NEGATIVE_INFINITY}, 3))))
                .value().toIntArray()));
        // a mismatch names the node
        OnnxModule or = node("Or", new int[] {bool, bool}, new int[][] {{2, 2}, {3}}, bool);
        var bad = assertThrows(IllegalArgumentException.class, () -> or.forward(Map.of(
                "in0", dev.descent.autodiff.Variable.constant(a),
                "in1", dev.descent.autodiff.Variable.constant(ints.zeros(3)))));
        assertTrue(bad.getMessage().startsWith("OnnxModule: node 0 'the_Or' (Or)"), bad.getMessage());
    }

    @Test
    void expandBroadcastsBothWaysAndIsBounded() throws IOException {
        var floats = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        var ints = Tensor.on(Backends.get("ejml"), DType.INT32);
        int f32 = TensorProto.DataType.FLOAT_VALUE, i64 = TensorProto.DataType.INT64_VALUE;
        OnnxModule m = node("Expand", new int[] {f32, i64}, new int[][] {{3, 1}, {2}}, f32);
        var x = dev.descent.autodiff.Variable.constant(floats.of(new float[] {1, 2, 3}, 3, 1));
        Tensor y = m.forward(Map.of("in0", x, "in1", dev.descent.autodiff.Variable.constant(ints.of(new int[] {1, 4}, 2))))
                .value();
        assertEquals(dev.descent.core.Shape.of(3, 4), y.shape());
        assertEquals("[1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0]", Arrays.toString(y.toDoubleArray()));
        // (3, 1) with (2, 1, 5): rank grows, the input's 3 stays
        y = m.forward(Map.of("in0", x, "in1", dev.descent.autodiff.Variable.constant(ints.of(new int[] {2, 1, 5}, 3))))
                .value();
        assertEquals(dev.descent.core.Shape.of(2, 3, 5), y.shape());
        var tooBig = assertThrows(IllegalArgumentException.class, () -> m.forward(Map.of("in0", x, "in1",
                dev.descent.autodiff.Variable.constant(ints.of(new int[] {1 << 14, 1, 1 << 14}, 3)))));
        assertTrue(tooBig.getMessage().contains("'the_Expand'") && tooBig.getMessage().contains("bound"),
                tooBig.getMessage());
        var mismatch = assertThrows(IllegalArgumentException.class, () -> m.forward(Map.of("in0", x, "in1",
                dev.descent.autodiff.Variable.constant(ints.of(new int[] {2, 4}, 2)))));
        assertTrue(mismatch.getMessage().contains("'the_Expand'") && mismatch.getMessage().contains("does not expand"),
                mismatch.getMessage());
    }
}
