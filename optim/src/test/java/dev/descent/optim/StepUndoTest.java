package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Optimizer#undoStep()}: parameters and state as before the step, bit for bit, for every optimiser. */
class StepUndoTest {

    @TestFactory
    List<DynamicTest> undoRestoresParametersAndStateBitForBit() {
        List<DynamicTest> tests = new ArrayList<>();
        OptimizerTest.all().forEach((name, make) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            Goldens.Problem p = new Goldens.Problem(OptimizerTest.TR, OptimizerTest.B, DType.FLOAT64);
            Goldens.Problem q = new Goldens.Problem(OptimizerTest.TR, OptimizerTest.B, DType.FLOAT64);
            Optimizer<?> opt = make.apply(p.params()).undoable(true), straight = make.apply(q.params());
            for (int i = 0; i < 3; i++) {
                p.backward();
                opt.step();
                q.backward();
                straight.step();
            }
            double[] before = p.values();
            StateDict state = opt.stateDict();
            p.backward();
            opt.step();
            assertTrue(!Arrays.equals(before, p.values()), "the step changed something");
            opt.undoStep();
            assertTrue(Arrays.equals(before, p.values()));
            assertStateEquals(state, opt.stateDict());
            assertThrows(IllegalStateException.class, opt::undoStep, "one step, one undo");
            // and it goes on exactly as if the step had never been taken
            for (int i = 0; i < 3; i++) {
                p.backward();
                opt.step();
                q.backward();
                straight.step();
            }
            assertTrue(Arrays.equals(q.values(), p.values()));
            assertStateEquals(straight.stateDict(), opt.stateDict());
        })));
        return tests;
    }

    @TestFactory
    List<DynamicTest> undoingTheFirstStepLeavesNoState() {
        List<DynamicTest> tests = new ArrayList<>();
        OptimizerTest.all().forEach((name, make) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            Goldens.Problem p = new Goldens.Problem(OptimizerTest.TR, OptimizerTest.B, DType.FLOAT64);
            Optimizer<?> opt = make.apply(p.params()).undoable(true);
            StateDict fresh = opt.stateDict();
            double[] before = p.values();
            p.backward();
            opt.step();
            opt.undoStep();
            assertArrayEquals(before, p.values(), 0.0);
            assertStateEquals(fresh, opt.stateDict());
            assertEquals(0, opt.stepCount(p.w));
        })));
        return tests;
    }

    @Test
    void withoutUndoableThereIsNothingToUndo() {
        Variable w = OptimizerTest.param(1, 2);
        SGD sgd = new SGD(List.of(w), SGD.options(0.1));
        OneStepTest.step(sgd, w, 1, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, sgd::undoStep);
        assertTrue(e.getMessage().startsWith("SGD.undoStep: there is no step to undo"), e.getMessage());
    }

    /** Bit for bit: the same raw values, not only equal within a tolerance. */
    static void assertStateEquals(StateDict a, StateDict b) {
        assertEquals(a.metadata(), b.metadata());
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        a.tensors().forEach((k, t) -> assertTrue(Arrays.equals(t.toDoubleArray(), b.tensors().get(k).toDoubleArray()), k));
    }
}
