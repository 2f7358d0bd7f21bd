package dev.descent.optim.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {
    static History sample() {
        History h = new History("mini-batch (batch size 32)");
        h.add(new History.Step(1, 1, 0.9, 0.1, 2.5, 1000));
        h.add(new History.Step(1, 2, Double.NaN, 0.1, Double.POSITIVE_INFINITY, 1200));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", 0.75);
        m.put("accuracy", 0.5);
        m.put("val_loss", 0.8);
        h.add(new History.Epoch(1, m, 5_000_000));
        h.stop(StopReason.DIVERGED, "training diverged at epoch 1, step 2: the loss is NaN");
        return h;
    }

    @Test
    void jsonRoundTripKeepsEveryValueIncludingNonFiniteOnes() {
        History h = sample();
        History back = History.fromJson(h.toJson());
        assertEquals(h.batchMode(), back.batchMode());
        assertEquals(StopReason.DIVERGED, back.stopReason());
        assertEquals(h.stopMessage(), back.stopMessage());
        assertEquals(h.steps(), back.steps());
        assertEquals(h.epochs(), back.epochs());
        assertTrue(Double.isNaN(back.steps().get(1).loss()));
        assertEquals(Double.POSITIVE_INFINITY, back.steps().get(1).gradNorm());
        assertArrayEquals(new double[] {0.75}, back.metric("loss"));
        assertThrows(IllegalArgumentException.class, () -> History.fromJson("{\"batchMode\":"));
    }

    @Test
    void csvExports(@TempDir Path dir) throws IOException {
        History h = sample();
        h.writeStepsCsv(dir.resolve("steps.csv"));
        h.writeEpochsCsv(dir.resolve("epochs.csv"));
        assertEquals(List.of("epoch,step,loss,learning_rate,grad_norm,nanos", "1,1,0.9,0.1,2.5,1000",
                "1,2,NaN,0.1,Infinity,1200"), Files.readAllLines(dir.resolve("steps.csv")));
        assertEquals(List.of("epoch,loss,accuracy,val_loss,nanos", "1,0.75,0.5,0.8,5000000"),
                Files.readAllLines(dir.resolve("epochs.csv")));
        h.writeJson(dir.resolve("h.json"));
        assertEquals(h.epochs(), History.readJson(dir.resolve("h.json")).epochs());
    }

    @Test
    void earlyStoppingImprovementRule() {
        EarlyStopping loss = EarlyStopping.monitor("val_loss").minDelta(0.1);
        assertTrue(loss.improves(0.5, Double.NaN));
        assertTrue(loss.improves(0.39, 0.5));
        assertTrue(!loss.improves(0.41, 0.5));
        assertTrue(!loss.improves(Double.NaN, 0.5));
        EarlyStopping acc = EarlyStopping.monitor("val_accuracy");
        assertTrue(acc.maximizes());
        assertTrue(acc.improves(0.9, 0.8) && !acc.improves(0.8, 0.8));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.monitor("val_loss").patience(-1));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.monitor(" "));
    }

    @Test
    void consoleLine() {
        assertEquals("epoch 1  loss 0.7500  accuracy 0.5000  val_loss 0.8000  (0.0 s)",
                ConsoleProgress.line(sample().epochs().get(0)));
    }
}
