package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.data.DataLoader;
import dev.descent.nn.Module;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Optimizer;
import dev.descent.optim.schedule.Schedules;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.StopReason;
import dev.descent.optim.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stepsPerJob} mode (barrier jobs of several steps, the gradient shares exchanged between tasks) equals one
 * job per step bit for bit, and single-machine training to 1e-12.
 */
@Timeout(90)
class BarrierTrainingTest {
    static final int STEPS_PER_JOB = 3; // 10 batches an epoch: jobs of 3, 3, 3 and 1 steps

    /** The single-machine reference without a schedule (which stepsPerJob mode does not run). */
    static SparkTrainerTest.Result singleMachine() {
        Module model = Fixtures.mlp();
        List<Sample> train = SparkTrainerTest.TRAIN, validation = SparkTrainerTest.VALIDATION;
        Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), SparkTrainerTest.adam(model.parameters()))
                .trainData(DataLoader.over(Fixtures.features(train), Fixtures.classes(train)).batchSize(SparkTrainerTest.BATCH)
                        .shuffle(new Rng(7)).build())
                .validationData(DataLoader.over(Fixtures.features(validation), Fixtures.classes(validation))
                        .batchSize(SparkTrainerTest.BATCH).build())
                .epochs(SparkTrainerTest.EPOCHS).metrics(Metrics.accuracy())
                .build();
        History h = trainer.fit();
        return new SparkTrainerTest.Result(model.stateDict(), h);
    }

    static SparkTrainer.Builder builder(JavaSparkContext sc, int partitions) {
        return SparkTrainer.builder(sc, Fixtures::mlp, Losses::crossEntropy)
                .optimizer(SparkTrainerTest::adam)
                .trainData(sc.parallelize(SparkTrainerTest.TRAIN, partitions)).batchSize(SparkTrainerTest.BATCH)
                .shuffle(new Rng(7)).validationData(sc.parallelize(SparkTrainerTest.VALIDATION, partitions))
                .epochs(SparkTrainerTest.EPOCHS).metrics(Metrics.accuracy());
    }

    static SparkTrainerTest.Result run(SparkTrainer.Builder b, int expectedJobs) {
        try (SparkTrainer trainer = b.build()) {
            History h = trainer.fit();
            assertEquals(expectedJobs, trainer.jobCosts().size(), "barrier jobs");
            for (SparkTrainer.JobCost c : trainer.jobCosts()) {
                // each step runs in a scope of its replica's pool: the buffers of a step's temporaries (a backward
                // pass's weight gradients among them) come back for the next ones
                if (c.steps() > 1) assertTrue(c.pooledReuses() > 0, "the steps of a barrier job reuse pooled buffers: " + c);
            }
            assertEquals(20, trainer.communication().steps());
            return new SparkTrainerTest.Result(trainer.model().stateDict(), h);
        }
    }

    /** Equal to the single-machine run to 1e-12, steps, losses, norms and epoch metrics included. */
    static void assertMatches(SparkTrainerTest.Result reference, SparkTrainerTest.Result run, String what) {
        double error = Fixtures.relativeError(run.parameters(), reference.parameters());
        System.out.printf("%s: max relative parameter error %.3g%n", what, error);
        assertTrue(error <= SparkTrainerTest.TOLERANCE, what + ": relative error " + error);
        assertEquals(StopReason.COMPLETED, run.history().stopReason());
        assertEquals(20, run.history().steps().size());
        for (int i = 0; i < 20; i++) {
            History.Step a = run.history().steps().get(i), b = reference.history().steps().get(i);
            assertEquals(b.step(), a.step());
            assertEquals(b.epoch(), a.epoch());
            assertEquals(b.loss(), a.loss(), SparkTrainerTest.TOLERANCE * Math.abs(b.loss()), "loss of step " + (i + 1));
            assertEquals(b.learningRate(), a.learningRate(), 0.0);
            assertEquals(b.gradNorm(), a.gradNorm(), 1e-10 * b.gradNorm(), "gradient norm of step " + (i + 1));
        }
        for (int e = 0; e < SparkTrainerTest.EPOCHS; e++) {
            Map<String, Double> a = run.history().epochs().get(e).metrics(), b = reference.history().epochs().get(e).metrics();
            assertEquals(b.keySet(), a.keySet());
            for (String k : b.keySet()) assertEquals(b.get(k), a.get(k), 1e-12, k + " after epoch " + (e + 1));
        }
    }

    @Test
    void severalStepsPerJobEqualOneJobPerStepAndOneMachine() {
        JavaSparkContext sc = LocalSpark.context();
        SparkTrainerTest.Result reference = singleMachine();
        SparkTrainerTest.Result perStep = run(builder(sc, 2), 0);
        SparkTrainerTest.Result barrier = run(builder(sc, 2).stepsPerJob(STEPS_PER_JOB), 8);
        SparkTrainerTest.Result viaDriver = run(builder(sc, 2).stepsPerJob(STEPS_PER_JOB).exchange(SparkTrainer.Exchange.DRIVER), 8);
        assertMatches(reference, barrier, "stepsPerJob(3), 2 partitions, local[2], all-reduce");
        assertMatches(reference, viaDriver, "stepsPerJob(3), 2 partitions, local[2], driver exchange");
        assertBitForBit(perStep, barrier, "the tasks sum the shares in partition order, as the driver does");
        assertBitForBit(viaDriver, barrier, "the all-reduce and the driver's exchange add the same shares in the same order");
    }

    static void assertBitForBit(SparkTrainerTest.Result expected, SparkTrainerTest.Result actual, String why) {
        assertEquals(0.0, Fixtures.relativeError(actual.parameters(), expected.parameters()), why);
        for (int i = 0; i < expected.history().steps().size(); i++) {
            assertEquals(expected.history().steps().get(i).loss(), actual.history().steps().get(i).loss(), 0.0, why);
            assertEquals(expected.history().steps().get(i).gradNorm(), actual.history().steps().get(i).gradNorm(), 0.0, why);
        }
    }

    /**
     * A float32 model, whose all-reduce exchanges float32 sums (the driver's float64 sums rounded as the gradients
     * round them): the all-reduce, the driver's exchange and one job per step train the same bits.
     */
    @Test
    void aFloat32ModelTrainsTheSameBitsWithEveryExchange() {
        JavaSparkContext sc = LocalSpark.context();
        SparkTrainMain.Mlp mlp = new SparkTrainMain.Mlp(Fixtures.FEATURES, List.of(16), Fixtures.CLASSES, 5, dev.descent.core.DType.FLOAT32);
        Function<SparkTrainer.Builder, SparkTrainer.Builder> common = b -> b.optimizer(SparkTrainerTest::adam)
                .trainData(sc.parallelize(SparkTrainerTest.TRAIN, 2)).batchSize(SparkTrainerTest.BATCH).shuffle(new Rng(7))
                .epochs(SparkTrainerTest.EPOCHS);
        SparkTrainerTest.Result perStep = run(common.apply(SparkTrainer.builder(sc, mlp, Losses::crossEntropy)), 0);
        SparkTrainerTest.Result allReduce = run(common.apply(SparkTrainer.builder(sc, mlp, Losses::crossEntropy))
                .stepsPerJob(4), 6);
        SparkTrainerTest.Result viaDriver = run(common.apply(SparkTrainer.builder(sc, mlp, Losses::crossEntropy))
                .stepsPerJob(4).exchange(SparkTrainer.Exchange.DRIVER), 6);
        assertEquals(dev.descent.core.DType.FLOAT32, allReduce.parameters().values().iterator().next().dtype());
        assertBitForBit(perStep, allReduce, "float32: the all-reduce against one job per step");
        assertBitForBit(viaDriver, allReduce, "float32: the all-reduce against the driver's exchange");
    }

    @Test
    void oneJobForAWholeEpochEqualsOneMachine() {
        assertMatches(singleMachine(), run(builder(LocalSpark.context(), 1).stepsPerJob(100), 2),
                "stepsPerJob(100), 1 partition, local[2]");
    }

    static String failure(SparkTrainer.Builder b) {
        return assertThrows(IllegalArgumentException.class, () -> b.build().close()).getMessage();
    }

    @Test
    void anEmptyPartitionIsRefusedBeforeAnyJob() {
        JavaSparkContext sc = LocalSpark.context();
        JavaRDD<Sample> rows = sc.parallelize(SparkTrainerTest.TRAIN, 1).union(sc.parallelize(List.<Sample>of(), 1));
        String message = failure(builder(sc, 2).trainData(rows).stepsPerJob(2));
        assertTrue(message.contains("needs rows in every partition") && message.contains("partition [1] of 2"), message);
    }

    @Test
    void morePartitionsThanTaskSlotsAreRefused() {
        String message = failure(builder(LocalSpark.context(), 3).stepsPerJob(2));
        assertTrue(message.contains("all 3 training partitions at once") && message.contains("2 task slots"), message);
    }

    @Test
    void perStepDriverOptionsAreRefused() {
        String message = failure(builder(LocalSpark.context(), 2).stepsPerJob(2)
                .schedule(Schedules.cosine(0.05, 20, 0.005), Trainer.ScheduleUnit.STEP));
        assertTrue(message.contains("remove [schedule]"), message);
    }

    @Test
    void anOptimizerFactoryThatCannotBeSerialisedIsNamed() {
        Function<List<Variable>, Optimizer<?>> notSerialisable = SparkTrainerTest::adam;
        String message = failure(builder(LocalSpark.context(), 2).optimizer(notSerialisable).stepsPerJob(2));
        assertTrue(message.contains("optimizer factory") && message.contains("not serialisable"), message);
    }
}
