package dev.descent.spark;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.data.DataLoader;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.clip.Clipping;
import dev.descent.optim.schedule.Schedules;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.StopReason;
import dev.descent.optim.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-parallel training equals the single-machine loop on the same global batches. */
@Timeout(60)
class SparkTrainerTest {
    static final List<Sample> TRAIN = Fixtures.blobs(96, 1), VALIDATION = Fixtures.blobs(40, 2);
    static final int BATCH = 10, EPOCHS = 2; // 10 batches per epoch (the last of 6 rows): 20 steps
    static final double TOLERANCE = 1e-12;

    record Result(Map<String, Tensor> parameters, History history) {
    }

    static Adam adam(List<dev.descent.autodiff.Variable> params) {
        Adam adam = new Adam(params, Adam.options().withLr(0.05));
        adam.clipping(Clipping.norm(1.0));
        return adam;
    }

    /** The single-machine reference: Trainer over tensors on this JVM. */
    static Result singleMachine(List<Sample> train) {
        Module model = Fixtures.mlp();
        Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), adam(model.parameters()))
                .trainData(DataLoader.over(Fixtures.features(train), Fixtures.classes(train)).batchSize(BATCH)
                        .shuffle(new Rng(7)).build())
                .validationData(DataLoader.over(Fixtures.features(VALIDATION), Fixtures.classes(VALIDATION))
                        .batchSize(BATCH).build())
                .epochs(EPOCHS).metrics(Metrics.accuracy())
                .schedule(Schedules.cosine(0.05, 20, 0.005), Trainer.ScheduleUnit.STEP)
                .build();
        History h = trainer.fit();
        return new Result(model.stateDict(), h);
    }

    static SparkTrainer.Builder sparkBuilder(JavaSparkContext sc, List<Sample> train, int partitions, LossFactory loss) {
        return SparkTrainer.builder(sc, Fixtures::mlp, loss)
                .optimizer(SparkTrainerTest::adam)
                .trainData(sc.parallelize(train, partitions)).batchSize(BATCH).shuffle(new Rng(7))
                .validationData(sc.parallelize(VALIDATION, partitions))
                .epochs(EPOCHS).metrics(Metrics.accuracy())
                .schedule(Schedules.cosine(0.05, 20, 0.005), Trainer.ScheduleUnit.STEP);
    }

    private static final Map<Integer, Result> CLEAN = new java.util.concurrent.ConcurrentHashMap<>();

    /** The run on {@link #TRAIN} with cross-entropy, once per partition count for all test classes. */
    static Result onSpark(int partitions) {
        return CLEAN.computeIfAbsent(partitions, p -> onSpark(TRAIN, p, Losses::crossEntropy));
    }

    static Result onSpark(List<Sample> train, int partitions, LossFactory loss) {
        try (SparkTrainer trainer = sparkBuilder(LocalSpark.context(), train, partitions, loss).build()) {
            History h = trainer.fit();
            return new Result(trainer.model().stateDict(), h);
        }
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 2, 4})
    void twentyStepsEqualTheSingleMachineRun(int partitions) {
        Result reference = singleMachine(TRAIN);
        Result spark = onSpark(partitions);
        double error = Fixtures.relativeError(spark.parameters(), reference.parameters());
        System.out.printf("equivalence, %d partition(s): max relative parameter error %.3g%n", partitions, error);
        assertEquals(20, spark.history().steps().size());
        assertEquals(StopReason.COMPLETED, spark.history().stopReason());
        assertTrue(error <= TOLERANCE, "relative error " + error + " with " + partitions + " partitions");
        for (int i = 0; i < 20; i++) {
            History.Step a = spark.history().steps().get(i), b = reference.history().steps().get(i);
            assertEquals(b.loss(), a.loss(), TOLERANCE * Math.abs(b.loss()), "loss of step " + (i + 1));
            assertEquals(b.learningRate(), a.learningRate(), 0.0, "learning rate of step " + (i + 1));
            assertEquals(b.gradNorm(), a.gradNorm(), 1e-10 * b.gradNorm(), "gradient norm of step " + (i + 1));
        }
        for (int e = 0; e < EPOCHS; e++) {
            Map<String, Double> a = spark.history().epochs().get(e).metrics(), b = reference.history().epochs().get(e).metrics();
            assertEquals(b.keySet(), a.keySet());
            for (String k : b.keySet()) assertEquals(b.get(k), a.get(k), 1e-12, k + " after epoch " + (e + 1));
        }
    }

    @Test
    void logsTheExecutorsBackends() {
        try (SparkTrainer trainer = sparkBuilder(LocalSpark.context(), TRAIN, 2, Losses::crossEntropy).build()) {
            assertTrue(trainer.executorBackends().contains("ejml"), trainer.executorBackends());
            assertTrue(trainer.executorBackends().contains("replicas: ejml"), trainer.executorBackends());
        }
    }
}
