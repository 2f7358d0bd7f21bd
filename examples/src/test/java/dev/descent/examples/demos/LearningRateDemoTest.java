package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.demos.LearningRateDemo.Outcome;
import dev.descent.examples.demos.LearningRateDemo.Path;
import dev.descent.examples.demos.LearningRateDemo.Surface;
import dev.descent.examples.demos.Configurations.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lecture's claims about the learning rate, with rates placed relative to the surface's measured curvature. */
class LearningRateDemoTest {
    @TempDir
    java.nio.file.Path out;

    /** The surface of seed 7, measured once with any rate. */
    Surface surface(RunContext ctx) {
        return new LearningRateDemo(new LearningRateDemo.Config(List.of(0.1), 1)).descend(ctx).surface();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void smallConvergesSlowlyAndLargeOvershootsOrDiverges(Configuration c) {
        RunContext ctx = c.context(out, 7);
        double critical = surface(ctx).divergenceRate();
        // small, about optimal, between 1/lambda_max and 2/lambda_max, above 2/lambda_max
        List<Double> rates = List.of(0.05 * critical, 0.45 * critical, 0.9 * critical, 1.1 * critical);
        LearningRateDemo demo = new LearningRateDemo(new LearningRateDemo.Config(rates, 40));
        Outcome o = demo.descend(ctx);
        Surface s = o.surface();
        Path small = o.paths().get(0), good = o.paths().get(1), large = o.paths().get(2), tooLarge = o.paths().get(3);

        assertTrue(good.stepsToConverge(s) >= 0 && good.stepsToConverge(s) <= 15, "converges: " + good.stepsToConverge(s));
        assertEquals(0, good.overshoots(s));
        assertEquals(-1, small.stepsToConverge(s), "small has not converged in 40 steps");
        assertEquals(0, small.overshoots(s), "small never overshoots");
        assertTrue(small.finalCost() < small.costs()[0], "but it does go down");
        for (int i = 1; i < small.costs().length; i++) assertTrue(small.costs()[i] <= small.costs()[i - 1], "monotone");

        assertTrue(large.overshoots(s) >= 10, "large overshoots: " + large.overshoots(s));
        assertTrue(large.stepsToConverge(s) < 0 || large.stepsToConverge(s) > good.stepsToConverge(s), "and is slower");
        assertTrue(tooLarge.diverged(s), "too large diverges: " + tooLarge.finalCost());
        assertTrue(tooLarge.finalCost() > 100 * tooLarge.costs()[0], "the cost grows: " + tooLarge.finalCost());
        for (Path p : o.paths()) {
            assertArrayEquals(LearningRateDemo.START, p.points()[0], 1e-6, "every path starts at the same point");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void theDefaultRatesShowEachRegimeAndTheFiguresAreWritten(Configuration c) {
        RunContext ctx = c.context(out, 42);
        LearningRateDemo demo = new LearningRateDemo(LearningRateDemo.Config.defaults());
        Outcome o = demo.descend(ctx);
        Surface s = o.surface();
        assertEquals(List.of("slow, not converged", "converges", "overshoots, converges", "diverges"),
                o.paths().stream().map(p -> p.verdict(s)).toList());
        DemoResult r = demo.report(ctx, o);
        assertEquals(2, r.figures().size());
        for (var f : r.figures()) assertTrue(Files.isRegularFile(f.png()), f.png().toString());
        assertEquals(5, r.summary().size());
        assertArrayEquals(o.paths().get(3).costs(), demo.descend(ctx).paths().get(3).costs(), "deterministic");
    }
}
