package dev.descent.core;

import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorConversionTest {
    private static final ReferenceBackend B = ReferenceBackend.INSTANCE;

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void floatToInt32TruncatesTowardZeroUpToTheLimitsOfInt32(DType dtype) {
        Tensor x = Tensor.on(B, dtype).of(new double[] {3.7, -3.7, 0.5, -0.5, -2147483648.0, 2147483520.0});
        assertArrayEquals(new int[] {3, -3, 0, 0, Integer.MIN_VALUE, 2147483520}, x.to(DType.INT32).toIntArray());
        assertArrayEquals(new int[] {3, -3, 0, 0, Integer.MIN_VALUE, 2147483520}, x.toIntArray());
    }

    @Test
    void float64JustInsideInt32TruncatesIntoRange() {
        Tensor x = Tensor.on(B, DType.FLOAT64).of(new double[] {2147483647.9, -2147483648.9});
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}, x.toIntArray());
    }

    @Test
    void nanInfinitiesAndOutOfRangeValuesAreAnErrorThatNamesTheValueAndIndex() {
        TensorFactory f64 = Tensor.on(B, DType.FLOAT64);
        TensorFactory f32 = Tensor.on(B, DType.FLOAT32);
        rejects("float64 value NaN at flat index 1 of shape (3,)", f64.of(new double[] {1, Double.NaN, 2}));
        rejects("float64 value 1.0E20 at flat index 0", f64.of(new double[] {1e20}));
        rejects("value Infinity at flat index 3 of shape (2, 2)", f64.of(new double[] {1, 2, 3, Double.POSITIVE_INFINITY}, 2, 2));
        rejects("value -Infinity", f32.of(new double[] {Double.NEGATIVE_INFINITY}));
        rejects("float64 value 2.147483648E9", f64.of(new double[] {2147483648.0}));
        rejects("float64 value -2.147483649E9", f64.of(new double[] {-2147483649.0}));
        rejects("float32 value 2.14748365E9", f32.of(new double[] {2147483648.0}));
        rejects("float32 value -2.1474839E9", f32.of(new double[] {-2147483904.0}));
        rejects("float32 value NaN at flat index 0 of shape ()", f32.scalar(Double.NaN));
        // the factories convert the same way
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.on(B, DType.INT32).of(new double[] {0, 1e10}));
        assertTrue(e.getMessage().contains("1.0E10 at flat index 1"), e.getMessage());
    }

    @Test
    void inPlaceCopyIntoInt32ChecksTheSameWayAndLeavesTheTargetUnchanged() {
        Tensor target = Tensor.on(B, DType.INT32).of(new int[] {7, 8});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InPlace.copy(Tensor.on(B, DType.FLOAT32).of(new double[] {1, Double.NaN}), target));
        assertTrue(e.getMessage().startsWith("InPlace.copy: float32 value NaN at flat index 1"), e.getMessage());
        assertArrayEquals(new int[] {7, 8}, target.toIntArray());
        InPlace.copy(Tensor.on(B, DType.FLOAT64).of(new double[] {-2.5, 9.9}), target);
        assertArrayEquals(new int[] {-2, 9}, target.toIntArray());
    }

    private static void rejects(String fragment, Tensor t) {
        for (var call : new org.junit.jupiter.api.function.Executable[] {() -> t.to(DType.INT32), t::toIntArray}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().startsWith("to(INT32): ") && e.getMessage().contains(fragment)
                    && e.getMessage().contains("[-2147483648, 2147483647]"), e.getMessage());
        }
    }
}
