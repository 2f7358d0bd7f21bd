package dev.descent.examples.demos;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.data.FashionMnist;
import dev.descent.data.Release;
import dev.descent.examples.DemoResult;
import dev.descent.examples.DemoUnavailableException;
import dev.descent.examples.RunContext;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.init.Initializers;
import dev.descent.nn.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FashionMnistDemoTest {
    static FashionMnistDemo.Settings small(Path data, int trainSize, int testSize, int epochs) {
        return new FashionMnistDemo.Settings(data, List.of(32), 0, epochs, 64, 2e-3, true, trainSize, testSize, null, false);
    }

    @Test
    void theCnnAlsoLeavesAsOnnxWithTheSameOutputs(@TempDir Path tmp) throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 240, 40, true);
        Path onnx = tmp.resolve("cnn.onnx");
        FashionMnistDemo.Settings s = small(data, 0, 0, 1);
        s = new FashionMnistDemo.Settings(data, s.hidden(), 0, 1, 64, 2e-3, false, 0, 0, tmp.resolve("cnn.safetensors"),
                false, onnx);
        new FashionMnistDemo(s, Classifier.Model.CNN).run(RunContext.forTest(tmp.resolve("out"), 1));
        Sequential same = Classifier.cnn(Tensor.on(dev.descent.core.Backends.get()), 28, 28, 10, 0.5, new Rng(0));
        same.load(tmp.resolve("cnn.safetensors"));
        same.eval();
        dev.descent.onnx.OnnxModule loaded = dev.descent.onnx.Onnx.load(onnx);
        Tensor x = Tensor.on(dev.descent.core.Backends.get()).uniform(new Rng(3), 0, 1, 5, 784);
        Tensor expected;
        try (var scope = dev.descent.autodiff.NoGrad.enter()) {
            expected = same.apply(dev.descent.autodiff.Variable.constant(x)).value();
        }
        Tensor actual = loaded.predict(x);
        assertEquals(expected.shape(), actual.shape());
        double err = expected.sub(actual).abs().max().item() / expected.abs().max().item();
        assertTrue(err < 1e-5, "relative error " + err);
    }

    @Test
    void trainsOnIdxFilesAndSavesALoadableModel(@TempDir Path tmp) throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 600, 200, true);
        Path out = tmp.resolve("out");
        DemoResult r = new FashionMnistDemo(small(data, 0, 0, 3)).run(RunContext.forTest(out, 1));
        assertTrue(ShapesDemoTest.percent(r.measurements().get("test accuracy")) > 95, r.measurements().toString());
        for (String c : FashionMnist.CLASSES) assertTrue(r.measurements().containsKey("test accuracy, " + c), c);
        assertTrue(r.measurements().get("time per epoch").matches("\\d+\\.\\d s .*"), r.measurements().toString());
        assertTrue(r.summary().get(0).contains("s per epoch"), r.summary().toString());
        assertEquals(List.of("cost.png", "accuracy.png", "confusion.png", "misclassified.png"),
                r.figures().stream().map(f -> f.png().getFileName().toString()).toList());

        Path model = out.resolve("model.safetensors");
        assertTrue(Files.size(model) > 784 * 32 * 4, "the weights are saved");
        Sequential same = Classifier.mlp(Tensor.on(dev.descent.core.Backends.get()), 784, List.of(32), 10, ReLU::new,
                Initializers.zeros(), Initializers.zeros(), new Rng(0));
        same.load(model);
        assertTrue(same.parameters().get(0).value().abs().sum().item() > 0, "loaded weights replace the zeros");
    }

    @Test
    void realDataSubsetEndToEndOrOneLineSayingHowToGetIt(@TempDir Path out) throws Exception {
        Path debian = FashionMnist.DEBIAN_DIR;
        FashionMnistDemo demo = new FashionMnistDemo(small(debian, 3000, 1000, 2));
        if (Files.isDirectory(debian)) {
            // The real files: a small subset still learns most of the classes.
            DemoResult r = demo.run(RunContext.forTest(out, 42));
            assertTrue(ShapesDemoTest.percent(r.measurements().get("test accuracy")) > 70, r.measurements().toString());
            assertFalse(r.measurements().containsKey("target: test accuracy > 88%"), "no target claimed on a subset");
        } else {
            DemoUnavailableException e = assertThrows(DemoUnavailableException.class, () -> demo.run(RunContext.forTest(out, 42)));
            assertEquals(DemoUnavailableException.Reason.MISSING_DATA, e.reason());
        }
    }

    @Test
    void aFailedDownloadIsOneLineNamingTheUrlAndTheDebianPackage(@TempDir Path tmp) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        Release nowhere = new Release("test", java.net.URI.create("http://127.0.0.1:" + port + "/"), FashionMnist.RELEASE.files());
        FashionMnist.Lookup lookup = FashionMnist.lookup().withDebian(tmp.resolve("no-debian")).withCache(tmp.resolve("cache"))
                .withRelease(nowhere).withDownload(true).withTimeoutMillis(5_000);
        DemoUnavailableException e = assertThrows(DemoUnavailableException.class, () -> FashionMnistDemo.locate(lookup));
        assertEquals(DemoUnavailableException.Reason.MISSING_DATA, e.reason());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("http://127.0.0.1:" + port + "/train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cache").resolve("train-images-idx3-ubyte.gz")));
    }

    @Test
    void missingDataIsOneLineNamingTheDebianPackage(@TempDir Path tmp) {
        DemoUnavailableException e = assertThrows(DemoUnavailableException.class,
                () -> new FashionMnistDemo(small(tmp, 0, 0, 1)).run(RunContext.forTest(tmp, 1)));
        assertEquals(DemoUnavailableException.Reason.MISSING_DATA, e.reason());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
    }
}
