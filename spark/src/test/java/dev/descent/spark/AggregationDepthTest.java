package dev.descent.spark;

import dev.descent.nn.losses.Losses;
import dev.descent.optim.train.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Summing the shares over two levels (groups of partitions on the executors first) equals one machine's training. */
@Timeout(90)
class AggregationDepthTest {
    static SparkTrainerTest.Result run(int partitions, int depth) {
        try (SparkTrainer trainer = SparkTrainerTest.sparkBuilder(LocalSpark.context(), SparkTrainerTest.TRAIN, partitions,
                Losses::crossEntropy).aggregationDepth(depth).build()) {
            History h = trainer.fit();
            return new SparkTrainerTest.Result(trainer.model().stateDict(), h);
        }
    }

    @Test
    void twoLevelsOverFivePartitionsEqualOneMachineAndRepeatBitForBit() {
        // five partitions, fan-in ceil(sqrt(5)) = 3: groups {0, 1, 2} and {3, 4} summed on the executors
        SparkTrainerTest.Result reference = SparkTrainerTest.singleMachine(SparkTrainerTest.TRAIN);
        SparkTrainerTest.Result first = run(5, 2), again = run(5, 2);
        double error = Fixtures.relativeError(first.parameters(), reference.parameters());
        System.out.printf("aggregationDepth(2), 5 partitions: max relative parameter error %.3g%n", error);
        assertTrue(error <= SparkTrainerTest.TOLERANCE, "relative error " + error);
        assertEquals(20, first.history().steps().size());
        for (int i = 0; i < 20; i++) {
            double a = first.history().steps().get(i).loss(), b = reference.history().steps().get(i).loss();
            assertEquals(b, a, SparkTrainerTest.TOLERANCE * Math.abs(b), "loss of step " + (i + 1));
        }
        assertEquals(0.0, Fixtures.relativeError(again.parameters(), first.parameters()), "the same depth repeats exactly");
    }
}
