package consumer;

import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nn + optim + one backend: trains a small classifier; the backend comes from the build, not the code. */
class TrainTest {
    @Test
    void trainsAClassifierOnTheSelectedBackend() {
        String expected = System.getProperty("expected.backend");
        assertEquals(expected, Backends.get().name(), Backends.describe());
        assertTrue(Backends.describe().contains("Selected: " + expected), Backends.describe());
        Rng rng = new Rng(1);
        Dataset moons = Datasets.moons(rng, 300, 0.1);
        Sequential model = new Sequential(new Linear(2, 16, rng), new Tanh(), new Linear(16, 2, rng));
        Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), new Adam(model.parameters(), Adam.options().withLr(0.05)))
                .trainData(DataLoader.over(moons).mode(BatchMode.miniBatch(32)).shuffle(rng.split()).build())
                .metrics(Metrics.accuracy()).epochs(40).build();
        History history = trainer.fit();
        double accuracy = history.epochs().get(history.epochs().size() - 1).get("accuracy");
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }
}
