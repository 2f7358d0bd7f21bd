package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A task that fails on its first attempt is retried by Spark, and training ends with the same parameters. */
@Timeout(60)
class FaultToleranceTest {
    // NOTE: local mode runs the tasks in this JVM, so a static flag reaches them.
    static final AtomicInteger CALLS = new AtomicInteger();
    static final AtomicBoolean FAILED = new AtomicBoolean();

    /** Cross-entropy whose 25th use inside a first task attempt of partition 1 throws once. */
    static Loss flaky() {
        Loss ce = Losses.crossEntropy();
        return (Variable prediction, Variable target) -> {
            TaskContext task = TaskContext.get();
            if (task != null && task.partitionId() == 1 && task.attemptNumber() == 0 && CALLS.incrementAndGet() == 25
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure in partition 1, attempt 0");
            }
            return ce.apply(prediction, target);
        };
    }

    @Test
    void aRetriedTaskLeavesTheTrainedParametersUnchanged() {
        var clean = SparkTrainerTest.onSpark(2);
        var retried = SparkTrainerTest.onSpark(SparkTrainerTest.TRAIN, 2, FaultToleranceTest::flaky);
        assertTrue(FAILED.get(), "the failure was injected");
        assertEquals(0.0, Fixtures.relativeError(retried.parameters(), clean.parameters()),
                "two partitions sum in one order, so the retried run is bit for bit the clean one");
        assertEquals(clean.history().stepLosses().length, retried.history().stepLosses().length);
        double error = Fixtures.relativeError(retried.parameters(), SparkTrainerTest.singleMachine(SparkTrainerTest.TRAIN).parameters());
        assertTrue(error <= SparkTrainerTest.TOLERANCE, "relative error to the single machine " + error);
    }
}
