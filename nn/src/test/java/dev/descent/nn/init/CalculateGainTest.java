package dev.descent.nn.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code calculateGain}: the values of {@code torch.nn.init.calculate_gain}, by name and by enum. */
class CalculateGainTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "linear, 1",
            "conv1d, 1",
            "conv2d, 1",
            "conv3d, 1",
            "conv_transpose1d, 1",
            "conv_transpose2d, 1",
            "conv_transpose3d, 1",
            "sigmoid, 1",
            "tanh, 1.6666666666666667",
            "relu, 1.4142135623730951",
            "leaky_relu, 1.4141428569978354",   // sqrt(2 / (1 + 0.01^2))
            "selu, 0.75"})
    void torchValuesByName(String name, double expected) {
        assertEquals(expected, Initializers.calculateGain(name), 1e-15);
        Nonlinearity n = Nonlinearity.fromName(name);
        assertEquals(name, n.torchName());
        assertEquals(expected, Initializers.calculateGain(n), 1e-15);
    }

    @Test
    void leakyReluTakesItsSlope() {
        assertEquals(Math.sqrt(2 / 1.04), Initializers.calculateGain("leaky_relu", 0.2), 1e-15);
        assertEquals(Math.sqrt(2 / 1.04), Initializers.calculateGain(Nonlinearity.LEAKY_RELU, -0.2), 1e-15);
        assertEquals(Math.sqrt(2), Initializers.calculateGain(Nonlinearity.LEAKY_RELU, 0), 0);
        // a = sqrt(5), nn.Linear's default: gain sqrt(1/3)
        assertEquals(Math.sqrt(1.0 / 3), Initializers.calculateGain("leaky_relu", Math.sqrt(5)), 1e-15);
    }

    @Test
    void otherNonlinearitiesIgnoreTheParameter() {
        assertEquals(Math.sqrt(2), Initializers.calculateGain("relu", 5), 0);
        assertEquals(5.0 / 3, Initializers.calculateGain(Nonlinearity.TANH, 0.3), 0);
        assertEquals(1, Initializers.calculateGain("sigmoid", Double.NaN), 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax", "ReLU", "gelu", "", " relu"})
    void unknownNamesAreAnError(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Initializers.calculateGain(name));
        assertTrue(e.getMessage().contains("calculateGain") && e.getMessage().contains("'" + name + "'")
                && e.getMessage().contains("leaky_relu"), e.getMessage());
    }

    @Test
    void nullAndNonFiniteSlopesAreAnError() {
        assertThrows(IllegalArgumentException.class, () -> Initializers.calculateGain((String) null));
        assertThrows(IllegalArgumentException.class, () -> Initializers.calculateGain((Nonlinearity) null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Initializers.calculateGain("leaky_relu", Double.NaN));
        assertTrue(e.getMessage().contains("negative slope") && e.getMessage().contains("NaN"), e.getMessage());
    }
}
