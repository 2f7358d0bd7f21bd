package dev.descent.examples.demos;

import dev.descent.core.Tensor;
import dev.descent.examples.RunContext;
import dev.descent.optim.train.History;
import dev.descent.optim.train.StopReason;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClippingDemoTest {
    private final RunContext ctx = RunContext.forTest(Path.of("unused"), 42);

    @Test
    void onTheCliffTheUnclippedStepJumpsAwayWhileNormClippingConverges() {
        var paths = new ClippingDemo(ClippingDemo.Config.defaults()).cliffPaths(Tensor.on(ctx.backend(), ctx.dtype()));
        var none = paths.get(0);
        var norm = paths.get(1);
        var value = paths.get(2);
        assertTrue(none.longestStep() > 10, "jumps away: " + none.longestStep());
        assertTrue(none.stepsTo(ClippingDemo.CLIFF_TOL) < 0 && none.finalLoss() > 0.1, "" + none.finalLoss());
        assertTrue(norm.longestStep() <= ClippingDemo.CLIFF_LR * 1.0 + 1e-5, "" + norm.longestStep());
        assertTrue(norm.stepsTo(ClippingDemo.CLIFF_TOL) > 0, "converges: " + norm.finalLoss());
        assertTrue(norm.finalLoss() < ClippingDemo.CLIFF_TOL);
        assertTrue(value.longestStep() <= ClippingDemo.CLIFF_LR * 0.5 * Math.sqrt(2) + 1e-5, "" + value.longestStep());
    }

    @Test
    void theDeepNetworkDivergesWithoutClippingAndLearnsWithIt() {
        var d = ClippingDemo.Config.defaults();
        var config = new ClippingDemo.Config(1.0, 0.5, 10, d.depth(), 40, d.width(), d.gain(), d.networkLr(), 128);
        var runs = new ClippingDemo(config).networkRuns(ctx, Tensor.on(ctx.backend(), ctx.dtype()));
        History none = runs.get(0);
        double[] l0 = none.stepLosses();
        assertTrue(none.stopReason() == StopReason.DIVERGED || l0[l0.length - 1] > 100 * l0[0],
                none.stopReason() + " " + l0[l0.length - 1]);
        for (History clipped : runs.subList(1, 3)) {
            double[] l = clipped.stepLosses();
            assertEquals(StopReason.COMPLETED, clipped.stopReason());
            assertTrue(l[l.length - 1] < 0.6 * l[0], l[0] + " -> " + l[l.length - 1]);
        }
    }
}
