package dev.descent.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultDTypeTest {
    /** Every creation that takes no dtype and no typed data: each must follow the default. */
    private static final Map<String, Supplier<Tensor>> FOLLOWERS = Map.ofEntries(
            Map.entry("of(double[])", () -> Tensor.of(new double[] {1, 2})),
            Map.entry("of(double[][])", () -> Tensor.of(new double[][] {{1, 2}})),
            Map.entry("fromNested(double[][][])", () -> Tensor.fromNested(new double[][][] {{{1}}})),
            Map.entry("scalar", () -> Tensor.scalar(2.0)),
            Map.entry("zeros", () -> Tensor.zeros(2)),
            Map.entry("ones", () -> Tensor.ones(2)),
            Map.entry("full", () -> Tensor.full(3, 2)),
            Map.entry("arange(double)", () -> Tensor.arange(0, 1, 0.5)),
            Map.entry("linspace", () -> Tensor.linspace(0, 1, 3)),
            Map.entry("eye", () -> Tensor.eye(2)),
            Map.entry("uniform", () -> Tensor.uniform(new Rng(1), 0, 1, 2)),
            Map.entry("normal", () -> Tensor.normal(new Rng(1), 0, 1, 2)),
            Map.entry("bernoulli", () -> Tensor.bernoulli(new Rng(1), 0.5, 2)),
            Map.entry("on(backend)", () -> Tensor.on(Backends.get()).of(new int[] {1})));

    private static void assertAll(DType expected) {
        FOLLOWERS.forEach((name, create) -> assertEquals(expected, create.get().dtype(), name));
        assertEquals(DType.FLOAT32, Tensor.of(new float[] {1}).dtype(), "float[] says float32");
        assertEquals(DType.FLOAT32, Tensor.of(new float[][] {{1}}).dtype(), "float[][] says float32");
        assertEquals(DType.INT32, Tensor.of(new int[] {1}).dtype(), "int[] says int32");
        assertEquals(DType.INT32, Tensor.arange(3).dtype(), "arange(int) is int32");
    }

    @Test
    void withNothingSetEveryCreationIsFloat32AsInPyTorch() {
        assertEquals(DType.FLOAT32, DefaultDType.get());
        assertAll(DType.FLOAT32);
        // the newcomer's first line: double data and a Java number mix without a dtype error
        Tensor y = Tensor.of(new double[] {1, 2}).mul(Tensor.scalar(2.0));
        assertEquals(List.of(2.0, 4.0), List.of(y.get(0), y.get(1)));
    }

    @Test
    void aScopeChangesTheDefaultOnItsThreadAndNests() {
        try (DefaultDType outer = DefaultDType.scope(DType.FLOAT64)) {
            assertAll(DType.FLOAT64);
            try (DefaultDType inner = DefaultDType.scope(DType.FLOAT32)) {
                assertAll(DType.FLOAT32);
            }
            assertAll(DType.FLOAT64);
        }
        assertAll(DType.FLOAT32);
    }

    @Test
    void aGivenDtypeAlwaysWins() {
        try (DefaultDType s = DefaultDType.scope(DType.FLOAT64)) {
            assertEquals(DType.FLOAT32, Tensor.of(DType.FLOAT32, new double[] {1}).dtype());
            assertEquals(DType.FLOAT32, Tensor.scalar(DType.FLOAT32, 1).dtype());
            assertEquals(DType.FLOAT32, Tensor.full(DType.FLOAT32, 1, 2).dtype());
            assertEquals(DType.FLOAT32, Tensor.ones(DType.FLOAT32, 2).dtype());
            assertEquals(DType.FLOAT32, Tensor.zeros(DType.FLOAT32, 2).dtype());
            assertEquals(DType.FLOAT32, Tensor.fromNested(DType.FLOAT32, new double[][] {{1}}).dtype());
            assertEquals(DType.FLOAT32, Tensor.on(DType.FLOAT32).normal(new Rng(0), 0, 1, 2).dtype());
            assertEquals(DType.INT32, Tensor.of(DType.INT32, new double[] {2.7}).dtype());
            assertEquals(2, Tensor.of(DType.INT32, new double[] {2.7}).get(0));
        }
        assertEquals(DType.FLOAT64, Tensor.of(DType.FLOAT64, new double[] {0.1}).dtype());
        assertEquals(0.1, Tensor.of(DType.FLOAT64, new double[] {0.1}).get(0), "no round trip through float32");
    }

    @Test
    void aScopeIsConfinedToTheThreadThatOpenedIt() throws Exception {
        AtomicReference<DType> seen = new AtomicReference<>();
        AtomicReference<Throwable> closing = new AtomicReference<>();
        try (DefaultDType s = DefaultDType.scope(DType.FLOAT64)) {
            Thread t = new Thread(() -> {
                seen.set(Tensor.of(new double[] {1}).dtype());
                try {
                    s.close();
                } catch (Throwable e) {
                    closing.set(e);
                }
            }, "other");
            t.start();
            t.join(10_000);
            assertEquals(DType.FLOAT64, DefaultDType.get(), "the other thread's close changed nothing here");
        }
        assertEquals(DType.FLOAT32, seen.get());
        assertTrue(closing.get() instanceof IllegalStateException, String.valueOf(closing.get()));
        assertTrue(closing.get().getMessage().startsWith("DefaultDType.close: a scope must be closed on the thread "
                + "that opened it"), closing.get().getMessage());
    }

    @Test
    void onlyFloatingTypesCanBeTheDefault() {
        assertEquals("DefaultDType.scope: expected FLOAT32 or FLOAT64, got int32",
                assertThrows(IllegalArgumentException.class, () -> DefaultDType.scope(DType.INT32)).getMessage());
        assertEquals("DefaultDType.scope: expected FLOAT32 or FLOAT64, got null",
                assertThrows(IllegalArgumentException.class, () -> DefaultDType.scope(null)).getMessage());
    }

    @Test
    void thePropertyComesBeforeTheEnvironmentAndBadValuesAreNamed() {
        assertEquals(DType.FLOAT32, DefaultDType.select(null, null));
        assertEquals(DType.FLOAT64, DefaultDType.select("float64", "float32"));
        assertEquals(DType.FLOAT64, DefaultDType.select(null, " F64 "));
        assertEquals(DType.FLOAT32, DefaultDType.select("Float32", "float64"));
        assertEquals("default dtype: system property descent.dtype must be float32 or float64, got 'double'",
                assertThrows(IllegalArgumentException.class, () -> DefaultDType.select("double", null)).getMessage());
        assertEquals("default dtype: environment variable DESCENT_DTYPE must be float32 or float64, got 'int32'",
                assertThrows(IllegalArgumentException.class, () -> DefaultDType.select(null, "int32")).getMessage());
    }

    @Test
    void theSystemPropertySetsTheProcessDefaultAndAScopeOverridesIt() {
        String before = System.getProperty(DefaultDType.PROPERTY);
        System.setProperty(DefaultDType.PROPERTY, "float64");
        try {
            assertAll(DType.FLOAT64);
            try (DefaultDType s = DefaultDType.scope(DType.FLOAT32)) {
                assertAll(DType.FLOAT32);
            }
        } finally {
            if (before == null) System.clearProperty(DefaultDType.PROPERTY);
            else System.setProperty(DefaultDType.PROPERTY, before);
        }
    }
}
