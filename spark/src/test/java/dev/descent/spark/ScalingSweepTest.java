package dev.descent.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scaling model's arithmetic by hand, and the sweep on two tiny cells in local mode. */
@Timeout(90)
class ScalingSweepTest {
    @Test
    void theFitRecoversALineAndTheModelFollowsItsFormulas() {
        ScalingSweep.Fit fit = ScalingSweep.Fit.of(List.of(new long[] {1_000, 12_000_000}, new long[] {1_001_000, 52_000_000},
                new long[] {3_001_000, 132_000_000}));
        assertEquals(40.0, fit.perParameter(), 1e-9); // 40 ns per parameter: 40 ms per million
        assertEquals(11_960_000, fit.fixed(), 1e-3);
        ScalingSweep.Fit falling = ScalingSweep.Fit.of(List.of(new long[] {100, 30_000_000}, new long[] {200, 10_000_000}));
        assertEquals(0.0, falling.perParameter(), "no negative cost per parameter");
        assertEquals(20e6, falling.fixed(), 1e-6);
        ScalingSweep.Fit flat = new ScalingSweep.Fit(10e6, 0);
        // two executors: 2c = 10 ms + c, so c* = 10 ms; sixty-four: 64c = 10 ms + c
        assertEquals(10e6, ScalingSweep.breakEven(flat, 1_000_000, 2, 2), 1e-6);
        assertEquals(10e6 / 63, ScalingSweep.breakEven(flat, 1_000_000, 64, 2), 1e-6);
        // with 20 ns per parameter measured on 2 partitions, 1M parameters on 16 executors cost 10 + 20 × 8 = 170 ms
        assertEquals(170e6 / 15, ScalingSweep.breakEven(new ScalingSweep.Fit(10e6, 20), 1_000_000, 16, 2), 1e-3);
    }

    @Test
    void measuresEveryCellAndWritesTheTableCsvAndPlot(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<ScalingSweep.Cell> cells = ScalingSweep.run(LocalSpark.context(), new String[] {"--models", "4-8-3,8-16-3",
            "--batches", "4", "--steps", "3", "--warmup", "1", "--steps-per-job", "3", "--partitions", "2",
            "--out", dir.toString()}, new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(2, cells.size());
        assertEquals(4 * 8 + 8 + 8 * 3 + 3, cells.get(0).parameters());
        for (ScalingSweep.Cell c : cells) {
            assertTrue(c.single() > 0 && c.perStep().stepNanos() > 0 && c.barrier().stepNanos() > 0, c.toString());
            assertEquals(3, c.barrier().stepsPerJob());
        }
        assertTrue(out.contains("| 4-8-3 | 67 | 4 |") && out.contains("N = 64"), out);
        List<String> csv = Files.readAllLines(dir.resolve("scaling.csv"));
        assertTrue(csv.get(0).startsWith("model,parameters,batch_per_partition"), csv.get(0));
        assertEquals(2, csv.stream().filter(l -> l.startsWith("4-8-3,") || l.startsWith("8-16-3,")).count());
        String svg = Files.readString(dir.resolve("scaling.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("one job per step") && svg.contains("3 steps per barrier job"), svg);
    }
}
