package dev.descent.spark;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.SGD;
import dev.descent.optim.train.CheckpointException;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints of {@code stepsPerJob} mode: written at the epochs' ends (job boundaries) every interval, and a fresh
 * trainer that resumes from a mid-run one ends on the uninterrupted run's parameters, bit for bit, with its history.
 * A checkpoint that does not fit is refused on the driver before any job starts.
 */
@Timeout(150)
class BarrierResumeTest {
    static final int EPOCHS = 3, PER_EPOCH = 10, STEPS_PER_JOB = 3; // jobs of 3, 3, 3 and 1 steps per epoch

    static final SparkTrainMain.Mlp FLOAT32 = new SparkTrainMain.Mlp(Fixtures.FEATURES, List.of(16), Fixtures.CLASSES, 5,
            DType.FLOAT32);

    static SparkTrainer.Builder builder(JavaSparkContext sc, ModelFactory model, SparkTrainer.Exchange exchange, int k) {
        return SparkTrainer.builder(sc, model, Losses::crossEntropy)
                .optimizer(SparkTrainerTest::adam)
                .trainData(sc.parallelize(SparkTrainerTest.TRAIN, 2)).batchSize(SparkTrainerTest.BATCH)
                .shuffle(new Rng(7)).validationData(sc.parallelize(SparkTrainerTest.VALIDATION, 2))
                .epochs(EPOCHS).metrics(Metrics.accuracy())
                .stepsPerJob(k).exchange(exchange);
    }

    record Run(Map<String, Tensor> parameters, History history, int jobs) {
    }

    static Run fit(SparkTrainer.Builder b) {
        try (SparkTrainer t = b.build()) {
            History h = t.fit();
            return new Run(t.model().stateDict(), h, t.jobCosts().size());
        }
    }

    static Run resume(SparkTrainer.Builder b, Path checkpoint) throws IOException {
        try (SparkTrainer t = b.build()) {
            History h = t.resume(checkpoint);
            return new Run(t.model().stateDict(), h, t.jobCosts().size());
        }
    }

    /** Every parameter's bits, as doubles (a float32 value widens exactly). */
    static void assertSameBits(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (var e : expected.entrySet()) {
            double[] a = e.getValue().toDoubleArray(), b = actual.get(e.getKey()).toDoubleArray();
            long[] x = new long[a.length], y = new long[b.length];
            for (int i = 0; i < a.length; i++) x[i] = Double.doubleToRawLongBits(a[i]);
            for (int i = 0; i < b.length; i++) y[i] = Double.doubleToRawLongBits(b[i]);
            assertArrayEquals(x, y, what + ": parameter " + e.getKey());
        }
    }

