package dev.descent.examples.presets;

import dev.descent.core.Backends;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.optim.AdamW;
import dev.descent.optim.Adadelta;
import dev.descent.optim.Adagrad;
import dev.descent.optim.Adam;
import dev.descent.optim.Adamax;
import dev.descent.optim.NAdam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.RAdam;
import dev.descent.optim.RMSProp;
import dev.descent.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The command line's names map onto the registry, the lecture's gradient-descent forms onto SGD's options. */
class OptimizerChoicesTest {
    private static final List<Variable> P = List.of(Variable.parameter(Tensor.on(Backends.get(), DType.FLOAT64)
            .of(new double[] {1, 2}, 2)));

    @Test
    void everyNameBuildsItsOptimizer() {
        assertEquals(List.of("gd", "momentum", "momentum-ema", "nesterov", "adagrad", "adadelta", "rmsprop", "adam",
                "adamw", "nadam", "radam", "adamax"), OptimizerChoices.NAMES);
        List<Class<?>> kinds = List.of(SGD.class, SGD.class, SGD.class, SGD.class, Adagrad.class, Adadelta.class,
                RMSProp.class, Adam.class, AdamW.class, NAdam.class, RAdam.class, Adamax.class);
        for (int i = 0; i < kinds.size(); i++) {
            Optimizer<?> o = OptimizerChoices.build(OptimizerChoices.NAMES.get(i), P, 0.9, Map.of("lr", 0.2));
            assertEquals(kinds.get(i), o.getClass(), OptimizerChoices.NAMES.get(i));
            assertEquals(0.2, o.lr());
        }
        assertEquals(SGD.options(0.2), OptimizerChoices.build("gd", P, 0.9, Map.of("lr", 0.2)).groupOptions(0));
        assertEquals(SGD.options(0.2).withMomentum(0.8).withNesterov(true),
                OptimizerChoices.build("nesterov", P, 0.8, Map.of("lr", 0.2)).groupOptions(0));
        assertEquals(LectureOptimizers.momentum(0.2, 0.9),
                OptimizerChoices.build("momentum-ema", P, 0.9, Map.of("lr", 0.2)).groupOptions(0));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerChoices.build("lbfgs", P, 0.9, Map.of()));
        assertEquals("unknown optimizer 'lbfgs' (known: gd, momentum, momentum-ema, nesterov, adagrad, adadelta, "
                + "rmsprop, adam, adamw, nadam, radam, adamax)", e.getMessage());
    }

    /** The lecture's settings are the documented options with the lecture's constants. */
    @Test
    void lecturePresetsAreTheOptimizersOptionsWithTheLecturesConstants() {
        assertEquals(Map.of("lr", "0.1", "momentum", "0.9", "dampening", "0.0", "nesterov", "false", "weightDecay",
                "0.0", "ema", "true"), LectureOptimizers.momentum(0.1, 0.9).describe());
        assertEquals("1.0E-7", LectureOptimizers.adagrad(0.1).describe().get("eps"));
        assertEquals("true", LectureOptimizers.adagrad(0.1).describe().get("epsInside"));
        assertEquals(3, LectureOptimizers.adadelta(3).window());
        assertEquals(0.999, LectureOptimizers.rmsprop(0.01).smoothing());
        assertEquals(true, LectureOptimizers.adam(1e-3).epsInside());
    }
}
