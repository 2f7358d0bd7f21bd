package dev.descent.examples.demos;

import dev.descent.core.TensorFactory;
import dev.descent.examples.DemoResult;
import dev.descent.examples.demos.OptimizerPaths.Path;
import dev.descent.optim.SGD;
import dev.descent.examples.demos.Configurations.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizersDemoTest {
    private static Path ravine(TensorFactory f, String key, double lr, boolean stepSizes) {
        var fn = OptimizersDemo.function("ravine");
        return OptimizerPaths.run(fn.surface(), fn.start(), 200, OptimizersDemo.optimizer(key, lr, true), f, stepSizes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void momentumZeroIsPlainGradientDescentBitForBit(Configuration c) {
        TensorFactory f = c.tensors();
        var fn = OptimizersDemo.function("ravine");
        Path gd = ravine(f, "gd", 0.03, false);
        Path m0 = OptimizerPaths.run(fn.surface(), fn.start(), 200, p -> new SGD(p, SGD.options(0.03).withMomentum(0)),
                f, false);
        Path ema0 = OptimizerPaths.run(fn.surface(), fn.start(), 200, p -> new SGD(p, dev.descent.examples.presets.LectureOptimizers.momentum(0.03, 0)), f, false);
        assertTrue(Arrays.deepEquals(gd.points(), m0.points()));
        assertTrue(Arrays.deepEquals(gd.points(), ema0.points()));
        assertTrue(gd.longestStep() > 0, "the path moves");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void momentumReachesTheRavinesMinimumInFewerStepsThanGradientDescent(Configuration c) {
        TensorFactory f = c.tensors();
        int gd = ravine(f, "gd", 0.03, false).stepsTo(OptimizersDemo.RAVINE_TOL);
        int momentum = ravine(f, "momentum", 0.03, false).stepsTo(OptimizersDemo.RAVINE_TOL);
        int ema = ravine(f, "momentum-ema", 0.3, false).stepsTo(OptimizersDemo.RAVINE_TOL);
        assertTrue(momentum > 0 && ema > 0, momentum + " " + ema);
        assertTrue(gd < 0 || momentum < gd, "momentum " + momentum + ", gd " + gd);
        assertTrue(gd < 0 || ema < gd, "ema " + ema + ", gd " + gd);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void adagradsEffectiveLearningRateOnlyFallsWhileRmspropsAndAdadeltasRecover(Configuration c) {
        TensorFactory f = c.tensors();
        var adagrad = OptimizersDemo.StepSizeShape.of(ravine(f, "adagrad", 1.0, true).stepSizeOf(0));
        assertTrue(adagrad.nonIncreasing());
        assertTrue(adagrad.last() < 0.5 * ravine(f, "adagrad", 1.0, true).stepSizeOf(0)[0]);
        var rms = OptimizersDemo.StepSizeShape.of(ravine(f, "rmsprop", 0.05, true).stepSizeOf(0));
        var window = OptimizersDemo.StepSizeShape.of(ravine(f, "adadelta", 0.5, true).stepSizeOf(0));
        var fn = OptimizersDemo.function("ravine");
        var torch = OptimizersDemo.StepSizeShape.of(OptimizerPaths.run(fn.surface(), fn.start(), 200,
                OptimizersDemo.optimizer("adadelta", 1.0, false), f, true).stepSizeOf(0));
        for (var s : List.of(rms, window, torch)) {
            assertTrue(!s.nonIncreasing() && s.recovery() > 1.5, s.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void adamReachesTheMoonsTargetLossInFewerEpochsThanMiniBatchGradientDescent(Configuration c,
            @TempDir java.nio.file.Path dir) throws Exception {
        var config = new OptimizersDemo.Config(List.of("gd", "adam"), List.of("ravine"), 30, 32, 60, 200, 100, 0.3);
        DemoResult r = new OptimizersDemo(config).run(c.context(dir, 42));
        int gd = epochs(r.measurements().get("moons gd: epochs to loss 0.300"));
        int adam = epochs(r.measurements().get("moons adam: epochs to loss 0.300"));
        assertTrue(adam > 0 && (gd < 0 || adam < gd), "adam " + adam + ", gd " + gd);
        assertEquals("true", r.measurements().get("ravine: momentum 0 (PyTorch and EMA form) equals GD bit for bit"));
        for (var fig : r.figures()) assertTrue(Files.size(fig.png()) > 1000, fig.png().toString());
        assertTrue(r.figures().size() >= 7, r.figures().toString());
    }

    private static int epochs(String text) {
        return text.equals("never") ? -1 : Integer.parseInt(text);
    }
}
