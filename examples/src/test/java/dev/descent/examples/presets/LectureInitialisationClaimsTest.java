package dev.descent.examples.presets;

import dev.descent.core.Backends;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.init.Initializer;
import dev.descent.nn.init.Initializers;
import dev.descent.nn.init.Nonlinearity;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lecture's claims about initialisation, as tests: a zero or constant initialisation keeps every hidden unit
 * of a layer identical through training (symmetry is never broken), while random schemes keep the activations'
 * scale through a deep ReLU stack only at the right size.
 */
class LectureInitialisationClaimsTest {
    private static final TensorFactory F = Tensor.on(Backends.get(), DType.FLOAT64);

    private static Sequential network(Initializer weights, Rng rng) {
        return new Sequential(new Linear(F, 2, 4, true, weights, Initializers.zeros(), rng), new ReLU(),
                new Linear(F, 4, 1, true, weights, Initializers.zeros(), rng), new Sigmoid());
    }

    /** Twenty steps of plain gradient descent on a small XOR-like set, with a hand-written update. */
    private static void train(Sequential net) {
        Variable x = Variable.constant(F.of(new double[] {0.5, 1, -1, 0.5, 1, -0.5, -0.5, -1}, 4, 2));
        Tensor y = F.of(new double[] {1, 0, 1, 0}, 4, 1);
        for (int step = 0; step < 20; step++) {
            Variable p = net.apply(x);
            // binary cross-entropy on probabilities
            Variable loss = Variable.constant(y).mul(p.log()).add(Variable.constant(y.neg().add(1.0)).mul(p.neg().add(1.0).log()))
                    .mean().neg();
            net.zeroGrad();
            loss.backward();
            try (NoGrad g = NoGrad.enter()) {
                for (Variable param : net.parameters()) InPlace.axpby(-0.5, param.grad(), 1, param.value());
            }
        }
    }

    /** Whether every column (hidden unit) of a (in, units) weight matrix is the same. */
    private static boolean unitsIdentical(Tensor w) {
        Tensor first = w.slice(1, 0, 1);
        return w.sub(first).abs().max().item() == 0;
    }

    @Test
    void zeroInitialisationKeepsHiddenUnitsIdentical() {
        Sequential net = network(InitPreset.ZERO.weights(Nonlinearity.RELU), new Rng(1));
        train(net);
        Tensor w1 = ((Linear) net.get(0)).weight().value();
        assertTrue(unitsIdentical(w1), "hidden units must stay identical");
        assertTrue(unitsIdentical(((Linear) net.get(2)).weight().value().transpose()));
    }

    @Test
    void aConstantInitialisationKeepsHiddenUnitsIdenticalAlthoughTheWeightsChange() {
        Sequential net = network(Initializers.constant(0.3), new Rng(1));
        Tensor before = ((Linear) net.get(0)).weight().value().copy();
        train(net);
        Tensor w1 = ((Linear) net.get(0)).weight().value();
        assertFalse(w1.allClose(before, 0, 1e-6), "training must change the weights (or the backward is broken)");
        assertTrue(unitsIdentical(w1), "yet every hidden unit received the same update");
        Tensor b1 = ((Linear) net.get(0)).bias().value();
        assertEquals(0.0, b1.sub(b1.slice(0, 0, 1)).abs().max().item());
    }

    @Test
    void randomInitialisationBreaksTheSymmetry() {
        Sequential net = network(InitPreset.APPROPRIATE.weights(Nonlinearity.RELU), new Rng(1));
        train(net);
        assertFalse(unitsIdentical(((Linear) net.get(0)).weight().value()));
    }

    /** The standard deviation of the activations after 30 Linear+ReLU layers of width 64. */
    private static double deepStd(InitPreset preset) {
        Rng rng = new Rng(3);
        Sequential net = new Sequential();
        for (int i = 0; i < 30; i++) {
            net.add(new Linear(F, 64, 64, true, preset.weights(Nonlinearity.RELU), preset.bias(), rng));
            net.add(new ReLU());
        }
        try (NoGrad g = NoGrad.enter()) {
            Variable x = Variable.constant(F.normal(new Rng(4), 0, 1, 256, 64));
            return net.apply(x).value().variance().sqrt().item();
        }
    }

    @Test
    void deepReluStackKeepsItsScaleOnlyWithHeInitialisation() {
        double appropriate = deepStd(InitPreset.APPROPRIATE);
        double small = deepStd(InitPreset.TOO_SMALL);
        double large = deepStd(InitPreset.TOO_LARGE);
        assertTrue(appropriate > 0.1 && appropriate < 10, "He keeps the scale: " + appropriate);
        assertTrue(small < 1e-20, "too small vanishes: " + small);
        assertTrue(large > 1e20, "too large explodes: " + large);
    }
}
