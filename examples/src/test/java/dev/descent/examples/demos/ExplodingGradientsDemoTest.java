package dev.descent.examples.demos;

import dev.descent.data.Dataset;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.demos.Configurations.Configuration;
import dev.descent.optim.train.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplodingGradientsDemoTest {
    /** Sequences of 60 steps, 16 hidden units, 128 sequences, recurrent gain 2: seconds per run. */
    static final ExplodingGradientsDemo.Config SMALL = new ExplodingGradientsDemo.Config(60, 16, 2.0, 0.1, 250, 128, 5,
            1.0);

    /**
     * NOTE: the unclipped network is chaotic (its gradients explode, so each backend's and dtype's rounding grows into
     * a different curve), so the claim is asserted for a clear majority of seeds ({@link Majority}), as in
     * {@link ClippingDemoTest}.
     */
    static final long[] SEEDS = {42, 1, 2};

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void withoutClippingTheRnnDivergesOrStallsAndWithClippingItLearns(Configuration c) {
        Majority.assertHolds(SEEDS, seed -> {
            RunContext ctx = c.context(Path.of("unused"), seed);
            ExplodingGradientsDemo demo = new ExplodingGradientsDemo(SMALL);
            Dataset data = demo.data(ctx);
            List<History> runs = demo.runs(ctx);
            double[] norms = runs.get(0).steps().stream().mapToDouble(History.Step::gradNorm).toArray();
            String why = ExplodingGradientsDemo.claimFails(runs, ExplodingGradientsDemo.baseline(data));
            if (why == null && !(ClippingDemo.max(norms) > 100 * SMALL.maxNorm())) why = "no explosion: " + ClippingDemo.max(norms);
            return why;
        });
    }

    @Test
    void theReportHasTheLossAndTheGradientNormPerStep(@TempDir Path out) {
        DemoResult r = new ExplodingGradientsDemo(SMALL).run(RunContext.forTest(out, 42));
        assertEquals(List.of("loss.png", "loss-clipped.png", "grad-norm.png"),
                r.figures().stream().map(f -> f.png().getFileName().toString()).toList());
        assertTrue(r.measurements().get("no clipping").contains("largest gradient norm"), r.measurements().toString());
        assertTrue(r.measurements().containsKey("claim: without clipping it diverges or stalls, with clipping it learns"));
        assertTrue(r.lead().contains("vanilla (tanh) RNN"), r.lead());
    }
}
