package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStoppingDemoTest {
    static EarlyStoppingDemo.Config small() {
        return new EarlyStoppingDemo.Config(40, 100, 200, 0.35, Fits.Net.of(2, 64, "relu"),
                new Fits.Training("adam", 0.01, 8, 120, null), 10);
    }

    @Test
    void earlyStoppingUsesFewerEpochsAndEndsNoWorseOnHeldOutDataOnEveryBackend(@TempDir Path dir) {
        for (RunContext ctx : EveryBackend.contexts(dir, 3)) {
            String on = EveryBackend.describe(ctx);
            EarlyStoppingDemo.Outcome o = new EarlyStoppingDemo(small()).train(ctx);
            int fixed = o.fixed().epochsRun(), stopped = o.stopped().epochsRun();
            assertEquals(120, fixed, on);
            // NOTE: measured over seeds 1..6 on both backends: it stops after 13..35 epochs.
            assertTrue(stopped < fixed / 2, on + ": stopped after " + stopped);
            assertEquals(stopped - 10 - 1, o.bestEpoch(), on + ": it stops once patience 10 is exceeded after the best epoch");
            double[] val = o.stopped().history().metric("val_loss");
            assertTrue(val[o.bestEpoch() - 1] <= o.fixed().last("val_loss"), on);
            // NOTE: measured over the same seeds: the restored weights' test loss is at most 0.38 of the fixed run's.
            double es = o.stoppedTest().get("loss"), full = o.fixedTest().get("loss");
            assertTrue(es < 0.7 * full, on + ": test loss with early stopping " + es + ", fixed " + full);
        }
    }

    @Test
    void theRestoredWeightsAreTheBestEpochsAndTheReportMarksBoth(@TempDir Path dir) throws Exception {
        RunContext ctx = RunContext.forTest(dir, 2);
        EarlyStoppingDemo demo = new EarlyStoppingDemo(small());
        EarlyStoppingDemo.Outcome o = demo.train(ctx);
        double[] val = o.stopped().history().metric("val_loss");
        // the fixed and the stopped runs share weights and batch order, so they agree epoch for epoch until the stop
        double[] fixedVal = o.fixed().history().metric("val_loss");
        for (int i = 0; i < val.length; i++) assertEquals(fixedVal[i], val[i], 0.0, "epoch " + (i + 1));
        assertEquals(val[o.bestEpoch() - 1], o.restoredValidation().get("loss"), 1e-6, "the model ends with the best epoch's weights");
        assertTrue(o.restoredValidation().get("loss") < val[val.length - 1], "not the last epoch's");
        DemoResult r = demo.report(ctx, o);
        assertEquals(String.valueOf(o.bestEpoch()), r.measurements().get("early stopping: best (restored) epoch"));
        assertTrue(r.measurements().get("stop message").startsWith("early stopping at epoch " + val.length),
                r.measurements().get("stop message"));
        assertEquals(List.of("loss.png", "accuracy.png"), r.figures().stream().map(f -> f.png().getFileName().toString()).toList());
        for (var f : r.figures()) assertTrue(Files.size(f.png()) > 1000, f.png().toString());
    }
}
