package dev.descent.optim;

import dev.descent.core.DType;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten-step trajectories of every optimiser against {@code torch.optim} (float64, several hyper-parameter settings
 * each, clipping before each step in some), on both backends, to 1e-10 relative (against {@code max(|ref|, 1e-3)}).
 * Clipped cases run twice: with the clipping attached to the optimiser and with {@code GradClip} on the variables.
 */
class PyTorchGoldenTest {
    static final double TOL = 1e-10;
    private static final Goldens.Trajectories TR = Goldens.trajectories("optimizers.txt");
    private static final Map<String, Double> WORST = new TreeMap<>();

    @TestFactory
    List<DynamicTest> trajectories() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : Goldens.backends()) {
            for (Goldens.Case c : TR.cases()) {
                for (boolean standalone : c.clip()[0].equals("none") ? new boolean[] {false} : new boolean[] {false, true}) {
                    String label = c.name() + " on " + backend.name() + (standalone ? " (GradClip)" : "");
                    tests.add(DynamicTest.dynamicTest(label, () -> {
                        double worst = Goldens.replay(c, TR, backend, DType.FLOAT64, standalone, TOL);
                        synchronized (WORST) {
                            WORST.merge(c.optimizer(), worst, Math::max);
                        }
                    }));
                }
            }
        }
        return tests;
    }

    @Test
    void everyOptimizerHasSeveralSettings() {
        Map<String, Long> counts = TR.cases().stream()
                .collect(Collectors.groupingBy(Goldens.Case::optimizer, TreeMap::new, Collectors.counting()));
        assertEquals(List.of("Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSProp", "SGD"),
                new ArrayList<>(counts.keySet()));
        counts.forEach((k, n) -> assertTrue(n >= 2, k + " has " + n + " settings"));
    }

    @AfterAll
    static void report() {
        System.Logger log = System.getLogger(PyTorchGoldenTest.class.getName());
        WORST.forEach((k, v) -> log.log(System.Logger.Level.INFO, String.format("%-8s worst relative error vs PyTorch: %.3e", k, v)));
    }
}
