package dev.descent.spark;

import dev.descent.data.Idx;
import dev.descent.data.IdxArray;
import dev.descent.data.IdxType;
import dev.descent.optim.train.History;
import dev.descent.optim.train.StopReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spark-submit entry point, in local mode. */
@Timeout(60)
class SparkTrainMainTest {
    @Test
    void trainsOnTheGeneratedBlobs(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Path model = dir.resolve("model.safetensors");
        SparkTrainMain.Runs runs = SparkTrainMain.run(LocalSpark.context(), new String[] {"--rows", "600", "--features", "8",
            "--classes", "3", "--hidden", "16", "--partitions", "3", "--epochs", "2", "--batch", "100", "--lr", "0.05",
            "--save", model.toString()}, new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        History h = runs.spark();
        assertEquals(StopReason.COMPLETED, h.stopReason());
        assertEquals(12, h.steps().size());
        assertTrue(h.metric("val_accuracy")[1] > 0.8, out);
        assertTrue(out.contains("Executor backends") && out.contains("ms per step"), out);
        assertTrue(Files.size(model) > 0);
        assertNull(runs.local());
    }

    @Test
    void trainsOnIdxFilesAndComparesWithTheSingleMachineLoop(@TempDir Path dir) throws Exception {
        writeIdx(dir, "train", 300);
        writeIdx(dir, "t10k", 50);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        SparkTrainMain.Runs runs = SparkTrainMain.run(LocalSpark.context(), new String[] {"--data", dir.toString(),
            "--rows", "250", "--hidden", "12,8", "--partitions", "2", "--epochs", "2", "--batch", "50", "--lr", "0.01",
            "--compare-local"}, new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertTrue(out.contains("MLP 784-12-8-10"), out);
        assertEquals(10, runs.spark().steps().size(), "2 epochs of 250 rows in batches of 50");
        assertEquals(10, runs.local().steps().size());
        double[] spark = runs.spark().metric("loss"), local = runs.local().metric("loss");
        assertEquals(local[1], spark[1], 1e-4 * local[1], "the same rows, batches and initial weights train alike");
        assertTrue(local[1] < local[0], out);
        assertTrue(out.matches("(?s).*spark / single machine: \\d+\\.\\d\\d \\(steps\\).*"), out);
    }

    @Test
    void anUnknownOptimizerIsAnErrorListingTheKnownOnes() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SparkTrainMain.run(LocalSpark.context(), new String[] {"--optimizer", "lbfgs"}, System.out));
        assertEquals("unknown optimizer 'lbfgs' (known: sgd, adagrad, adadelta, rmsprop, adam, adamw, nadam, radam, "
                + "adamax)", e.getMessage());
    }

    @Test
    void aNameWithoutValueIsAFlag() {
        assertEquals(java.util.Map.of("compare-local", "true", "rows", "5", "seed", "true"),
                SparkTrainMain.options(new String[] {"--compare-local", "--rows", "5", "--seed"}));
    }

    /** {@code n} 28 x 28 images of ten classes in MNIST's IDX files: class c is a bright row 2c + 4 on noise. */
    private static void writeIdx(Path dir, String prefix, int n) throws IOException {
        java.util.Random r = new java.util.Random(prefix.length());
        double[] pixels = new double[n * 784], labels = new double[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < 784; p++) pixels[i * 784 + p] = p / 28 == 2 * (i % 10) + 4 ? 255 : r.nextInt(50);
        }
        Idx.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxArray.of(IdxType.UBYTE, new int[] {n, 28, 28}, pixels));
        Idx.write(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxArray.of(IdxType.UBYTE, new int[] {n}, labels));
    }
}
