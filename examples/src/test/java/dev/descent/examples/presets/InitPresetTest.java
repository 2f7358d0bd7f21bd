package dev.descent.examples.presets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.spi.Backend;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.init.FanMode;
import dev.descent.nn.init.Initializer;
import dev.descent.nn.init.Initializers;
import dev.descent.nn.init.Nonlinearity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lecture's four settings: each picks its scheme per nonlinearity, and across a 30-layer ReLU stack He
 * initialisation keeps the activations' scale while too small and too large ones make them vanish or explode.
 */
class InitPresetTest {
    private static final Shape SHAPE = Shape.of(300, 400);
    private static final Backend DEFAULT = Backends.get();

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The population standard deviation (divisor n). */
    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
    }

    @ParameterizedTest
    @EnumSource(Nonlinearity.class)
    void appropriatePicksTheSchemeOfTheNonlinearity(Nonlinearity n) {
        Initializer expected = switch (n) {
            case RELU -> Initializers.kaimingNormal(FanMode.FAN_IN, Nonlinearity.RELU);
            case LEAKY_RELU -> Initializers.kaimingNormal(0.01, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU);
            case SELU -> Initializers.lecunNormal();
            default -> Initializers.xavierNormal();
        };
        double[] actual = draw(InitPreset.APPROPRIATE.weights(n));
        assertArrayEquals(draw(expected), actual, n.toString());
        double std = switch (n) {
            case RELU -> Math.sqrt(2.0 / 300);
            case LEAKY_RELU -> Math.sqrt(2 / (1 + 1e-4) / 300);
            case SELU -> Math.sqrt(1.0 / 300);
            default -> Math.sqrt(2.0 / 700);
        };
        assertEquals(std, std(actual), 0.02 * std, n.toString());
    }

    @ParameterizedTest
    @EnumSource(Nonlinearity.class)
    void theOtherSettingsIgnoreTheNonlinearity(Nonlinearity n) {
        assertArrayEquals(new double[SHAPE.size()], draw(InitPreset.ZERO.weights(n)));
        assertArrayEquals(draw(InitPreset.TOO_SMALL.weights(Nonlinearity.LINEAR)), draw(InitPreset.TOO_SMALL.weights(n)));
        assertArrayEquals(draw(InitPreset.TOO_LARGE.weights(Nonlinearity.LINEAR)), draw(InitPreset.TOO_LARGE.weights(n)));
    }

    @Test
    void tooSmallAndTooLargeAreTheClassicScaledRandn() {
        double[] small = draw(InitPreset.TOO_SMALL.weights(Nonlinearity.RELU));
        double[] large = draw(InitPreset.TOO_LARGE.weights(Nonlinearity.TANH));
        assertEquals(0.01, std(small), 0.02 * 0.01);
        assertEquals(0, mean(small), 0.02 * 0.01);
        assertEquals(10, std(large), 0.02 * 10);
        assertEquals(0, mean(large), 0.02 * 10);
        // randn * 0.01 and randn * 10 from the same seed: the same draws, scaled.
        for (int i = 0; i < small.length; i++) assertEquals(small[i] * 1000, large[i], 1e-12 * Math.abs(large[i]));
    }

    @ParameterizedTest
    @EnumSource(InitPreset.class)
    void biasesStartAtZero(InitPreset preset) {
        Tensor b = preset.bias().initialize(Tensor.on(DEFAULT, DType.FLOAT64), Shape.of(7), 3, 7, new Rng(1));
        assertArrayEquals(new double[7], b.toDoubleArray());
    }

    @Test
    void aNullNonlinearityIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InitPreset.APPROPRIATE.weights(null));
        assertTrue(e.getMessage().contains("APPROPRIATE") && e.getMessage().contains("nonlinearity"), e.getMessage());
    }

    /** The root mean square of the activations after 30 ReLU layers of width 128, relative to the input's. */
    private static double scaleAfterThirtyReluLayers(InitPreset preset) {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        Rng rng = new Rng(2024);
        int width = 128;
        Tensor a = f.normal(rng, 0, 1, 64, width);
        double input = rms(a);
        Initializer init = preset.weights(Nonlinearity.RELU);
        for (int layer = 0; layer < 30; layer++) {
            Tensor w = init.initialize(f, Shape.of(width, width), width, width, rng);
            a = a.matmul(w).relu();
        }
        return rms(a) / input;
    }

    private static double rms(Tensor t) {
        return Math.sqrt(t.square().mean().item());
    }

    @Test
    void heKeepsTheScaleOfADeepReluStack() {
        // NOTE: He normal keeps E[z^2] from layer to layer; after the ReLU, E[a^2] = E[z^2]/2 of a unit-variance
        // input, so the ratio stays near 1/sqrt(2) up to the random fluctuation of 30 layers.
        double ratio = scaleAfterThirtyReluLayers(InitPreset.APPROPRIATE);
        assertTrue(ratio > 0.2 && ratio < 3, "He: activations scaled by " + ratio);
    }

    @Test
    void tooSmallVanishesAndTooLargeExplodes() {
        // Per layer the scale changes by about sqrt(128 * std^2 / 2): 0.08 for std 0.01, 80 for std 10.
        double small = scaleAfterThirtyReluLayers(InitPreset.TOO_SMALL);
        double large = scaleAfterThirtyReluLayers(InitPreset.TOO_LARGE);
        assertTrue(small < 1e-20, "TOO_SMALL: activations scaled by " + small);
        assertTrue(large > 1e40, "TOO_LARGE: activations scaled by " + large);
        assertEquals(0, scaleAfterThirtyReluLayers(InitPreset.ZERO), 0);
    }

    private static double[] draw(Initializer init) {
        return init.initialize(Tensor.on(DEFAULT, DType.FLOAT64), SHAPE, 300, 400, new Rng(77)).toDoubleArray();
    }
}
