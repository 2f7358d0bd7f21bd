package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.optim.clip.Clipping;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step's gradient copy is made only where something writes into the gradient ({@link Optimizer#writesGradient}),
 * and {@link Optimizer#stepFiniteGradients()} skips only the finiteness pass: either way the values are those of the
 * step with the copy, bit for bit, and the variables' gradients are left as they were.
 */
class GradientCopyTest {

    /** A clamp no finite gradient here reaches: it changes no value, but makes the step copy every gradient. */
    private static final Clipping NO_OP = Clipping.value(1e300);

    @TestFactory
    List<DynamicTest> withoutTheCopyTheStepIsBitIdenticalAndLeavesTheGradientsAlone() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            OptimizerTest.all().forEach((name, make) -> tests.add(DynamicTest.dynamicTest(name + " " + dtype, () -> {
                Goldens.Problem p = new Goldens.Problem(OptimizerTest.TR, OptimizerTest.B, dtype);
                Goldens.Problem q = new Goldens.Problem(OptimizerTest.TR, OptimizerTest.B, dtype);
                Goldens.Problem r = new Goldens.Problem(OptimizerTest.TR, OptimizerTest.B, dtype);
                Optimizer<?> plain = make.apply(p.params()), copied = make.apply(q.params()).clipping(NO_OP),
                        trusted = make.apply(r.params());
                for (int k = 0; k < 4; k++) {
                    p.backward();
                    q.backward();
                    r.backward();
                    List<double[]> grads = new ArrayList<>();
                    for (Variable v : p.params()) grads.add(v.grad().toDoubleArray());
                    plain.step();
                    copied.step();
                    trusted.stepFiniteGradients();
                    assertArrayEquals(q.values(), p.values(), 0, "step " + k + ": the step without the copy");
                    assertArrayEquals(q.values(), r.values(), 0, "step " + k + ": stepFiniteGradients");
                    for (int i = 0; i < grads.size(); i++) {
                        assertArrayEquals(grads.get(i), p.params().get(i).grad().toDoubleArray(), 0,
                                "step " + k + ": the gradient of parameter " + i + " after the step");
                    }
                }
                StepUndoTest.assertStateEquals(copied.stateDict(), plain.stateDict());
                StepUndoTest.assertStateEquals(copied.stateDict(), trusted.stateDict());
            })));
        }
        return tests;
    }

    @Test
    void onlyNesterovMomentumAndCoupledDecayNeedTheCopy() {
        Variable w = OneStepTest.param(1, 2);
        SGD sgd = new SGD(List.of(w), SGD.options(0.1));
        assertTrue(!sgd.writesGradient(SGD.options(0.1).withMomentum(0.9)));
        assertTrue(!sgd.writesGradient(SGD.options(0.1).withMomentum(0.9).withEma(true)));
        assertTrue(sgd.writesGradient(SGD.options(0.1).withMomentum(0.9).withNesterov(true)));
        assertTrue(!new Adam(List.of(w), Adam.options()).writesGradient(Adam.options()));
        assertTrue(WeightDecay.writesGradient(Adam.options().withWeightDecay(0.1)));
        assertTrue(!WeightDecay.writesGradient(AdamW.options()));
        assertTrue(!WeightDecay.writesGradient(Adam.options()));
    }

    @Test
    void nesterovAndCoupledDecayStillLeaveTheVariablesGradientAlone() {
        for (SGD.Options o : List.of(SGD.options(0.1).withMomentum(0.9).withNesterov(true),
                SGD.options(0.1).withWeightDecay(0.5))) {
            Variable w = OneStepTest.param(1, -2, 3);
            SGD sgd = new SGD(List.of(w), o);
            for (int k = 0; k < 2; k++) {
                OneStepTest.grad(w, 0.5, 0.25, -1);
                sgd.step();
                assertArrayEquals(new double[] {0.5, 0.25, -1}, w.grad().toDoubleArray(), 0, o.toString());
            }
        }
    }
}
