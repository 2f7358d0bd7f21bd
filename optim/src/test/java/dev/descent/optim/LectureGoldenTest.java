package dev.descent.optim;

import dev.descent.core.DType;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Ten-step trajectories of every lecture form (EMA momentum, Adagrad with delta inside, windowed Adadelta, RMSProp
 * and Adam with eps inside) against an independent NumPy implementation of the lecture's equations, float64, on both
 * backends, to 1e-10 relative.
 */
class LectureGoldenTest {
    private static final Goldens.Trajectories TR = Goldens.trajectories("lecture.txt");

    @TestFactory
    List<DynamicTest> trajectories() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : Goldens.backends()) {
            for (Goldens.Case c : TR.cases()) {
                tests.add(DynamicTest.dynamicTest(c.name() + " on " + backend.name(),
                        () -> Goldens.replay(c, TR, backend, DType.FLOAT64, false, 1e-10)));
            }
        }
        return tests;
    }
}
