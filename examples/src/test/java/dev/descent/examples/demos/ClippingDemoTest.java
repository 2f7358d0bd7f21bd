package dev.descent.examples.demos;

import dev.descent.examples.demos.Configurations.Configuration;
import dev.descent.optim.train.History;
import dev.descent.optim.train.StopReason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ClippingDemoTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void onTheCliffTheUnclippedStepJumpsAwayWhileNormClippingConverges(Configuration c) {
        var paths = new ClippingDemo(ClippingDemo.Config.defaults()).cliffPaths(c.tensors());
        var none = paths.get(0);
        var norm = paths.get(1);
        var value = paths.get(2);
        assertTrue(none.longestStep() > 10, "jumps away: " + none.longestStep());
        assertTrue(none.stepsTo(ClippingDemo.CLIFF_TOL) < 0 && none.finalLoss() > 0.1, "" + none.finalLoss());
        assertTrue(norm.longestStep() <= ClippingDemo.CLIFF_LR * 1.0 + 1e-5, "" + norm.longestStep());
        assertTrue(norm.stepsTo(ClippingDemo.CLIFF_TOL) > 0, "converges: " + norm.finalLoss());
        assertTrue(norm.finalLoss() < ClippingDemo.CLIFF_TOL);
        double clipValue = ClippingDemo.Config.defaults().clipValue();
        assertTrue(value.longestStep() <= ClippingDemo.CLIFF_LR * clipValue * Math.sqrt(2) + 1e-5, "" + value.longestStep());
    }

    /**
     * The deep network's seeds. NOTE: the network is chaotic (exploding gradients amplify the rounding of each
     * backend, dtype and BLAS kernel into a different loss curve), so the claim is asserted for a clear majority of
     * seeds ({@link Majority}), not on one run's rounding. Measured over nine seeds in each configuration (EJML and jBLAS, float32 and
     * float64, jBLAS with and without OPENBLAS_CORETYPE=Haswell): the unclipped run always diverged or grew by more
     * than 1e24; clipped by norm it ended at 0.11 to 0.32 of its first loss, clipped by value at 0.15 to 0.60 (0.596
     * once: jBLAS float32 on the Haswell kernels, seed 42) against the bound 0.6.
     */
    static final long[] SEEDS = {42, 1, 2, 3, 4};

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void theDeepNetworkDivergesWithoutClippingAndLearnsWithIt(Configuration c) {
        var d = ClippingDemo.Config.defaults();
        var config = new ClippingDemo.Config(d.maxNorm(), d.clipValue(), 10, d.depth(), 40, d.width(), d.gain(),
                d.networkLr(), 128);
        Majority.assertHolds(SEEDS, seed -> deepNetworkClaimFails(new ClippingDemo(config).networkRuns(
                c.context(Path.of("unused"), seed), c.tensors())));
    }

    /** Why the runs (no clipping, by norm, by value) miss the claim, or null when they show it. */
    static String deepNetworkClaimFails(List<History> runs) {
        History none = runs.get(0);
        double[] l0 = none.stepLosses();
        if (none.stopReason() != StopReason.DIVERGED && !(l0[l0.length - 1] > 100 * l0[0])) {
            return "without clipping " + none.stopReason() + ", " + l0[0] + " -> " + l0[l0.length - 1];
        }
        for (History clipped : runs.subList(1, 3)) {
            double[] l = clipped.stepLosses();
            if (clipped.stopReason() != StopReason.COMPLETED || !(l[l.length - 1] < 0.6 * l[0])) {
                return "clipped " + clipped.stopReason() + ", " + l[0] + " -> " + l[l.length - 1];
            }
        }
        return null;
    }
}
