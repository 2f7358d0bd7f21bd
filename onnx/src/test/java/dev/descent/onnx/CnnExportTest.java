package dev.descent.onnx;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.layers.AdaptiveAvgPool2d;
import dev.descent.nn.layers.BatchNorm2d;
import dev.descent.nn.layers.Conv2d;
import dev.descent.nn.layers.Padding;
import dev.descent.nn.layers.Sequential;
import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.GraphProto;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.descent.onnx.CnnCases.two;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convolution, pooling and normalisation exports' forms and refusals, and the importer's checks of them. */
class CnnExportTest {
    private final TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);

    private Conv2d conv(int in, int out, Padding p) {
        return CnnCases.conv2d(f, in, out, two(3, 3), two(1, 1), p, two(1, 1), 1, true, 1);
    }

    private static NodeProto node(ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).findFirst().orElseThrow();
    }

    private static List<Long> ints(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow()
                .getIntsList();
    }

    @Test
    void sameIsWrittenAsExplicitPadsWithTheOddOneAfter() {
        Conv2d c = CnnCases.conv2d(f, 2, 3, two(4, 3), two(1, 1), Padding.SAME, two(1, 2), 1, false, 1);
        ModelProto m = Onnx.toModel(c, f.zeros(2, 2, 6, 6));
        NodeProto conv = node(m, "Conv");
        // kernel 4, dilation 1: total 3 = 1 before + 2 after; kernel 3, dilation 2: total 4 = 2 + 2
        assertEquals(List.of(1L, 2L, 2L, 2L), ints(conv, "pads"));
        assertEquals(List.of(1L, 2L), ints(conv, "dilations"));
        assertEquals(List.of("input", "weight"), conv.getInputList());
    }

    @Test
    void nonDividingAdaptivePoolingNamesTheModuleAndWritesNothing(@TempDir Path dir) throws Exception {
        Module model = new Sequential(conv(1, 2, Padding.of(1)), new ReLU(), new AdaptiveAvgPool2d(2, 3));
        model.eval();
        Path file = dir.resolve("m.onnx");
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> Onnx.export(model, f.zeros(2, 1, 5, 7), file));
        assertTrue(e.getMessage().contains("'AdaptiveAvgPool2d' in module '2'")
                && e.getMessage().contains("(5, 7)"), e.getMessage());
        assertFalse(Files.exists(file));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void batchNormInTrainingModeAndUnbatchedConvolutionsAreRefused() {
        Module bn = new Sequential(conv(1, 2, Padding.of(1)), new BatchNorm2d(f, 2, 1e-5, 0.1, true, true));
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> Onnx.toModel(bn, f.zeros(2, 1, 4, 4)));
        assertTrue(e.getMessage().contains("BatchNorm2d at '1' is in training mode"), e.getMessage());
        Module unbatched = new Sequential(new Module() {
            final Conv2d c = register("c", conv(2, 2, Padding.of(1)));

            @Override
            public dev.descent.autodiff.Variable forward(dev.descent.autodiff.Variable x) {
                return c.apply(x.reshape(2, 4, 4)); // (C, H, W): the sample's two rows taken as channels
            }
        });
        e = assertThrows(OnnxExportException.class, () -> Onnx.toModel(unbatched, f.zeros(2, 1, 4, 4)));
        assertTrue(e.getMessage().contains("module '0.c'") && e.getMessage().contains("batched input of rank 4"),
                e.getMessage());
    }

    @Test
    void paddingModesOutputPaddingsOfTheStrideOrMoreAndDivisorOverridesAreRefused() {
        Module reflect = new Sequential(new Conv2d(f, 1, 2, two(3, 3), two(1, 1), Padding.of(1),
                two(1, 1), 1, true, dev.descent.nn.layers.PaddingMode.REFLECT, new Rng(1)));
        reflect.eval();
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> Onnx.toModel(reflect, f.zeros(2, 1, 4, 4)));
        assertTrue(e.getMessage().contains("'Conv2d' in module '0'") && e.getMessage().contains("padding_mode 'reflect'"),
                e.getMessage());
        Module beyondStride = new Sequential(new dev.descent.nn.layers.ConvTranspose2d(f, 2, 3, two(3, 3), two(1, 2),
                two(1, 0), two(1, 1), 1, true, two(2, 1), new Rng(8)));
        beyondStride.eval();
        e = assertThrows(OnnxExportException.class, () -> Onnx.toModel(beyondStride, f.zeros(2, 2, 3, 4)));
        assertTrue(e.getMessage().contains("'ConvTranspose2d' in module '0'")
                && e.getMessage().contains("output_padding [1, 1] of at least the stride (1, 2)"), e.getMessage());
        Module divisor = new Sequential(new dev.descent.nn.layers.AvgPool2d(two(2, 2), null, two(0, 0), false, true, 3));
        e = assertThrows(OnnxExportException.class, () -> Onnx.toModel(divisor, f.zeros(2, 2, 4, 4)));
        assertTrue(e.getMessage().contains("'AvgPool2d' in module '0'") && e.getMessage().contains("divisor_override 3"),
                e.getMessage());
    }

    private static ModelProto withAttribute(ModelProto m, String op, AttributeProto a) {
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (!g.getNode(i).getOpType().equals(op)) continue;
            NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = n.getAttributeCount() - 1; k >= 0; k--) {
                if (n.getAttribute(k).getName().equals(a.getName())) n.removeAttribute(k);
            }
            g.setNode(i, n.addAttribute(a));
        }
        return m.toBuilder().setGraph(g).build();
    }

    @Test
    void autoPadSameUpperRunsAsTheExplicitPads() throws Exception {
        Conv2d c = CnnCases.conv2d(f, 2, 3, two(4, 3), two(1, 1), Padding.SAME, two(1, 1), 1, true, 2);
        Tensor x = f.normal(new Rng(3), 0, 1, 2, 2, 5, 6);
        ModelProto m = Onnx.toModel(c, x);
        ModelProto auto = withAttribute(withAttribute(m, "Conv", GraphWriter.ints("pads", 0, 0, 0, 0)), "Conv",
                AttributeProto.newBuilder().setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
                        .setS(com.google.protobuf.ByteString.copyFromUtf8("SAME_UPPER")).build());
        Tensor expected = OnnxModule.fromBytes(m.toByteArray()).predict(x);
        assertTrue(OnnxModule.fromBytes(auto.toByteArray()).predict(x).equal(expected));
        assertTrue(expected.equal(OnnxExportTest.descent(c, x)));
    }

    @Test
    void windowAttributesAreCheckedAtLoadAndOutputsBoundedAtRun() throws Exception {
        Module model = new Sequential(conv(1, 2, Padding.of(1)), new dev.descent.nn.layers.MaxPool2d(2));
        ModelProto m = Onnx.toModel(model, f.zeros(2, 1, 4, 4));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModule.fromBytes(
                withAttribute(m, "MaxPool", GraphWriter.ints("pads", 0, 0, 1, 1)).toByteArray()));
        assertTrue(e.getMessage().contains("symmetric pooling pads"), e.getMessage());
        e = assertThrows(OnnxFormatException.class, () -> OnnxModule.fromBytes(
                withAttribute(m, "Conv", GraphWriter.ints("strides", 1, 1L << 40)).toByteArray()));
        assertTrue(e.getMessage().contains("(Conv)") && e.getMessage().contains("'strides'"), e.getMessage());
        OnnxModule padded = OnnxModule.fromBytes(withAttribute(m, "Conv",
                GraphWriter.ints("pads", 1L << 16, 1L << 16, 1L << 16, 1L << 16)).toByteArray());
        IllegalArgumentException run = assertThrows(IllegalArgumentException.class,
                () -> padded.predict(f.zeros(2, 1, 4, 4)));
        assertTrue(run.getMessage().startsWith("OnnxModule: node 0") && run.getMessage().contains("the importer's bound"),
                run.getMessage());
    }
}