    /**
     * The uninterrupted run writes its checkpoint every 2 epochs (after epoch 2 of 3, at the job boundary that ends
     * it); a fresh trainer resumes from it, runs only the last epoch's 4 jobs, and ends on the same bits, with the
     * same step numbers, losses, learning rates and epoch metrics.
     */
    void resumedEqualsUninterrupted(String name, ModelFactory model, SparkTrainer.Exchange exchange, Path dir) throws IOException {
        JavaSparkContext sc = LocalSpark.context();
        String what = name + ", " + exchange;
        Run whole = fit(builder(sc, model, exchange, STEPS_PER_JOB).checkpoints(dir, 2));
        assertEquals(EPOCHS * 4, whole.jobs(), what);
        String state = Files.readString(dir.resolve("last/state.json"));
        assertTrue(state.startsWith("{\"epoch\":2,\"step\":" + 2 * PER_EPOCH + ","), what + ": " + state);
        assertTrue(state.contains("\"loop\":{\"stepsPerJob\":\"3\"}"), what + ": " + state);
        assertEquals(2 * PER_EPOCH, History.readJson(dir.resolve("last/history.json")).steps().size());

        Run resumed = resume(builder(sc, model, exchange, STEPS_PER_JOB).checkpoints(dir, 2), dir);
        assertEquals(4, resumed.jobs(), what + ": only the last epoch's jobs run");
        assertSameBits(whole.parameters(), resumed.parameters(), what);
        assertEquals(EPOCHS * PER_EPOCH, resumed.history().steps().size());
        for (int i = 0; i < EPOCHS * PER_EPOCH; i++) {
            History.Step a = whole.history().steps().get(i), b = resumed.history().steps().get(i);
            assertEquals(a.step(), b.step(), what);
            assertEquals(a.epoch(), b.epoch(), what);
            assertEquals(a.loss(), b.loss(), 0.0, what + ": loss of step " + a.step());
            assertEquals(a.learningRate(), b.learningRate(), 0.0, what);
            assertEquals(a.gradNorm(), b.gradNorm(), 0.0, what);
        }
        assertEquals(EPOCHS, resumed.history().epochs().size());
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(whole.history().epochs().get(e).metrics(), resumed.history().epochs().get(e).metrics(), what);
        }
    }

    @Test
    void float64AllReduce(@TempDir Path dir) throws IOException {
        resumedEqualsUninterrupted("float64", Fixtures::mlp, SparkTrainer.Exchange.ALL_REDUCE, dir);
    }

    @Test
    void float64DriverExchange(@TempDir Path dir) throws IOException {
        resumedEqualsUninterrupted("float64", Fixtures::mlp, SparkTrainer.Exchange.DRIVER, dir);
    }

    @Test
    void float32AllReduce(@TempDir Path dir) throws IOException {
        resumedEqualsUninterrupted("float32", FLOAT32, SparkTrainer.Exchange.ALL_REDUCE, dir);
    }

    @Test
    void float32DriverExchange(@TempDir Path dir) throws IOException {
        resumedEqualsUninterrupted("float32", FLOAT32, SparkTrainer.Exchange.DRIVER, dir);
    }

    /** A checkpoint after every epoch, each at its job boundary: the last one is the run's end. */
    @Test
    void everyEpochEndsAtAJobBoundaryWithACheckpoint(@TempDir Path dir) throws IOException {
        Run whole = fit(builder(LocalSpark.context(), Fixtures::mlp, SparkTrainer.Exchange.ALL_REDUCE, 4).epochs(1)
                .checkpoints(dir, 1));
        assertEquals(3, whole.jobs()); // 4, 4 and 2 steps
        String state = Files.readString(dir.resolve("last/state.json"));
        assertTrue(state.startsWith("{\"epoch\":1,\"step\":" + PER_EPOCH + ","), state);
        // the checkpoint holds the parameters the run ended on
        Map<String, Tensor> saved = dev.descent.core.io.Safetensors.read(dir.resolve("last/model.safetensors"),
                dev.descent.core.Backends.get("ejml")).tensors();
        assertSameBits(whole.parameters(), saved, "the last checkpoint");
    }

    // ---------------------------------------------------------------- bad input, refused before any job

    /** Resuming {@code checkpoint} with {@code b} fails on the driver, no job run, the model as built. */
    static String refused(SparkTrainer.Builder b, Path checkpoint) {
        try (SparkTrainer t = b.build()) {
            Map<String, Tensor> before = t.model().stateDict();
            String message = assertThrows(CheckpointException.class, () -> t.resume(checkpoint)).getMessage();
            assertEquals(0, t.communication().steps(), "no job started: " + message);
            assertSameBits(before, t.model().stateDict(), "unchanged by the refused checkpoint");
            return message;
        }
    }

    @Test
    void aMismatchedOrCorruptCheckpointIsRefusedBeforeAnyJob(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = LocalSpark.context();
        SparkTrainer.Exchange ar = SparkTrainer.Exchange.ALL_REDUCE;
        Path barrier = dir.resolve("barrier"), perStep = dir.resolve("per-step"), float32 = dir.resolve("float32");
        fit(builder(sc, Fixtures::mlp, ar, STEPS_PER_JOB).epochs(1).checkpoints(barrier, 1));
        fit(builder(sc, FLOAT32, ar, STEPS_PER_JOB).epochs(1).checkpoints(float32, 1));
        try (SparkTrainer t = BarrierTrainingTest.builder(sc, 2).epochs(1).checkpoints(perStep, 1).build()) {
            t.fit();
        }

        String k = refused(builder(sc, Fixtures::mlp, ar, 4), barrier);
        assertTrue(k.contains("loop.stepsPerJob") && k.contains("'3'") && k.contains("'4'"), k);
        String fromPerStep = refused(builder(sc, Fixtures::mlp, ar, STEPS_PER_JOB), perStep);
        assertTrue(fromPerStep.contains("loop") && fromPerStep.contains("trainer's own loop")
                && fromPerStep.contains("{stepsPerJob=3}"), fromPerStep);
        String model = refused(builder(sc, Fixtures::mlp, ar, STEPS_PER_JOB), float32);
        assertTrue(model.contains("model.safetensors"), model);
        String optimizer = refused(builder(sc, Fixtures::mlp, ar, STEPS_PER_JOB)
                .optimizer(ps -> new SGD(ps, SGD.options(0.1))), barrier);
        assertTrue(optimizer.contains("__metadata__.optimizer") && optimizer.contains("SGD"), optimizer);

        // and one job per step refuses the barrier mode's checkpoint
        try (SparkTrainer t = BarrierTrainingTest.builder(sc, 2).build()) {
            String m = assertThrows(CheckpointException.class, () -> t.resume(barrier)).getMessage();
            assertTrue(m.contains("outside loop [stepsPerJob]") && m.contains("runs its own loop"), m);
        }

        Path modelFile = barrier.resolve("last/model.safetensors");
        byte[] bytes = Files.readAllBytes(modelFile);
        Files.write(modelFile, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        String truncated = refused(builder(sc, Fixtures::mlp, ar, STEPS_PER_JOB), barrier);
        assertTrue(truncated.contains("truncated") && truncated.contains("model.safetensors"), truncated);
        byte[] garbage = new byte[bytes.length];
        java.util.Arrays.fill(garbage, (byte) 0x7f);
        Files.write(modelFile, garbage);
        String corrupt = refused(builder(sc, Fixtures::mlp, ar, STEPS_PER_JOB), barrier);
        assertTrue(corrupt.contains("model.safetensors") && corrupt.contains("not a readable safetensors file"), corrupt);
    }
}
