package dev.descent.optim;

import dev.descent.autodiff.Variable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Weight decay as one piece: coupled adds lambda w to the gradient, decoupled shrinks w; AdamW is Adam plus it. */
class WeightDecayTest {

    @Test
    void adamWIsAdamPlusDecoupledDecayBitForBit() {
        Variable a = OptimizerTest.param(1, -2, 0.5), b = OptimizerTest.param(1, -2, 0.5);
        AdamW adamw = new AdamW(List.of(a), AdamW.options().withLr(0.1).withWeightDecay(0.2));
        Adam adam = new Adam(List.of(b), Adam.options().withLr(0.1).withWeightDecay(0.2).withDecoupledWeightDecay(true));
        for (int t = 0; t < 5; t++) {
            OneStepTest.step(adamw, a, 0.3, -1, 2);
            OneStepTest.step(adam, b, 0.3, -1, 2);
        }
        assertArrayEquals(b.value().toDoubleArray(), a.value().toDoubleArray(), 0.0);
    }

    @Test
    void decoupledDecayShrinksTheWeightsBeforeTheStep() {
        // with a zero gradient Adam's own step is 0, so only w = (1 - lr lambda) w remains
        Variable w = OptimizerTest.param(2, -4);
        AdamW adamw = new AdamW(List.of(w), AdamW.options().withLr(0.1).withWeightDecay(0.5));
        OneStepTest.step(adamw, w, 0, 0);
        assertArrayEquals(new double[] {2 * 0.95, -4 * 0.95}, w.value().toDoubleArray(), 1e-15);
    }

    /** For every optimiser, coupled decay is the same as adding lambda w to the gradient by hand. */
    @TestFactory
    List<DynamicTest> coupledDecayEqualsTheGradientPlusLambdaW() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Optimizers.names()) {
            if (name.equals("adamw")) continue;
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Variable a = OptimizerTest.param(1, -2), b = OptimizerTest.param(1, -2);
                Optimizer<?> decayed = Optimizers.byName(name, List.of(a), Map.of("lr", 0.05, "weightDecay", 0.3));
                Optimizer<?> plain = Optimizers.byName(name, List.of(b), Map.of("lr", 0.05));
                for (int t = 0; t < 4; t++) {
                    double[] w = b.value().toDoubleArray();
                    OneStepTest.step(decayed, a, 0.5, 0.25);
                    OneStepTest.step(plain, b, 0.5 + 0.3 * w[0], 0.25 + 0.3 * w[1]);
                    assertArrayEquals(b.value().toDoubleArray(), a.value().toDoubleArray(), 1e-15, name + " step " + t);
                }
            }));
        }
        return tests;
    }

    @Test
    void weightDecayIsValidatedForEveryOptimizer() {
        for (String name : Optimizers.names()) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Optimizers.byName(name, List.of(OptimizerTest.param(1)), Map.of("weightDecay", -0.1)));
            assertEquals("weightDecay must be finite and >= 0, got -0.1", e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        }
    }
}
