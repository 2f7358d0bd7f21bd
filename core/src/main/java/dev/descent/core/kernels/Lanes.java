package dev.descent.core.kernels;

import java.lang.reflect.Field;

/**
 * Moves bit patterns between {@code float[]} and {@code int[]} scratch arrays with one memory copy, the step that
 * lets {@link FloatMath}'s array forms keep every loop pure float or pure int arithmetic (which C2 vectorises)
 * where a per-element {@code Float.floatToRawIntBits} would not vectorise. The copy is {@code sun.misc.Unsafe}'s
 * {@code copyMemory} between two heap arrays (module {@code jdk.unsupported}, present in every JDK without a flag);
 * where it cannot be had, an element loop of {@code floatToRawIntBits}/{@code intBitsToFloat} does the same, slower.
 */
final class Lanes {
    private static final sun.misc.Unsafe UNSAFE = unsafe();
    private static final long FLOATS = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(float[].class);
    private static final long INTS = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(int[].class);

    private Lanes() {
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
            return u.arrayIndexScale(float[].class) == 4 && u.arrayIndexScale(int[].class) == 4 ? u : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether the memory copy is in use (else the element loops). */
    static boolean fast() {
        return UNSAFE != null;
    }

    /** {@code bits[i] = floatToRawIntBits(x[i])} for {@code i < n} (both arrays have at least n elements). */
    static void bits(float[] x, int[] bits, int n) {
        if (n > x.length || n > bits.length) throw new IndexOutOfBoundsException(n);
        if (UNSAFE != null) {
            UNSAFE.copyMemory(x, FLOATS, bits, INTS, 4L * n);
        } else {
            for (int i = 0; i < n; i++) bits[i] = Float.floatToRawIntBits(x[i]);
        }
    }

    /** {@code x[i] = intBitsToFloat(bits[i])} for {@code i < n} (both arrays have at least n elements). */
    static void floats(int[] bits, float[] x, int n) {
        if (n > x.length || n > bits.length) throw new IndexOutOfBoundsException(n);
        if (UNSAFE != null) {
            UNSAFE.copyMemory(bits, INTS, x, FLOATS, 4L * n);
        } else {
            for (int i = 0; i < n; i++) x[i] = Float.intBitsToFloat(bits[i]);
        }
    }
}
