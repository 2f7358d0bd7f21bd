package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.demos.InitDemo.Outcome;
import dev.descent.examples.presets.InitPreset;
import dev.descent.optim.train.StopReason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lecture's claims about initialisation, on the notebook's data and network with 1500 steps. */
class InitDemoTest {
    static final InitDemo.Config SMALL = new InitDemo.Config(List.of(InitPreset.values()), List.of(10, 5), 1500, 0.1,
            300, 100, 0.05);

    @TempDir
    static Path out;
    static DemoResult result;
    static List<Outcome> runs;

    @BeforeAll
    static void runTheDemo() {
        InitDemo demo = new InitDemo(SMALL);
        RunContext ctx = RunContext.forTest(out, 42);
        runs = demo.train(ctx);
        result = demo.report(ctx, runs);
    }

    static Outcome run(InitPreset init) {
        return runs.stream().filter(o -> o.init() == init).findFirst().orElseThrow();
    }

    @Test
    void zeroInitialisationLeavesTheHiddenUnitsIdentical() {
        Outcome zero = run(InitPreset.ZERO);
        assertArrayEquals(new int[] {1, 1}, zero.distinctUnits(), "every unit of a layer computes the same");
        for (InitDemo.LayerState layer : zero.end()) {
            for (double w : layer.weights()) assertEquals(layer.weights()[0], w, "all weights of a layer are equal");
        }
        assertEquals(0.5, zero.testAccuracy(), 0.05);
        assertArrayEquals(new int[] {10, 5}, run(InitPreset.APPROPRIATE).distinctUnits(), "random weights break it");
    }

    @Test
    void tooSmallWeightsMakeTheFirstLayersGradientVanishAndLearnSlowly() {
        Outcome small = run(InitPreset.TOO_SMALL), good = run(InitPreset.APPROPRIATE);
        double smallNorm = small.start().get(0).gradientNorm(), goodNorm = good.start().get(0).gradientNorm();
        assertTrue(smallNorm < 1e-3 * goodNorm, smallNorm + " vs " + goodNorm);
        for (double g : small.firstLayerGradNorm()) assertTrue(g < 1e-3, "stays vanishing: " + g);
        assertTrue(small.finalCost() > 0.99 * small.initialCost(), "the cost barely moves: " + small.finalCost());
        assertTrue(good.finalCost() < 0.3 * good.initialCost(), "while a good start learns: " + good.finalCost());
    }

    @Test
    void tooLargeWeightsStartWithAHugeCostThatOscillatesOrDiverges() {
        Outcome large = run(InitPreset.TOO_LARGE), good = run(InitPreset.APPROPRIATE);
        assertTrue(large.initialCost() > 100 * good.initialCost(), large.initialCost() + " vs " + good.initialCost());
        assertTrue(large.start().get(0).gradientNorm() > 100 * good.start().get(0).gradientNorm(), "exploding");
        if (large.stopReason() == StopReason.DIVERGED) {
            assertTrue(large.finiteParameters(), "a divergence stop keeps the last finite parameters");
        } else {
            assertTrue(large.costRiseShare() > 0.05, "oscillates: the cost rose on " + large.costRiseShare());
            assertTrue(good.costRiseShare() < 0.01, "a good start descends: " + good.costRiseShare());
        }
    }

    @Test
    void appropriateInitialisationReachesTheBestTestAccuracy() {
        Outcome good = run(InitPreset.APPROPRIATE);
        assertTrue(good.testAccuracy() >= 0.9, "accuracy " + good.testAccuracy());
        for (Outcome o : runs) {
            if (o != good) assertTrue(good.testAccuracy() > o.testAccuracy(), o.init() + " " + o.testAccuracy());
        }
    }

    @Test
    void writesTheFiguresAndMeasurements() {
        assertEquals(7, result.figures().size());
        for (var f : result.figures()) {
            assertTrue(Files.isRegularFile(f.png()), f.png().toString());
            assertTrue(!f.point().isEmpty() && !f.measured().isEmpty(), f.caption());
        }
        assertTrue(result.measurements().containsKey("test accuracy, APPROPRIATE"), result.measurements().toString());
        assertEquals(4, result.summary().size());
    }

    @Test
    void isDeterministicForASeed() {
        assertArrayEquals(runs.get(3).history().stepLosses(),
                new InitDemo(new InitDemo.Config(List.of(InitPreset.TOO_LARGE), List.of(10, 5), 1500, 0.1, 300, 100,
                        0.05)).train(RunContext.forTest(out, 42)).get(0).history().stepLosses());
    }
}
