package dev.descent.examples.cli;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.demos.Classifier;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.descent.examples.cli.DescentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code descent export} and {@code descent predict}: a saved model leaves as ONNX and runs on a CSV file. */
class OnnxCommandsTest {
    @Test
    void aSavedModelExportsAndPredictsWhatDescentComputes(@TempDir Path dir) throws IOException {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Sequential net = Classifier.mlp(f, 3, List.of(8, 5), 4, Tanh::new, null, null, new Rng(11));
        Path weights = dir.resolve("net.safetensors");
        net.save(weights);
        Path onnx = dir.resolve("exported/net.onnx");
        DescentCommandTest.Run export = run("export", "--model", weights.toString(), "--hidden", "8,5",
                "--activation", "tanh", "--out", onnx.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains("Exported 3 -> 8 -> 5 -> 4 (tanh, float32)"), export.out());

        Tensor x = f.normal(new Rng(12), 0, 1, 6, 3);
        double[] xs = x.toDoubleArray();
        StringBuilder csv = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 6; i++) csv.append(xs[3 * i]).append(',').append(xs[3 * i + 1]).append(',').append(xs[3 * i + 2]).append('\n');
        Path data = dir.resolve("x.csv");
        Files.writeString(data, csv);
        DescentCommandTest.Run predict = run("predict", "--model", onnx.toString(), "--data", data.toString(),
                "--out", dir.resolve("pred").toString());
        assertEquals(0, predict.code(), predict.err());
        List<String> lines = Files.readAllLines(dir.resolve("pred/predictions.csv"));
        assertEquals("output_0,output_1,output_2,output_3,class", lines.get(0));
        assertEquals(7, lines.size());
        Tensor expected;
        try (NoGrad scope = NoGrad.enter()) {
            expected = net.apply(Variable.constant(x)).value();
        }
        double[] e = expected.toDoubleArray();
        int[] classes = expected.argmax(1).toIntArray();
        for (int i = 0; i < 6; i++) {
            String[] cells = lines.get(i + 1).split(",");
            for (int j = 0; j < 4; j++) assertEquals(e[4 * i + j], Double.parseDouble(cells[j]), 1e-6, "row " + i);
            assertEquals(classes[i], Integer.parseInt(cells[4]), "row " + i);
        }
    }

    @Test
    void trainWithOnnxWritesTheTrainedModelThatOnnxLoadReproduces(@TempDir Path dir) throws IOException {
        Path onnx = dir.resolve("onnx/trained.onnx"), weights = dir.resolve("trained.safetensors");
        DescentCommandTest.Run r = run("--quiet", "--out", dir.toString(), "train", "--data", "moons", "--samples",
                "200", "--epochs", "3", "--hidden", "6", "--activation", "tanh", "--save", weights.toString(),
                "--onnx", onnx.toString());
        assertEquals(0, r.code(), r.err());
        TensorFactory f = Tensor.on(Backends.get(), DType.FLOAT32);
        Sequential trained = Classifier.mlp(f, 2, List.of(6), 2, Tanh::new, null, null, new Rng(0));
        trained.load(weights);
        dev.descent.onnx.OnnxModule loaded = dev.descent.onnx.Onnx.load(onnx);
        assertEquals(DType.FLOAT32, loaded.dtype());
        Tensor x = f.normal(new Rng(5), 0, 1, 7, 2);
        Tensor expected;
        try (NoGrad scope = NoGrad.enter()) {
            expected = trained.apply(Variable.constant(x)).value();
        }
        Tensor actual = loaded.predict(x);
        assertEquals(expected.shape(), actual.shape());
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-6, "output " + i);
        assertTrue(expected.abs().sum().item() > 0);
    }

    @Test
    void fashionMnistTakesTheOnnxOptionToItsSettings() {
        FashionMnistCommand cmd = new FashionMnistCommand();
        new picocli.CommandLine(cmd).parseArgs("--model", "cnn", "--onnx", "out/fashion.onnx");
        assertEquals(Path.of("out/fashion.onnx"), cmd.onnx);
        TrainCommand train = new TrainCommand();
        new picocli.CommandLine(train).parseArgs("--onnx", "t.onnx");
        assertEquals(Path.of("t.onnx"), train.onnx);
    }

    @Test
    void aWrongArchitectureOrWrongDataIsAOneLineFailure(@TempDir Path dir) throws IOException {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Sequential net = Classifier.mlp(f, 3, List.of(8), 2, Tanh::new, null, null, new Rng(1));
        Path weights = dir.resolve("net.safetensors");
        net.save(weights);
        DescentCommandTest.Run wrong = run("export", "--model", weights.toString(), "--hidden", "8,8",
                "--out", dir.toString());
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().startsWith("descent export: ") && wrong.err().contains("4.weight"), wrong.err());
        DescentCommandTest.Run ok = run("export", "--model", weights.toString(), "--hidden", "8", "--activation", "tanh",
                "--out", dir.toString());
        assertEquals(0, ok.code(), ok.err());
        Path data = dir.resolve("x.csv");
        Files.writeString(data, "1,2\n3,4\n");
        DescentCommandTest.Run bad = run("predict", "--model", dir.resolve("model.onnx").toString(), "--data",
                data.toString(), "--out", dir.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("OnnxModule: node 0") && bad.err().contains("(Gemm)"), bad.err());
    }
}
