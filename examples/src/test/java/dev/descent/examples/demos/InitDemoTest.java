package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.demos.Configurations.Configuration;
import dev.descent.examples.demos.InitDemo.Outcome;
import dev.descent.examples.presets.InitPreset;
import dev.descent.optim.train.StopReason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lecture's claims about initialisation, on the notebook's data and network with 1500 steps, in every
 * configuration (backend and dtype); each configuration's runs are trained once and shared by its tests.
 */
class InitDemoTest {
    static final InitDemo.Config SMALL = new InitDemo.Config(List.of(InitPreset.values()), List.of(10, 5), 1500, 0.1,
            300, 100, 0.05);

    @TempDir
    static Path out;
    static final Map<Configuration, List<Outcome>> RUNS = new ConcurrentHashMap<>();
    static DemoResult result;
    static List<Outcome> runs;

    static List<Outcome> runs(Configuration c) {
        return RUNS.computeIfAbsent(c, k -> new InitDemo(SMALL).train(k.context(out, 42)));
    }

    @BeforeAll
    static void runTheDemo() {
        RunContext ctx = RunContext.forTest(out, 42);
        runs = runs(new Configuration(ctx.backend().name(), ctx.dtype()));
        result = new InitDemo(SMALL).report(ctx, runs);
    }

    static Outcome run(Configuration c, InitPreset init) {
        return runs(c).stream().filter(o -> o.init() == init).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void zeroInitialisationLeavesTheHiddenUnitsIdentical(Configuration c) {
        Outcome zero = run(c, InitPreset.ZERO);
        assertArrayEquals(new int[] {1, 1}, zero.distinctUnits(), "every unit of a layer computes the same");
        for (InitDemo.LayerState layer : zero.end()) {
            for (double w : layer.weights()) assertEquals(layer.weights()[0], w, "all weights of a layer are equal");
        }
        assertEquals(0.5, zero.testAccuracy(), 0.05);
        assertArrayEquals(new int[] {10, 5}, run(c, InitPreset.APPROPRIATE).distinctUnits(), "random weights break it");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void tooSmallWeightsMakeTheFirstLayersGradientVanishAndLearnSlowly(Configuration c) {
        Outcome small = run(c, InitPreset.TOO_SMALL), good = run(c, InitPreset.APPROPRIATE);
        double smallNorm = small.start().get(0).gradientNorm(), goodNorm = good.start().get(0).gradientNorm();
        assertTrue(smallNorm < 1e-3 * goodNorm, smallNorm + " vs " + goodNorm);
        for (double g : small.firstLayerGradNorm()) assertTrue(g < 1e-3, "stays vanishing: " + g);
        assertTrue(small.finalCost() > 0.99 * small.initialCost(), "the cost barely moves: " + small.finalCost());
        assertTrue(good.finalCost() < 0.3 * good.initialCost(), "while a good start learns: " + good.finalCost());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void tooLargeWeightsStartWithAHugeCostThatOscillatesOrDiverges(Configuration c) {
        Outcome large = run(c, InitPreset.TOO_LARGE), good = run(c, InitPreset.APPROPRIATE);
        assertTrue(large.initialCost() > 100 * good.initialCost(), large.initialCost() + " vs " + good.initialCost());
        assertTrue(large.start().get(0).gradientNorm() > 100 * good.start().get(0).gradientNorm(), "exploding");
        if (large.stopReason() == StopReason.DIVERGED) {
            assertTrue(large.finiteParameters(), "a divergence stop keeps the last finite parameters");
        } else {
            assertTrue(large.costRiseShare() > 0.05, "oscillates: the cost rose on " + large.costRiseShare());
            assertTrue(good.costRiseShare() < 0.01, "a good start descends: " + good.costRiseShare());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void appropriateInitialisationReachesTheBestTestAccuracy(Configuration c) {
        Outcome good = run(c, InitPreset.APPROPRIATE);
        assertTrue(good.testAccuracy() >= 0.9, "accuracy " + good.testAccuracy());
        for (Outcome o : runs(c)) {
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
