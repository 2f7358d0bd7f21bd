package dev.descent.core.kernels;

import dev.descent.core.Threads;
import dev.descent.core.spi.ReduceOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reductions of {@link DoubleKernels} and its float32 twin against the plain loop they replace (each output from
 * 0, or from its first input, then its inputs one at a time in index order), bit for bit: narrow and tiled column
 * counts, rows wider than a tile, several outer slices, empty and single-row axes, NaN, ±0, and outputs that held
 * garbage before the call. The fixed blocks of {@code reduceBlocked} give the same bits at 1, 2 and 3 threads and
 * equal the blocks summed one after the other.
 */
class ReduceKernelsTest {
    private static final String BEFORE = System.getProperty(Threads.PROPERTY);

    @AfterEach
    void restore() {
        if (BEFORE == null) System.clearProperty(Threads.PROPERTY);
        else System.setProperty(Threads.PROPERTY, BEFORE);
    }

    /** The plain loop: out[o][j] = op over k of x[o][k][j], in order. */
    private static float[] reference(ReduceOp op, float[] x, int outer, int n, int inner) {
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                float acc = op == ReduceOp.SUM ? 0 : x[o * n * inner + j];
                for (int k = op == ReduceOp.SUM ? 0 : 1; k < n; k++) {
                    float v = x[(o * n + k) * inner + j];
                    acc = switch (op) {
                        case SUM -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                        default -> throw new AssertionError(op);
                    };
                }
                out[o * inner + j] = acc;
            }
        }
        return out;
    }

    private static float[] values(int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        float[] specials = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < size; i += 97) x[i] = specials[(i / 97) % specials.length];
        return x;
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void everyLoopShapeGivesThePlainLoopsBits() {
        int[][] shapes = { // outer, n, inner
            {1, 7, 2}, {1, 50, 15}, {1, 50, 16}, {1, 33, 100}, {3, 20, 100}, {2, 5, 2048}, {1, 4, 2049},
            {2, 3, 5000}, {1, 1, 100}, {4, 1, 40}, {1, 0, 100}, {3, 0, 20}, {1, 300, 17}};
        long seed = 1;
        for (int[] s : shapes) {
            int outer = s[0], n = s[1], inner = s[2];
            float[] x = values(outer * n * inner, seed++);
            for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
                if (n == 0 && op != ReduceOp.SUM) continue;
                float[] out = new float[outer * inner + 6];
                java.util.Arrays.fill(out, Float.NaN); // garbage the kernel must overwrite
                FloatKernels.reduce(op, x, 0, out, 3, outer, n, inner);
                float[] inRange = java.util.Arrays.copyOfRange(out, 3, 3 + outer * inner);
                assertSameBits(reference(op, x, outer, n, inner), inRange, op + " of " + outer + "x" + n + "x" + inner);
                for (int i : new int[] {0, 1, 2, out.length - 3, out.length - 2, out.length - 1}) {
                    assertEquals(Float.floatToIntBits(Float.NaN), Float.floatToIntBits(out[i]), "wrote outside at " + i);
                }
            }
        }
    }

    @Test
    void inputsAtAnOffsetAreReadFromThere() {
        float[] x = values(5 + 40 * 64, 9);
        float[] out = new float[64];
        FloatKernels.reduce(ReduceOp.SUM, x, 5, out, 0, 1, 40, 64);
        float[] shifted = java.util.Arrays.copyOfRange(x, 5, x.length);
        assertSameBits(reference(ReduceOp.SUM, shifted, 1, 40, 64), out, "offset 5");
    }

    /** The fixed blocks, each reduced with the plain loop, then combined in block order with it. */
    private static float[] blocked(ReduceOp op, float[] x, int n, int inner) {
        int rowsPerBlock = Math.max(1, Parallel.BLOCK / inner), blocks = (n + rowsPerBlock - 1) / rowsPerBlock;
        float[] partial = new float[blocks * inner];
        for (int b = 0; b < blocks; b++) {
            int rows = Math.min(rowsPerBlock, n - b * rowsPerBlock);
            float[] slice = java.util.Arrays.copyOfRange(x, b * rowsPerBlock * inner, (b * rowsPerBlock + rows) * inner);
            System.arraycopy(reference(op, slice, 1, rows, inner), 0, partial, b * inner, inner);
        }
        return reference(op, partial, 1, blocks, inner);
    }

    @Test
    void blockedReductionsAreTheFixedBlocksAtEveryThreadCount() {
        int[][] shapes = {{1000, 100}, {701, 389}, {3, 30_000}, {20_000, 7}, {9_000, 20}};
        long seed = 20;
        for (int[] s : shapes) {
            int n = s[0], inner = s[1];
            float[] x = values(n * inner, seed++);
            for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
                float[] expected = blocked(op, x, n, inner);
                for (int threads = 1; threads <= 3; threads++) {
                    System.setProperty(Threads.PROPERTY, Integer.toString(threads));
                    float[] out = new float[inner];
                    java.util.Arrays.fill(out, Float.NaN);
                    FloatKernels.reduceBlocked(op, x, out, n, inner);
                    assertSameBits(expected, out, op + " of " + n + "x" + inner + " at " + threads + " threads");
                }
            }
        }
    }
}
