package dev.descent.spark;

import dev.descent.core.Rng;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.nn.losses.Reduction;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is a clear error on the driver before any training step, never a hang. */
@Timeout(60)
class BadInputTest {
    static final JavaSparkContext SC = LocalSpark.context();

    static SparkTrainer.Builder builder(JavaRDD<Sample> rows, LossFactory loss) {
        return SparkTrainer.builder(SC, Fixtures::mlp, loss).optimizer(SparkTrainerTest::adam).trainData(rows).batchSize(10);
    }

    static String failure(Class<? extends Throwable> type, SparkTrainer.Builder b) {
        return assertThrows(type, () -> b.build().close()).getMessage();
    }

    @Test
    void aRowWithAnotherFeatureLengthIsNamed() {
        List<Sample> rows = new ArrayList<>(Fixtures.blobs(40, 3));
        rows.set(27, Sample.ofClass(new double[] {1, 2, 3}, 0));
        String message = failure(IllegalArgumentException.class, builder(SC.parallelize(rows, 4), Losses::crossEntropy));
        assertTrue(message.contains("row 27 has 3 features"), message);
    }

    @Test
    void partitionsThatDisagreeAreNamed() {
        List<Sample> rows = new ArrayList<>(Fixtures.blobs(40, 3));
        for (int i = 30; i < 40; i++) rows.set(i, Sample.ofClass(new double[] {1, 2, 3, 4, 5}, 0));
        String message = failure(IllegalArgumentException.class, builder(SC.parallelize(rows, 4), Losses::crossEntropy));
        assertTrue(message.contains("row 30 has 5 features, row 0 has 4"), message);
    }

    @Test
    void featuresTheModelDoesNotTakeFailTheProbe() {
        List<Sample> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) rows.add(Sample.ofClass(new double[] {i, 1, 2, 3, 4}, i % 3));
        String message = failure(IllegalArgumentException.class, builder(SC.parallelize(rows, 2), Losses::crossEntropy));
        assertTrue(message.contains("do not fit the training data"), message);
    }

    @Test
    void mixedTargetsAreNamed() {
        List<Sample> rows = new ArrayList<>(Fixtures.blobs(20, 3));
        rows.set(5, Sample.of(new double[] {1, 2, 3, 4}, 1, 0, 0));
        String message = failure(IllegalArgumentException.class, builder(SC.parallelize(rows, 2), Losses::crossEntropy));
        assertTrue(message.contains("row 5 has a target of length 3"), message);
    }

    @Test
    void emptyDataIsAnError() {
        String message = failure(IllegalArgumentException.class, builder(SC.parallelize(List.<Sample>of(), 3), Losses::crossEntropy));
        assertEquals("SparkTrainer: the training data is empty", message);
    }

    @Test
    void anEmptyPartitionTrainsAsTheOthersDo() {
        // the middle one of three partitions is empty: it holds no batch's rows
        List<Sample> all = SparkTrainerTest.TRAIN;
        JavaRDD<Sample> rows = SC.parallelize(all.subList(0, 50), 1).union(SC.parallelize(List.<Sample>of(), 1))
                .union(SC.parallelize(all.subList(50, all.size()), 1));
        assertEquals(3, rows.getNumPartitions());
        try (SparkTrainer t = SparkTrainerTest.sparkBuilder(SC, SparkTrainerTest.TRAIN, 2, Losses::crossEntropy)
                .trainData(rows).build()) {
            t.fit();
            double error = Fixtures.relativeError(t.model().stateDict(),
                    SparkTrainerTest.singleMachine(SparkTrainerTest.TRAIN).parameters());
            assertTrue(error <= SparkTrainerTest.TOLERANCE, "relative error " + error);
        }
    }

    @Test
    void aLossThatCannotBeSerialisedIsNamed() {
        Loss notSerialisable = Losses.crossEntropy();
        String message = failure(IllegalArgumentException.class, builder(SC.parallelize(Fixtures.blobs(20, 3), 2),
                () -> notSerialisable));
        assertTrue(message.contains("loss factory") && message.contains("not serialisable"), message);
    }

    @Test
    void aModelFactoryThatCannotBeSerialisedIsNamed() {
        Module notSerialisable = Fixtures.mlp();
        String message = failure(IllegalArgumentException.class, SparkTrainer.builder(SC, () -> notSerialisable,
                Losses::crossEntropy).optimizer(SparkTrainerTest::adam).trainData(SC.parallelize(Fixtures.blobs(20, 3), 2)));
        assertTrue(message.contains("model factory") && message.contains("not serialisable"), message);
    }

    @Test
    void aSumLossDeclaredAsMeanIsCaught() {
        String message = failure(IllegalArgumentException.class, builder(SC.parallelize(Fixtures.blobs(20, 3), 2),
                () -> Losses.crossEntropy(Reduction.SUM)));
        assertTrue(message.contains("declare lossReduction(Reduction.SUM)"), message);
    }

    static Module failsOnExecutors() {
        if (TaskContext.get() != null) throw new IllegalStateException("no backend here");
        return Fixtures.mlp();
    }

    @Test
    void anExecutorThatCannotBuildTheModelIsNamed() {
        String message = failure(IllegalStateException.class, SparkTrainer.builder(SC, BadInputTest::failsOnExecutors,
                Losses::crossEntropy).optimizer(SparkTrainerTest::adam).trainData(SC.parallelize(Fixtures.blobs(20, 3), 2)));
        assertTrue(message.contains("cannot build the model and loss") && message.contains("no backend here"), message);
    }

    static Module withDropout() {
        return new Sequential(Fixtures.mlp(), new Dropout(0.5, new Rng(1)));
    }

    @Test
    void randomLayersAreRefused() {
        String message = failure(IllegalArgumentException.class, SparkTrainer.builder(SC, BadInputTest::withDropout,
                Losses::crossEntropy).optimizer(SparkTrainerTest::adam).trainData(SC.parallelize(Fixtures.blobs(20, 3), 2)));
        assertTrue(message.contains("random numbers"), message);
    }
}
