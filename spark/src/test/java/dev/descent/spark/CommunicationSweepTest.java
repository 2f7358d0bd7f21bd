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
            "4-8-3,8-32-16-2", "--steps", "3", "--warmup", "1", "--partitions", "2"},
                new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(2, rows.size());
        assertEquals(4 * 8 + 8 + 8 * 3 + 3, rows.get(0).parameters());
        assertEquals(8 * 32 + 32 + 32 * 16 + 16 + 16 * 2 + 2, rows.get(1).parameters());
        for (CommunicationSweep.Row r : rows) {
            assertEquals(3, r.steps());
            assertTrue(r.broadcastBytes() > 4 * r.parameters(), "float32 parameters and a header: " + r);
            assertTrue(r.jobNanos() > 0 && r.computeNanos() > 0 && r.loadNanos() > 0 && r.emptyJobNanos() > 0, r.toString());
            assertTrue(r.stepNanos() >= r.jobNanos(), r.toString());
        }
        assertEquals(2, out.lines().filter(l -> l.startsWith("| 4-8-3 |") || l.startsWith("| 8-32-16-2 |")).count(), out);
    }
}
