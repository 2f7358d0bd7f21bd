package dev.descent.spark;

import dev.descent.core.Rng;
import dev.descent.nn.Module;
import dev.descent.data.DataLoader;
import dev.descent.nn.losses.Losses;
import dev.descent.nn.regularization.Regularizers;
import dev.descent.optim.SGD;
import dev.descent.optim.train.EarlyStopping;
import dev.descent.optim.train.History;
import dev.descent.optim.train.StopReason;
import dev.descent.optim.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.descent.spark.SparkTrainerTest.TRAIN;
import static dev.descent.spark.SparkTrainerTest.VALIDATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single-machine loop's features behave the same on Spark: early stopping, checkpoints, accumulation, divergence. */
@Timeout(60)
class TrainingLoopTest {
    static Trainer.Builder local(Module model, double lr) {
        return Trainer.builder(model, Losses.crossEntropy(), new SGD(model.parameters(), SGD.options(lr).withMomentum(0.9)))
                .trainData(DataLoader.over(Fixtures.features(TRAIN), Fixtures.classes(TRAIN)).batchSize(16)
                        .shuffle(new Rng(3)).build())
                .validationData(DataLoader.over(Fixtures.features(VALIDATION), Fixtures.classes(VALIDATION))
                        .batchSize(16).build());
    }

    static SparkTrainer.Builder spark(double lr) {
        var sc = LocalSpark.context();
        return SparkTrainer.builder(sc, Fixtures::mlp, Losses::crossEntropy)
                .optimizer(ps -> new SGD(ps, SGD.options(lr).withMomentum(0.9)))
                .trainData(sc.parallelize(TRAIN, 3)).batchSize(16).shuffle(new Rng(3))
                .validationData(sc.parallelize(VALIDATION, 2));
    }

    @Test
    void earlyStoppingAndCheckpointsAsOnOneMachine(@TempDir Path dir) {
        EarlyStopping rule = EarlyStopping.monitor("val_loss").patience(0).minDelta(0.05).restoreBestWeights();
        Module model = Fixtures.mlp();
        History reference = local(model, 0.05).epochs(6).earlyStopping(rule).build().fit();
        try (SparkTrainer t = spark(0.05).epochs(6).earlyStopping(rule).checkpoints(dir, 1).build()) {
            History h = t.fit();
            assertEquals(reference.stopReason(), h.stopReason());
            assertEquals(reference.epochs().size(), h.epochs().size());
            assertTrue(reference.stopReason() == StopReason.EARLY_STOPPED, "the rule stops this run early");
            assertTrue(Fixtures.relativeError(t.model().stateDict(), model.stateDict()) <= 1e-12);
            assertTrue(Files.exists(dir.resolve("last/model.safetensors")) && Files.exists(dir.resolve("best-model.safetensors")));
        }
    }

    @Test
    void accumulationAndPenaltiesAsOnOneMachine() {
        Module model = Fixtures.mlp();
        History reference = local(model, 0.05).epochs(1).accumulateGradients(3).regularizer(Regularizers.l2(1e-3)).build().fit();
        try (SparkTrainer t = spark(0.05).epochs(1).accumulateGradients(3).regularizer(Regularizers.l2(1e-3)).build()) {
            History h = t.fit();
            assertEquals(reference.steps().size(), h.steps().size());
            double[] a = h.stepLosses(), b = reference.stepLosses();
            for (int i = 0; i < b.length; i++) assertEquals(b[i], a[i], 1e-12 * Math.abs(b[i]), "loss of step " + (i + 1));
            assertTrue(Fixtures.relativeError(t.model().stateDict(), model.stateDict()) <= 1e-12);
        }
    }

    @Test
    void aNonFiniteSampleIsRejectedBeforeTheFirstStepAsOnOneMachine() {
        List<Sample> rows = new ArrayList<>(TRAIN);
        rows.set(50, Sample.ofClass(new double[] {0, 0, Double.NaN, 0}, 1));
        Module model = Fixtures.mlp();
        IllegalArgumentException local = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model,
                        Losses.crossEntropy(), new SGD(model.parameters(), SGD.options(0.05)))
                .trainData(DataLoader.over(Fixtures.features(rows), Fixtures.classes(rows)).batchSize(16)
                        .shuffle(new Rng(3)).build())
                .epochs(2).build());
        var sc = LocalSpark.context();
        IllegalArgumentException spark = assertThrows(IllegalArgumentException.class, () ->
                SparkTrainer.builder(sc, Fixtures::mlp, Losses::crossEntropy)
                        .optimizer(ps -> new SGD(ps, SGD.options(0.05))).trainData(sc.parallelize(rows, 3)).batchSize(16)
                        .shuffle(new Rng(3)).epochs(2).build());
        String reason = "the training data is not finite: sample 50 holds NaN in its features (element 2 of 4); "
                + "no step was taken";
        assertEquals("Trainer: " + reason, local.getMessage());
        assertEquals("SparkTrainer: " + reason, spark.getMessage());
    }
}
