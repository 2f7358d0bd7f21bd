package dev.descent.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad arguments fail fast with an {@link IllegalArgumentException} whose message names the initialiser, what was
 * expected and what was given; deterministic initialisers give exact values.
 */
class InitializersValidationTest {
    private static Executable run(Initializer init, int fanIn, int fanOut) {
        return () -> init.initialize(Samples.f64(), Shape.of(3, 2), fanIn, fanOut, new Rng(1));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("negative std", (Executable) () -> Initializers.normal(0, -1),
                        new String[] {"normal", "std", ">= 0", "-1.0"}),
                Arguments.of("NaN mean", (Executable) () -> Initializers.normal(Double.NaN, 1),
                        new String[] {"normal", "mean", "finite", "NaN"}),
                Arguments.of("uniform a > b", (Executable) () -> Initializers.uniform(2, 1),
                        new String[] {"uniform", "a <= b", "2.0", "1.0"}),
                Arguments.of("truncated a > b", (Executable) () -> Initializers.truncatedNormal(0, 1, 2, -2),
                        new String[] {"truncatedNormal", "a < b", "2.0", "-2.0"}),
                Arguments.of("truncated a == b", (Executable) () -> Initializers.truncatedNormal(0, 1, 1, 1),
                        new String[] {"truncatedNormal", "a < b", "1.0"}),
                Arguments.of("truncated zero std", (Executable) () -> Initializers.truncatedNormal(0, 0, -1, 1),
                        new String[] {"truncatedNormal", "std", "> 0", "0.0"}),
                Arguments.of("infinite constant", (Executable) () -> Initializers.constant(Double.POSITIVE_INFINITY),
                        new String[] {"constant", "finite", "Infinity"}),
                Arguments.of("negative gain", (Executable) () -> Initializers.xavierNormal(-1),
                        new String[] {"xavierNormal", "gain", ">= 0", "-1.0"}),
                Arguments.of("NaN kaiming slope",
                        (Executable) () -> Initializers.kaimingUniform(Double.NaN, FanMode.FAN_IN, Nonlinearity.RELU),
                        new String[] {"kaimingUniform", "a", "finite", "NaN"}),
                Arguments.of("null mode", (Executable) () -> Initializers.kaimingNormal(null, Nonlinearity.RELU),
                        new String[] {"kaimingNormal", "FAN_IN or FAN_OUT", "null"}),
                Arguments.of("null nonlinearity", (Executable) () -> Initializers.kaimingNormal(FanMode.FAN_IN, null),
                        new String[] {"kaimingNormal", "nonlinearity", "null"}),
                Arguments.of("zero fan-in", run(Initializers.xavierNormal(), 0, 2),
                        new String[] {"xavierNormal", "fanIn", "> 0", "got 0"}),
                Arguments.of("negative fan-out", run(Initializers.xavierUniform(), 3, -2),
                        new String[] {"xavierUniform", "fanOut", "> 0", "got -2"}),
                Arguments.of("kaiming fan-out mode", run(Initializers.kaimingNormal(FanMode.FAN_OUT,
                        Nonlinearity.RELU), 3, 0), new String[] {"kaimingNormal", "fanOut", "> 0", "got 0"}),
                Arguments.of("lecun fan-in", run(Initializers.lecunUniform(), -1, 2),
                        new String[] {"lecunUniform", "fanIn", "> 0", "got -1"}),
                Arguments.of("linear default", run(Initializers.linearDefaultBias(), 0, 2),
                        new String[] {"linearDefaultBias", "fanIn", "> 0", "got 0"}),
                Arguments.of("no rng", (Executable) () -> Initializers.normal()
                        .initialize(Samples.f64(), Shape.of(2), 1, 1, null), new String[] {"normal", "rng", "null"}),
                Arguments.of("int32 factory", (Executable) () -> Initializers.uniformFanIn()
                        .initialize(Tensor.on(Samples.DEFAULT, DType.INT32), Shape.of(2), 1, 1, new Rng(1)),
                        new String[] {"uniformFanIn", "float32 or float64", DType.INT32.toString()}),
                Arguments.of("unknown gain", (Executable) () -> Initializers.calculateGain("swish"),
                        new String[] {"calculateGain", "'swish'", "relu"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failsWithAPreciseMessage(String what, Executable call, String[] fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void deterministicInitialisersGiveExactValues() {
        double[] zeros = Initializers.zeros().initialize(Samples.f64(), Shape.of(2, 3), 2, 3, null).toDoubleArray();
        double[] ones = Initializers.ones().initialize(Samples.f64(), Shape.of(2, 3), 2, 3, null).toDoubleArray();
        Tensor c = Initializers.constant(0.25).initialize(Tensor.on(Samples.OTHER, DType.FLOAT32), Shape.of(4), 2, 3,
                null);
        assertArrayEquals(new double[6], zeros);
        assertEquals(1, Samples.min(ones), 0);
        assertEquals(1, Samples.max(ones), 0);
        assertEquals(DType.FLOAT32, c.dtype());
        assertEquals(0.25, Samples.min(c.toDoubleArray()), 0);
        assertEquals(0.25, Samples.max(c.toDoubleArray()), 0);
    }

    @Test
    void unusedFansAreNotChecked() {
        // normal and uniform take no fan, as in torch.nn.init; a bias of shape (out) passes its layer's fans.
        assertEquals(6, Initializers.normal().initialize(Samples.f64(), Shape.of(3, 2), 0, 0, new Rng(1)).size());
        assertEquals(2, Initializers.linearDefaultBias()
                .initialize(Samples.f64(), Shape.of(2), 3, 0, new Rng(1)).size());
    }

    @Test
    void theLinearDefaultIsKaimingUniformWithASqrt5Slope() {
        // The same bound up to rounding: sqrt(3) * sqrt(2/(1+5)) / sqrt(fan_in) == 1/sqrt(fan_in).
        for (int fanIn : new int[] {1, 3, 784, 100_000}) {
            double kaiming = Math.sqrt(3.0) * Initializers.calculateGain(Nonlinearity.LEAKY_RELU, Math.sqrt(5))
                    / Math.sqrt(fanIn);
            assertEquals(1 / Math.sqrt(fanIn), kaiming, 1e-15 / Math.sqrt(fanIn));
        }
    }

    @Test
    void toStringNamesTheSchemeAndItsArguments() {
        assertEquals("kaimingNormal(a=0.0, FAN_IN, LEAKY_RELU)", Initializers.kaimingNormal().toString());
        assertEquals("xavierUniform(gain=2.0)", Initializers.xavierUniform(2).toString());
        assertEquals("truncatedNormal(0.0, 1.0, -2.0, 2.0)", Initializers.truncatedNormal().toString());
    }
}
