package dev.descent.onnx;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ELU;
import dev.descent.nn.activations.GELU;
import dev.descent.nn.activations.LeakyReLU;
import dev.descent.nn.activations.LogSoftmax;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Softplus;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.AdaptiveAvgPool2d;
import dev.descent.nn.layers.AvgPool2d;
import dev.descent.nn.layers.BatchNorm1d;
import dev.descent.nn.layers.BatchNorm2d;
import dev.descent.nn.layers.Conv1d;
import dev.descent.nn.layers.ConvTranspose2d;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Dropout2d;
import dev.descent.nn.layers.Flatten;
import dev.descent.nn.layers.GroupNorm;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.MaxPool1d;
import dev.descent.nn.layers.MaxPool2d;
import dev.descent.nn.layers.Padding;
import dev.descent.nn.layers.Unflatten;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.layers.TransformerEncoder;
import dev.descent.nn.layers.TransformerEncoderLayer;
import dev.descent.nn.recurrent.RNN;
import dev.descent.nn.recurrent.RecurrentOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.descent.onnx.OnnxExportTest.linear;

/**
 * The exported models kept as fixtures under {@code src/test/resources/dev/descent/onnx/exported}, checked once
 * offline with {@code onnx.checker} ({@code onnx/scripts/check_exported.py}). {@link #write} rewrites them when
 * the tests run with {@code -Ddescent.onnx.writeFixtures=DIR} (see {@link ExportedFixturesTest}).
 */
final class ExportedFixtures {
    private ExportedFixtures() {
    }

    record Fixture(Module model, ExportInputs inputs) {
        Fixture(Module model, Tensor sample) {
            this(model, ExportInputs.of(sample));
        }
    }

    static Map<String, Fixture> all() {
        TensorFactory f32 = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        TensorFactory f64 = Tensor.on(Backends.get("ejml"), DType.FLOAT64);
        Map<String, Fixture> m = new LinkedHashMap<>();
        m.put("mlp_f32", new Fixture(new Sequential(linear(f32, 4, 8, 1), new ReLU(), linear(f32, 8, 3, 2)),
                f32.zeros(2, 4)));
        m.put("activations_f32", new Fixture(activations(f32), f32.zeros(2, 2, 3)));
        m.put("activations_f64", new Fixture(activations(f64), f64.zeros(2, 2, 3)));
        m.put("custom_f64", new Fixture(new OnnxExportTest.Residual(f64), f64.normal(new Rng(5), 0, 1, 3, 5)));
        m.put("cnn_f32", new Fixture(cnn(f32), f32.zeros(2, 1, 12, 12)));
        m.put("cnn_f64", new Fixture(cnn(f64), f64.zeros(2, 1, 12, 12)));
        Module rnn = new RNN(f32, RecurrentOptions.of(3, 4).withNumLayers(2).withBidirectional(true),
                RNN.Nonlinearity.RELU, new Rng(6));
        rnn.eval();
        m.put("rnn_f32", new Fixture(rnn, f32.zeros(5, 2, 3)));
        Module encoder = new TransformerEncoder(new TransformerEncoderLayer(f32, 8, 2, 16, 0.1, "gelu", 1e-5, false,
                false, true, new Rng(7)), 2, new LayerNorm(f32, new int[] {8}, 1e-5, true), new Rng(8));
        encoder.eval();
        m.put("encoder_f32", new Fixture(encoder, f32.zeros(4, 2, 8)));
        // masks as graph inputs: a bool (L, S) attention mask and a bool (N, S) padding mask; a float (N·H, L, S) one
        var i32 = Tensor.on(Backends.get("ejml"), DType.INT32);
        Module masked = new TransformerEncoder(new TransformerEncoderLayer(f32, 8, 2, 16, 0.1, "relu", 1e-5, false,
                false, true, new Rng(9)), 2, null, new Rng(10));
        masked.eval();
        m.put("encoder_masked_f32", new Fixture(masked, ExportInputs.of(f32.zeros(4, 2, 8))
                .attnMask("src_mask", i32.zeros(4, 4)).keyPaddingMask("src_key_padding_mask", i32.zeros(2, 4))));
        Module mha = MaskedAttentionExportTest.mha(f64, 8, 2, true, true, 11);
        mha.eval();
        m.put("mha_masked_f64", new Fixture(mha, ExportInputs.of(f64.zeros(2, 4, 8)).attnMask(f64.zeros(4, 4, 4))));
        return m;
    }

    private static Module activations(TensorFactory f) {
        Module m = new Sequential(new Flatten(), linear(f, 6, 5, 1), new Tanh(), linear(f, 5, 5, 2), new Sigmoid(),
                linear(f, 5, 5, 3), new LeakyReLU(0.2), linear(f, 5, 5, 4), new ELU(), linear(f, 5, 5, 5),
                new Softplus(), linear(f, 5, 5, 6), new GELU(true), new Dropout(0.2, new Rng(1)), linear(f, 5, 3, 7),
                new LogSoftmax(-1));
        m.eval();
        return m;
    }

    /** Every convolution, pooling and normalisation layer the export writes, in one model. */
    private static Module cnn(TensorFactory f) {
        Module m = new Sequential(
                CnnCases.conv2d(f, 1, 4, CnnCases.two(3, 3), CnnCases.two(1, 1), Padding.SAME, CnnCases.two(1, 1), 1,
                        true, 1),
                new BatchNorm2d(f, 4, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2),
                new ConvTranspose2d(f, 4, 4, CnnCases.two(2, 2), CnnCases.two(2, 2), CnnCases.two(0, 0),
                        CnnCases.two(0, 0), 2, true, CnnCases.two(1, 1), new Rng(2)),
                new AvgPool2d(CnnCases.two(3, 3), CnnCases.two(2, 2), CnnCases.two(1, 1), false, false),
                new GroupNorm(f, 2, 4, 1e-5, true), new Dropout2d(0.1, new Rng(3)),
                new AdaptiveAvgPool2d(3, 3), new Flatten(), new Unflatten(1, 4, 9),
                new Conv1d(f, 4, 3, 3, 2, Padding.of(1), 1, 1, true, new Rng(4)), new MaxPool1d(2, 1, 1, 1, true),
                new Flatten(), new LayerNorm(f, new int[] {18}, 1e-5, true), new BatchNorm1d(f, 18, 1e-5, 0.1, true,
                true), linear(f, 18, 3, 5));
        m.eval();
        return m;
    }

    static byte[] bytes(Fixture fx) {
        return Onnx.toModel(fx.model(), fx.inputs()).toByteArray();
    }

    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : all().entrySet()) Files.write(dir.resolve(e.getKey() + ".onnx"), bytes(e.getValue()));
    }
}
