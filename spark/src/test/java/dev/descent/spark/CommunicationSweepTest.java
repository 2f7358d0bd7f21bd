package dev.descent.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The communication sweep, on two small models in local mode. */
@Timeout(60)
class CommunicationSweepTest {
    @Test
    void timesEveryPartOfTheStepsOfEachModel() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<CommunicationSweep.Row> rows = CommunicationSweep.run(LocalSpark.context(), new String[] {"--models",
            "4-8-3,8-32-16-2", "--steps", "3", "--warmup", "1", "--partitions", "2", "--steps-per-job", "1,3"},
                new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(4, rows.size());
        assertEquals(4 * 8 + 8 + 8 * 3 + 3, rows.get(0).parameters());
        assertEquals(8 * 32 + 32 + 32 * 16 + 16 + 16 * 2 + 2, rows.get(2).parameters());
        for (CommunicationSweep.Row r : rows) {
            if (r.stepsPerJob() == 3) { // one barrier job of 3 timed steps after the one holding the warm-up step
                assertEquals(3, r.steps(), r.toString());
                assertTrue(r.stepNanos() > 0 && r.computeNanos() > 0 && r.costNanos() == r.stepNanos() - r.computeNanos(),
                        r.toString());
                continue;
            }
            assertEquals(3, r.steps());
            assertTrue(r.broadcastBytes() > 4 * r.parameters(), "float32 parameters and a header: " + r);
            assertTrue(r.jobNanos() > 0 && r.computeNanos() > 0 && r.loadNanos() > 0 && r.emptyJobNanos() > 0, r.toString());
            assertTrue(r.stepNanos() >= r.jobNanos(), r.toString());
        }
        String steps = out.substring(0, out.indexOf("Barrier steps")), parts = out.substring(out.indexOf("Barrier steps"));
        assertEquals(4, steps.lines().filter(l -> l.startsWith("| 4-8-3 |") || l.startsWith("| 8-32-16-2 |")).count(), out);
        assertTrue(steps.contains("| 4-8-3 | 67 | 3 | all-reduce |"), out);
        // the barrier rows' parts: one line each, the parts adding up to the step
        assertEquals(2, parts.lines().filter(l -> l.startsWith("| 4-8-3 | 67 | all-reduce |")
                || l.startsWith("| 8-32-16-2 | 850 | all-reduce |")).count(), out);
        for (CommunicationSweep.Row r : rows) {
            if (r.stepsPerJob() == 1) continue;
            CommunicationSweep.Parts p = r.parts();
            assertTrue(p.compute() > 0 && p.pack() > 0 && p.waiting() > 0 && p.transfer() > 0 && p.reduce() > 0
                    && p.apply() > 0 && p.update() > 0, p.toString());
            assertTrue(p.allocatedBytes() > 0, "the heap bytes a task allocates per step, counted: " + p);
            // NOTE: each part is the maximum over the tasks, so the faster task's wait and the slower one's computing
            // both count: their sum is near the step, not equal to it
            long sum = p.compute() + p.pack() + p.waiting() + p.transfer() + p.reduce() + p.apply() + p.update() + p.rest();
            assertTrue(sum > r.stepNanos() / 2 && sum < 2 * r.stepNanos(), "medians of parts " + p + " against the step " + r);
        }
        assertTrue(out.contains("missed (> 10 ms)") || out.contains("met (<= 10 ms)"), out);
    }
}
