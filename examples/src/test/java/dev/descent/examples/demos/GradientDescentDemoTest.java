package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.demos.GradientDescentDemo.Outcome;
import dev.descent.examples.demos.Configurations.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lecture's claims about batch, mini-batch and stochastic descent, on 200 samples for 5 epochs. */
class GradientDescentDemoTest {
    @TempDir
    Path out;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void batchIsSmoothestStochasticNoisiestAndAStochasticEpochTakesLonger(Configuration c) {
        var ctx = c.context(out, 42);
        GradientDescentDemo demo = new GradientDescentDemo(new GradientDescentDemo.Config(5, 20, 200, 0.05));
        List<Outcome> runs = demo.train(ctx);
        Outcome batch = runs.get(0), mini = runs.get(1), stochastic = runs.get(2);
        assertEquals(List.of(1, 10, 200), runs.stream().map(Outcome::updatesPerEpoch).toList());

        assertTrue(batch.roughness() < mini.roughness(), batch.roughness() + " vs " + mini.roughness());
        assertTrue(mini.roughness() < stochastic.roughness(), mini.roughness() + " vs " + stochastic.roughness());
        double[] b = batch.history().stepLosses();
        for (int i = 1; i < b.length; i++) assertTrue(b[i] < b[i - 1], "batch descent's cost falls at every update");

        // NOTE: 200 updates against 10 of the same small network: a margin no scheduling hiccup closes.
        assertTrue(stochastic.medianUpdateSeconds() > mini.medianUpdateSeconds(),
                stochastic.medianUpdateSeconds() + " s vs " + mini.medianUpdateSeconds() + " s");
        assertTrue(last(stochastic.epochCost()) < last(batch.epochCost()), "more updates, more progress per epoch");

        DemoResult r = demo.report(ctx, runs);
        assertEquals(3, r.figures().size());
        for (var f : r.figures()) assertTrue(Files.isRegularFile(f.png()), f.png().toString());
        assertArrayEquals(stochastic.history().stepLosses(), demo.train(ctx).get(2).history().stepLosses(),
                "deterministic for a seed");
    }

    private static double last(double[] v) {
        return v[v.length - 1];
    }
}
