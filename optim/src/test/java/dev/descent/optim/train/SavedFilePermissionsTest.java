package dev.descent.optim.train;

import dev.descent.core.Rng;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.descent.core.testing.FilePermissions.assertLikeANewFile;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints, the best model and the history exports get the permissions the umask gives, as any new file. */
class SavedFilePermissionsTest {
    @Test
    void everyFileAndDirectoryATrainingRunSavesIsLikeANewFile(@TempDir Path dir) throws IOException {
        Rng rng = new Rng(3);
        Dataset moons = Datasets.moons(rng, 32, 0.1);
        Sequential model = new Sequential(new Linear(2, 4, rng), new Tanh(), new Linear(4, 2, rng));
        Path checkpoints = dir.resolve("checkpoints");
        History h = Trainer.builder(model, Losses.crossEntropy(), new Adam(model.parameters(), Adam.options()))
                .trainData(DataLoader.over(moons).mode(BatchMode.batch()).build())
                .validationData(DataLoader.over(moons).mode(BatchMode.batch()).build())
                .checkpoints(checkpoints, 1).epochs(2).build().fit();
        h.writeStepsCsv(dir.resolve("steps.csv"));
        h.writeEpochsCsv(dir.resolve("epochs.csv"));
        h.writeJson(dir.resolve("history.json"));
        model.save(dir.resolve("model.safetensors"));
        List<Path> saved;
        try (Stream<Path> walk = Files.walk(dir)) {
            saved = walk.filter(p -> !p.equals(dir)).toList();
        }
        assertTrue(saved.contains(checkpoints.resolve("last").resolve("model.safetensors")), saved.toString());
        assertTrue(saved.contains(checkpoints.resolve("last").resolve("optimizer.safetensors")), saved.toString());
        assertTrue(saved.size() >= 10, saved.toString());
        for (Path p : saved) assertLikeANewFile(p);
    }
}
