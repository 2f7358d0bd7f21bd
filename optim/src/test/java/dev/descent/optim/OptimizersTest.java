package dev.descent.optim;

import dev.descent.autodiff.Variable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry by name, hyper-parameters by name, and null parameters. */
class OptimizersTest {

    @Test
    void knowsTheNineOptimizersWithPyTorchsDefaults() {
        assertEquals(List.of("sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax"),
                Optimizers.names());
        List<Variable> p = List.of(OptimizerTest.param(1));
        List<Class<?>> kinds = List.of(SGD.class, Adagrad.class, Adadelta.class, RMSProp.class, Adam.class, AdamW.class,
                NAdam.class, RAdam.class, Adamax.class);
        double[] lrs = {1e-3, 0.01, 1.0, 0.01, 1e-3, 1e-3, 2e-3, 1e-3, 2e-3};
        for (int i = 0; i < kinds.size(); i++) {
            Optimizer<?> o = Optimizers.byName(Optimizers.names().get(i).toUpperCase(), p);
            assertEquals(kinds.get(i), o.getClass());
            assertEquals(lrs[i], o.lr(), Optimizers.names().get(i));
        }
        assertEquals(0.01, Optimizers.byName("adamw", p).groupOptions(0).weightDecay());
        assertTrue(Optimizers.byName("adamw", p).groupOptions(0).decoupledWeightDecay());
    }

    @Test
    void setsHyperParametersByNameFromNumbersBooleansAndText() {
        List<Variable> p = List.of(OptimizerTest.param(1));
        SGD sgd = assertInstanceOf(SGD.class, Optimizers.byName("sgd", p,
                Map.of("lr", 0.1, "momentum", "0.9", "nesterov", true)));
        assertEquals(SGD.options(0.1).withMomentum(0.9).withNesterov(true), sgd.groupOptions(0));
        Adadelta a = assertInstanceOf(Adadelta.class, Optimizers.byName("adadelta", p, Map.of("window", 3)));
        assertEquals(3, a.groupOptions(0).window());
        assertEquals(List.of("lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad", "epsInside", "decoupledWeightDecay"),
                Optimizers.hyperparameters("adam"));
    }

    @Test
    void unknownNamesAreErrorsThatListTheKnownOnes() {
        List<Variable> p = List.of(OptimizerTest.param(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("lbfgs", p));
        assertEquals("unknown optimizer 'lbfgs' (known: sgd, adagrad, adadelta, rmsprop, adam, adamw, nadam, radam, "
                + "adamax)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("adam", p, Map.of("momentum", 0.9)));
        assertEquals("Adam: unknown hyper-parameter 'momentum' (known: lr, beta1, beta2, eps, weightDecay, amsgrad, "
                + "epsInside, decoupledWeightDecay)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("adadelta", p, Map.of("window", 2.5)));
        assertEquals("Adadelta: hyper-parameter 'window' must be an int, got 2.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("sgd", p, Map.of("nesterov", "yes")));
        assertEquals("SGD: hyper-parameter 'nesterov' must be true or false, got 'yes'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("sgd", p, Map.of("lr", -1)));
        assertEquals("SGD: lr must be finite and >= 0, got -1.0", e.getMessage());
    }

    /** {@code new Adam(Arrays.asList(w, null))} names the optimiser and the index, for every optimiser. */
    @TestFactory
    List<DynamicTest> aNullParameterNamesTheOptimizerAndTheIndex() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Optimizers.names()) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                List<Variable> params = Arrays.asList(OptimizerTest.param(1), null);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Optimizers.byName(name, params));
                String kind = Optimizers.byName(name, List.of(OptimizerTest.param(1))).name();
                assertEquals(kind + ": parameter 1 is null", e.getMessage());
            }));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Adam(List.of(ParamGroup.named(OptimizerTest.named("w", OptimizerTest.param(1), "b", null),
                        Adam.options()))));
        assertEquals("Adam: parameter 1 ('b') is null", e.getMessage());
        return tests;
    }
}
