package dev.descent.spark;

import dev.descent.optim.train.History;
import dev.descent.optim.train.StopReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spark-submit entry point, in local mode. */
@Timeout(60)
class SparkTrainMainTest {
    @Test
    void trainsOnTheGeneratedBlobs(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Path model = dir.resolve("model.safetensors");
        History h = SparkTrainMain.run(LocalSpark.context(), new String[] {"--rows", "600", "--features", "8",
            "--classes", "3", "--hidden", "16", "--partitions", "3", "--epochs", "2", "--batch", "100", "--lr", "0.05",
            "--save", model.toString()}, new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(StopReason.COMPLETED, h.stopReason());
        assertEquals(12, h.steps().size());
        assertTrue(h.metric("val_accuracy")[1] > 0.8, out);
        assertTrue(out.contains("Executor backends") && out.contains("ms per step"), out);
        assertTrue(Files.size(model) > 0);
    }
}
