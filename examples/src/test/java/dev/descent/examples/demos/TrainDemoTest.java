package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainDemoTest {
    /** The defaults with the given data, loss, optimiser, epochs and patience, on 300 samples. */
    static TrainDemo.Settings settings(String data, String loss, String optimizer, int epochs, int patience) {
        return settings(data, loss, optimizer, null, epochs, patience);
    }

    static TrainDemo.Settings settings(String data, String loss, String optimizer, Double lr, int epochs, int patience) {
        TrainDemo.Settings d = TrainDemo.Settings.defaults();
        return new TrainDemo.Settings(data, 300, d.hidden(), d.activation(), d.init(), loss, optimizer, lr,
                d.momentum(), d.betas(), null, null, d.batchKind(), d.batchSize(), epochs, d.validation(), patience, null);
    }

    static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file);
    }

    @Test
    void trainsOnAGeneratedSetAndSavesHistoryPlotsAndModel(@TempDir Path out) throws Exception {
        DemoResult r = new TrainDemo(settings("moons", "auto", "adam", 0.01, 40, 0)).run(RunContext.forTest(out, 3));
        assertTrue(ShapesDemoTest.percent(r.measurements().get("validation accuracy")) >= 85, r.measurements().toString());
        List<String> epochs = lines(out.resolve("epochs.csv"));
        assertEquals(41, epochs.size(), "a header and one line per epoch");
        assertTrue(epochs.get(0).startsWith("epoch,loss,accuracy,val_loss,val_accuracy"), epochs.get(0));
        assertEquals(1 + 40 * 8, lines(out.resolve("steps.csv")).size(), "240 samples in batches of 32: 8 steps an epoch");
        assertTrue(Files.size(out.resolve("model.safetensors")) > 0);
        assertEquals(List.of("cost.png", "accuracy.png", "confusion.png", "boundary.png"),
                r.figures().stream().map(f -> f.png().getFileName().toString()).toList());
    }

    @Test
    void earlyStoppingEndsTheRunBeforeTheLastEpoch(@TempDir Path out) throws Exception {
        DemoResult r = new TrainDemo(settings("blobs", "auto", "adam", 500, 3)).run(RunContext.forTest(out, 3));
        int epochs = lines(out.resolve("epochs.csv")).size() - 1;
        assertTrue(epochs < 500, "stopped after " + epochs + " epochs");
        assertTrue(r.measurements().get("stopped").startsWith("early stopping"), r.measurements().get("stopped"));
    }

    @Test
    void everyOptimiserAndBatchModeTrains(@TempDir Path out) throws Exception {
        for (String opt : dev.descent.examples.presets.OptimizerChoices.NAMES) {
            TrainDemo.Settings s = settings("blobs", "auto", opt, 15, 0);
            DemoResult r = new TrainDemo(s).run(RunContext.forTest(out.resolve(opt), 5));
            assertTrue(ShapesDemoTest.percent(r.measurements().get("validation accuracy")) >= 90, opt + ": " + r.measurements());
        }
        TrainDemo.Settings d = settings("xor", "auto", "adam", 2, 0);
        for (TrainDemo.BatchKind kind : TrainDemo.BatchKind.values()) {
            TrainDemo.Settings s = new TrainDemo.Settings("xor", 100, d.hidden(), "tanh", "xavier", "auto", "gd", null,
                    0.9, d.betas(), null, null, kind, 10, 2, 0.2, 0, null);
            new TrainDemo(s).run(RunContext.forTest(out.resolve(kind.name()), 5));
            int steps = lines(out.resolve(kind.name()).resolve("steps.csv")).size() - 1;
            assertEquals(2 * switch (kind) { case BATCH -> 1; case MINI_BATCH -> 8; case STOCHASTIC -> 80; }, steps, kind.name());
        }
    }

    @Test
    void bceAndMseTrainBinaryClassifiers(@TempDir Path out) throws Exception {
        for (String loss : List.of("bce", "mse", "huber")) {
            DemoResult r = new TrainDemo(settings("circles", loss, "adam", 60, 0)).run(RunContext.forTest(out.resolve(loss), 2));
            assertTrue(ShapesDemoTest.percent(r.measurements().get("validation accuracy")) >= 80, loss + ": " + r.measurements());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainDemo(settings("blobs", "bce", "adam", 1, 0)).run(RunContext.forTest(out, 2)));
        assertEquals("--loss bce needs two classes, the data has 3", e.getMessage());
    }

    @Test
    void readsACsvFileAsClassesOrAsARegressionTarget(@TempDir Path tmp) throws Exception {
        Random random = new Random(1);
        List<String> classes = new ArrayList<>(List.of("x1,x2,kind")), numbers = new ArrayList<>(List.of("a,b,y"));
        for (int i = 0; i < 200; i++) {
            double a = random.nextGaussian() * 10 + 50, b = random.nextGaussian();
            classes.add(String.format(Locale.ROOT, "%.4f,%.4f,%s", a, b, a > 50 ? "big" : "small"));
            numbers.add(String.format(Locale.ROOT, "%.4f,%.4f,%.4f", a, b, 0.1 * a - 2 * b + 1));
        }
        Files.write(tmp.resolve("classes.csv"), classes);
        Files.write(tmp.resolve("numbers.csv"), numbers);
        DemoResult c = new TrainDemo(settings("csv:" + tmp.resolve("classes.csv"), "auto", "adam", 60, 0))
                .run(RunContext.forTest(tmp.resolve("c"), 1));
        assertTrue(ShapesDemoTest.percent(c.measurements().get("validation accuracy")) >= 90, c.measurements().toString());
        DemoResult n = new TrainDemo(settings("csv:" + tmp.resolve("numbers.csv"), "mse", "adam", 0.01, 150, 0))
                .run(RunContext.forTest(tmp.resolve("n"), 1));
        assertTrue(Double.parseDouble(n.measurements().get("val_mae")) < 0.3, n.measurements().toString());
        assertEquals(List.of("cost.png", "mae.png"), n.figures().stream().map(f -> f.png().getFileName().toString()).toList());
    }

    @Test
    void readsIdxFilesAndReportsTestAccuracy(@TempDir Path tmp) throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("idx"), 300, 100, false);
        TrainDemo.Settings d = settings("idx:" + data, "auto", "adam", 0.01, 5, 0);
        DemoResult r = new TrainDemo(d).run(RunContext.forTest(tmp.resolve("out"), 1));
        assertTrue(ShapesDemoTest.percent(r.measurements().get("test accuracy")) >= 90, r.measurements().toString());
    }
}
