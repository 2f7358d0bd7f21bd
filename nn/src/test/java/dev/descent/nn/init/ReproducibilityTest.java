package dev.descent.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One seed gives bit-identical values on both backends, in both dtypes (float32 being the float64 values rounded),
 * leaves the {@link Rng} in the same state, and gives the same values in every run (pinned values below).
 */
class ReproducibilityTest {
    static Stream<Initializer> all() {
        return Stream.of(Initializers.zeros(), Initializers.ones(), Initializers.constant(-0.3),
                Initializers.uniform(), Initializers.uniform(-2, 3), Initializers.normal(), Initializers.normal(1, 2),
                Initializers.truncatedNormal(), Initializers.truncatedNormal(0, 1, 1, 4), Initializers.uniformFanIn(),
                Initializers.linearDefaultWeight(), Initializers.linearDefaultBias(), Initializers.xavierNormal(),
                Initializers.xavierUniform(), Initializers.kaimingNormal(), Initializers.kaimingUniform(),
                Initializers.kaimingNormal(0.1, FanMode.FAN_OUT, Nonlinearity.LEAKY_RELU), Initializers.lecunNormal(),
                Initializers.lecunUniform(), Initializers.orthogonal(), Initializers.orthogonal(0.5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void sameSeedSameBitsOnEveryBackendAndDtype(Initializer init) {
        Shape shape = Shape.of(37, 23);
        double[] reference = values(init, Samples.DEFAULT, DType.FLOAT64, shape);
        assertArrayEquals(reference, values(init, Samples.OTHER, DType.FLOAT64, shape), init + " on jblas");
        assertArrayEquals(reference, values(init, Samples.DEFAULT, DType.FLOAT64, shape), init + " run twice");
        float[] rounded = new float[reference.length];
        for (int i = 0; i < rounded.length; i++) rounded[i] = (float) reference[i];
        for (Backend backend : List.of(Samples.DEFAULT, Samples.OTHER)) {
            Tensor t = init.initialize(Tensor.on(backend, DType.FLOAT32), shape, 37, 23, new Rng(42));
            assertEquals(DType.FLOAT32, t.dtype());
            assertEquals(shape, t.shape());
            assertArrayEquals(rounded, t.toFloatArray(), init + " float32 on " + backend.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void theRngAdvancesTheSameWayOnEveryBackend(Initializer init) {
        Rng a = new Rng(9);
        Rng b = new Rng(9);
        init.initialize(Tensor.on(Samples.DEFAULT, DType.FLOAT64), Shape.of(8, 5), 8, 5, a);
        init.initialize(Tensor.on(Samples.OTHER, DType.FLOAT32), Shape.of(8, 5), 8, 5, b);
        assertArrayEquals(a.state(), b.state(), init.toString());
    }

    @Test
    void differentSeedsGiveDifferentValues() {
        Shape shape = Shape.of(4, 4);
        for (Initializer init : all().filter(i -> !i.toString().matches("zeros|ones|constant.*")).toList()) {
            double[] x = init.initialize(Samples.f64(), shape, 4, 4, new Rng(1)).toDoubleArray();
            double[] y = init.initialize(Samples.f64(), shape, 4, 4, new Rng(2)).toDoubleArray();
            assertFalse(Arrays.equals(x, y), init.toString());
        }
    }

    /**
     * Values pinned when the initialisers were written, for seed 42: a change to the Rng, the sampling order or a
     * formula shows up here, so saved experiments stay reproducible from their seed.
     */
    @Test
    void pinnedValuesForSeed42() {
        assertPinned(Initializers.kaimingNormal(), PINNED_KAIMING_NORMAL);
        assertPinned(Initializers.linearDefaultWeight(), PINNED_LINEAR_WEIGHT);
        assertPinned(Initializers.truncatedNormal(), PINNED_TRUNCATED_NORMAL);
        assertPinned(Initializers.orthogonal(), PINNED_ORTHOGONAL);
    }

    private static final double[] PINNED_KAIMING_NORMAL = {
            -0.24761325543185347, 0.23552802348269125, 1.097217710256998,
            -0.56172938214965, 0.3130952414864938, -2.5114609606031446};
    private static final double[] PINNED_LINEAR_WEIGHT = {
            -0.4805136513566963, -0.13974156971433865, 0.20789622364582938,
            0.4903931726130951, 0.5678862445985674, 0.3114683001855486};
    private static final double[] PINNED_TRUNCATED_NORMAL = {
            -0.303263064678738, 1.3438117634372806, 0.3834617912676943,
            0.9369624250258951, -1.4659604229447885, -0.38292999910200914};
    private static final double[] PINNED_ORTHOGONAL = {
            -0.21207510737795054, -0.013197741244174721, 0.9397419508657205,
            0.27162147623636523, 0.2681589353605815, -0.9623136667808629};

    private static void assertPinned(Initializer init, double[] expected) {
        double[] v = init.initialize(Samples.f64(), Shape.of(3, 2), 3, 2, new Rng(42)).toDoubleArray();
        assertArrayEquals(expected, v, init.toString());
    }

    private static double[] values(Initializer init, Backend backend, DType dtype, Shape shape) {
        return init.initialize(Tensor.on(backend, dtype), shape, shape.dim(0), shape.dim(1), new Rng(42))
                .toDoubleArray();
    }
}
