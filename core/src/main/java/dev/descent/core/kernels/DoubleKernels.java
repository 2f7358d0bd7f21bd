package dev.descent.core.kernels;

import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.UnaryOp;

// float32 twin: FloatKernels
/**
 * The shared float64 loops of every backend: elementwise maps, broadcast rows of binary ops, reductions along an
 * axis, GEMM, axpby and scatter-adds over {@code double[]}.
 *
 * <p>This file is the single source of the arithmetic loops, a float64 template: the build generates its float32
 * twin {@code FloatKernels} (build-tools' {@code Float32Generator}), where every {@code double} becomes the 32-bit
 * type except those marked {@link Float64Only}, so float32 dot products still accumulate in 64 bits. Every
 * computed value is therefore assigned with an explicit cast to the element type, which keeps the twin compiling.
 *
 * <p>All loops are over primitive arrays with the operation chosen outside the loop, so the JIT compiles one tight
 * loop per operation. Elementary functions go through {@link DoubleMath} (the JDK's), which the twin reads as
 * {@code FloatMath}: branch-free float32 approximations with a tested maximum error. Callers have checked the
 * arguments.
 */
public final class DoubleKernels {
    private DoubleKernels() {
    }

    /**
     * {@code out[i] = op(x[i])} for {@code from <= i < to}; {@code out} may be {@code x}. Both arrays share one
     * index: C2 (Java 17) vectorises a loop only when all its arrays are indexed alike.
     */
    public static void map(UnaryOp op, double[] x, double[] out, int from, int to, double p, double q) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) out[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) out[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = from; i < to; i++) out[i] = Math.signum(x[i]); }
            case EXP -> DoubleMath.exp(x, out, from, to);
            case LOG -> DoubleMath.log(x, out, from, to);
            case LOG1P -> { for (int i = from; i < to; i++) out[i] = (double) Math.log1p(x[i]); }
            case SQRT -> { for (int i = from; i < to; i++) out[i] = (double) Math.sqrt(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) out[i] = x[i] * x[i]; }
            case RECIPROCAL -> { for (int i = from; i < to; i++) out[i] = 1 / x[i]; }
            case SIN -> { for (int i = from; i < to; i++) out[i] = (double) Math.sin(x[i]); }
            case COS -> { for (int i = from; i < to; i++) out[i] = (double) Math.cos(x[i]); }
            case TANH -> DoubleMath.tanh(x, out, from, to);
            case SIGMOID -> DoubleMath.sigmoid(x, out, from, to);
            case RELU -> { for (int i = from; i < to; i++) out[i] = Math.max(x[i], 0); }
            case ERF -> { for (int i = from; i < to; i++) out[i] = (double) Special.erf(x[i]); }
            case LEAKY_RELU -> {
                for (int i = from; i < to; i++) out[i] = x[i] > 0 ? x[i] : p * x[i];
            }
            case ELU -> {
                for (int i = from; i < to; i++) {
                    out[i] = x[i] > 0 ? x[i] : (double) (p * Math.expm1(x[i]));
                }
            }
            // NOTE: torch.nn.functional.softplus (beta 1, threshold 20): x itself above 20, where log1p(exp(x))
            // differs from x by less than 2.1e-9; log1p keeps precision for very negative x.
            case SOFTPLUS -> {
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    out[i] = v > 20 ? v : (double) Math.log1p(Math.exp(v));
                }
            }
            case POW_SCALAR -> { for (int i = from; i < to; i++) out[i] = (double) Math.pow(x[i], p); }
            case AFFINE -> { for (int i = from; i < to; i++) out[i] = p * x[i] + q; }
            case CLAMP -> { for (int i = from; i < to; i++) out[i] = Math.min(Math.max(x[i], p), q); }
            case EXPM1 -> { for (int i = from; i < to; i++) out[i] = (double) Math.expm1(x[i]); }
            default -> throw new IllegalArgumentException("map: unknown unary op " + op);
        }
    }

    /**
     * One row of a broadcast binary op: {@code o[io + j] = op(a[ia + j*sa], b[ib + j*sb])} for {@code j < n}, where
     * the strides {@code sa}, {@code sb} are 1 or 0 (0 repeats a broadcast element). {@code o} may alias an input
     * with the same layout.
     */
    public static void zip(BinaryOp op, double[] a, int ia, int sa, double[] b, int ib, int sb,
                           double[] o, int io, int n) {
        if (sa == 1 && sb == 1) {
            zipContiguous(op, a, ia, b, ib, o, io, n);
        } else {
            zipStrided(op, a, ia, sa, b, ib, sb, o, io, n);
        }
    }

    private static void zipStrided(BinaryOp op, double[] a, int ia, int sa, double[] b, int ib, int sb,
                                   double[] o, int io, int n) {
        switch (op) {
            case ADD -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] + b[ib + j * sb]; }
            case SUB -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] - b[ib + j * sb]; }
            case MUL -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] * b[ib + j * sb]; }
            case DIV -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] / b[ib + j * sb]; }
            case POW -> { for (int j = 0; j < n; j++) o[io + j] = (double) Math.pow(a[ia + j * sa], b[ib + j * sb]); }
            case MAXIMUM -> { for (int j = 0; j < n; j++) o[io + j] = Math.max(a[ia + j * sa], b[ib + j * sb]); }
            case MINIMUM -> { for (int j = 0; j < n; j++) o[io + j] = Math.min(a[ia + j * sa], b[ib + j * sb]); }
            case RELU_GRAD -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] * positive(b[ib + j * sb]); }
            case TANH_GRAD -> {
                for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] * (1 - b[ib + j * sb] * b[ib + j * sb]);
            }
            case SIGMOID_GRAD -> {
                for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] * b[ib + j * sb] * (1 - b[ib + j * sb]);
            }
            case EQ -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] == b[ib + j * sb] ? 1 : 0; }
            case NE -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] != b[ib + j * sb] ? 1 : 0; }
            case LT -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] < b[ib + j * sb] ? 1 : 0; }
            case LE -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] <= b[ib + j * sb] ? 1 : 0; }
            case GT -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] > b[ib + j * sb] ? 1 : 0; }
            case GE -> { for (int j = 0; j < n; j++) o[io + j] = a[ia + j * sa] >= b[ib + j * sb] ? 1 : 0; }
            default -> throw new IllegalArgumentException("zip: unknown binary op " + op);
        }
    }

    /**
     * {@link #zip} when both inputs are contiguous. With one offset for all three arrays the loops vectorise (see
     * {@link #map}); otherwise the elements go through this thread's tiles at offset 0 ({@link #zipTiled}).
     */
    private static void zipContiguous(BinaryOp op, double[] a, int ia, double[] b, int ib, double[] o, int io, int n) {
        if (!vectorises(op)) {
            zipStrided(op, a, ia, 1, b, ib, 1, o, io, n);
        } else if (ia == io && ib == io) {
            zipAligned(op, a, b, o, io, io + n);
        } else {
            zipTiled(op, a, ia, b, ib, o, io, n);
        }
    }

    /** Whether {@link #zipAligned} has a loop for {@code op} (the others run strided). */
    private static boolean vectorises(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, RELU_GRAD, TANH_GRAD, SIGMOID_GRAD -> true;
            default -> false;
        };
    }

    /** {@code o[j] = op(a[j], b[j])} for {@code from <= j < to}, for the ops of {@link #vectorises}. */
    private static void zipAligned(BinaryOp op, double[] a, double[] b, double[] o, int from, int to) {
        switch (op) {
            case ADD -> { for (int j = from; j < to; j++) o[j] = a[j] + b[j]; }
            case SUB -> { for (int j = from; j < to; j++) o[j] = a[j] - b[j]; }
            case MUL -> { for (int j = from; j < to; j++) o[j] = a[j] * b[j]; }
            case DIV -> { for (int j = from; j < to; j++) o[j] = a[j] / b[j]; }
            case MAXIMUM -> { for (int j = from; j < to; j++) o[j] = Math.max(a[j], b[j]); }
            case MINIMUM -> { for (int j = from; j < to; j++) o[j] = Math.min(a[j], b[j]); }
            case RELU_GRAD -> { for (int j = from; j < to; j++) o[j] = a[j] * positive(b[j]); }
            case TANH_GRAD -> { for (int j = from; j < to; j++) o[j] = a[j] * (1 - b[j] * b[j]); }
            case SIGMOID_GRAD -> { for (int j = from; j < to; j++) o[j] = a[j] * b[j] * (1 - b[j]); }
            default -> throw new IllegalArgumentException("zip: no aligned loop for " + op);
        }
    }

    /** Elements per tile of {@link #zipTiled} and {@link #zipRepeatedRow}. */
    static final int TILE = 2048;
    private static final ThreadLocal<double[][]> TILES = ThreadLocal.withInitial(() -> new double[][] {
        new double[TILE], new double[TILE]});

    /** {@link #zipContiguous} for operands at different offsets: copied tile by tile to offset 0 and back. */
    private static void zipTiled(BinaryOp op, double[] a, int ia, double[] b, int ib, double[] o, int io, int n) {
        double[][] t = TILES.get();
        double[] x = t[0], y = t[1];
        for (int c = 0; c < n; c += TILE) {
            int len = Math.min(TILE, n - c);
            System.arraycopy(a, ia + c, x, 0, len);
            System.arraycopy(b, ib + c, y, 0, len);
            zipAligned(op, x, y, x, 0, len);
            System.arraycopy(x, 0, o, io + c, len);
        }
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code len} elements of {@code o = op(full, row)} (or {@code op(row, full)} when
     * {@code rowFirst}), where {@code full} is {@code rows x len} and {@code row} one row repeated for each (a
     * bias row). Whole rows go through a tile at offset 0 next to a tile of the row repeated, so the loop
     * vectorises; {@code o} may be {@code full}.
     */
    public static void zipRepeatedRow(BinaryOp op, double[] full, double[] row, boolean rowFirst, double[] o,
                                      int rowFrom, int rowTo, int len) {
        int rows = rowTo - rowFrom;
        if (!vectorises(op) || len > TILE / 2) {
            for (int r = rowFrom; r < rowTo; r++) {
                if (rowFirst) zip(op, row, 0, 1, full, r * len, 1, o, r * len, len);
                else zip(op, full, r * len, 1, row, 0, 1, o, r * len, len);
            }
            return;
        }
        double[][] t = TILES.get();
        double[] x = t[0], rep = t[1];
        int per = Math.min(TILE / len, rows);
        for (int r = 0; r < per; r++) System.arraycopy(row, 0, rep, r * len, len);
        for (int r = rowFrom; r < rowTo; r += per) {
            int n = Math.min(per, rowTo - r) * len;
            System.arraycopy(full, r * len, x, 0, n);
            zipAligned(op, rowFirst ? rep : x, rowFirst ? x : rep, x, 0, n);
            System.arraycopy(x, 0, o, r * len, n);
        }
    }

    /**
     * 1 for {@code x > 0}, 0 for {@code x <= 0}, NaN for NaN, without a branch: a comparison per element
     * mispredicts on data of random sign and does not vectorise (20x slower on 131,072 elements), min and max do.
     * Any {@code x > 0}, down to the smallest subnormal, times the largest finite value twice is above 1.
     */
    private static double positive(double x) {
        return Math.min(1, Math.max(0, x * Double.MAX_VALUE * Double.MAX_VALUE));
    }

    /** One row of {@code where}: {@code o[io + j] = c[ic + j*sc] != 0 ? a[ia + j*sa] : b[ib + j*sb]}. */
    public static void where(double[] c, int ic, int sc, double[] a, int ia, int sa, double[] b, int ib, int sb,
                             double[] o, int io, int n) {
        for (int j = 0; j < n; j++) o[io + j] = c[ic + j * sc] != 0 ? a[ia + j * sa] : b[ib + j * sb];
    }

    /**
     * Reduces {@code x}, viewed as {@code (outer, n, inner)}, along its middle axis into {@code out}
     * ({@code (outer, inner)}), every element of which it writes. SUM of an empty axis is 0; MAX and MIN need
     * {@code n >= 1} and propagate NaN. Each output starts from 0 (SUM) or from its first input (MAX, MIN) and takes
     * the inputs in index order, one at a time, whatever the loop shape below.
     *
     * <p>NOTE: sums accumulate in the element type in index order, as PyTorch's CPU kernels do for float32 within a
     * vector lane; float32 sums over very long axes carry float32 rounding.
     */
    public static void reduce(ReduceOp op, double[] x, int xo, double[] out, int oo, int outer, int n, int inner) {
        if (inner == 1) {
            reduceRows(op, x, xo, out, oo, outer, n);
        } else if (inner >= TILED_COLUMNS) {
            reduceColumns(op, x, xo, n * inner, outer, n, n, out, oo, inner, inner);
        } else {
            reduceNarrow(op, x, xo, out, oo, outer, n, inner);
        }
    }

    /** Columns from which {@link #reduce} runs through tiles ({@link #reduceColumns}); narrower stays in place. */
    static final int TILED_COLUMNS = 16;

    /** {@link #reduce} for {@code 1 < inner < TILED_COLUMNS}: each running value kept in {@code out}. */
    private static void reduceNarrow(ReduceOp op, double[] x, int xo, double[] out, int oo, int outer, int n,
                                     int inner) {
        for (int o = 0; o < outer; o++) {
            int base = xo + o * n * inner;
            int ob = oo + o * inner;
            switch (op) {
                case SUM -> {
                    for (int j = 0; j < inner; j++) out[ob + j] = 0;
                    for (int k = 0; k < n; k++) {
                        int row = base + k * inner;
                        for (int j = 0; j < inner; j++) out[ob + j] += x[row + j];
                    }
                }
                case MAX -> {
                    System.arraycopy(x, base, out, ob, inner);
                    for (int k = 1; k < n; k++) {
                        int row = base + k * inner;
                        for (int j = 0; j < inner; j++) out[ob + j] = Math.max(out[ob + j], x[row + j]);
                    }
                }
                case MIN -> {
                    System.arraycopy(x, base, out, ob, inner);
                    for (int k = 1; k < n; k++) {
                        int row = base + k * inner;
                        for (int j = 0; j < inner; j++) out[ob + j] = Math.min(out[ob + j], x[row + j]);
                    }
                }
                default -> throw new IllegalArgumentException("reduce: " + op + " is an arg-reduction");
            }
        }
    }

    /**
     * Column reductions of {@code groups} independent groups of rows of {@code inner} elements: group {@code g}
     * starts at {@code x[xo + g * stride]} and has {@code rows} rows ({@code lastRows <= rows} for the last), and
     * its reduction goes to {@code out[oo + g * inner ...]}; only the first {@code width <= inner} columns of each row
     * are reduced (a slice of the columns when {@code width < inner}, one group then). The groups are the outer
     * slices of {@link #reduce} or the blocks of {@link #reduceBlocked}.
     *
     * <p>NOTE: a loop that stores into one array and loads another of the same type at a different offset stays
     * scalar in C2 (Java 17): it cannot rule out an overlap. So the running values of as many groups' columns as fit
     * in a tile sit side by side at offset 0, each input row is copied next to them at offset 0 (a memory copy), and
     * one loop over both, as long as all those columns together, applies the op. Each column still takes its rows
     * one at a time in order: the values are those of the plain loop, bit for bit.
     */
    private static void reduceColumns(ReduceOp op, double[] x, int xo, int stride, int groups, int rows, int lastRows,
                                      double[] out, int oo, int inner, int width) {
        double[][] t = TILES.get();
        double[] acc = t[0], row = t[1];
        int w = Math.min(width, TILE);             // columns per pass
        int per = width < inner ? 1 : Math.max(1, TILE / inner); // groups per pass (1 when a row is wider than a tile)
        for (int c = 0; c < width; c += w) {
            int cols = Math.min(w, width - c);
            for (int g0 = 0; g0 < groups; g0 += per) {
                int gs = Math.min(per, groups - g0);
                boolean hasLast = g0 + gs == groups;
                int longest = hasLast && gs == 1 ? lastRows : rows;
                int k0 = 0;
                if (op == ReduceOp.SUM) {
                    java.util.Arrays.fill(acc, 0, gs * cols, 0);
                } else {
                    for (int a = 0; a < gs; a++) System.arraycopy(x, xo + (g0 + a) * stride + c, acc, a * cols, cols);
                    k0 = 1;
                }
                for (int k = k0; k < longest; k++) {
                    int active = hasLast && k >= lastRows ? gs - 1 : gs;
                    for (int a = 0; a < active; a++) {
                        System.arraycopy(x, xo + (g0 + a) * stride + k * inner + c, row, a * cols, cols);
                    }
                    accumulate(op, acc, row, active * cols);
                }
                for (int a = 0; a < gs; a++) System.arraycopy(acc, a * cols, out, oo + (g0 + a) * inner + c, cols);
            }
        }
    }

    /** {@code acc[i] = op(acc[i], row[i])} for {@code i < n}: both at offset 0, so the loop vectorises. */
    private static void accumulate(ReduceOp op, double[] acc, double[] row, int n) {
        switch (op) {
            case SUM -> { for (int i = 0; i < n; i++) acc[i] += row[i]; }
            case MAX -> { for (int i = 0; i < n; i++) acc[i] = Math.max(acc[i], row[i]); }
            case MIN -> { for (int i = 0; i < n; i++) acc[i] = Math.min(acc[i], row[i]); }
            default -> throw new IllegalArgumentException("reduce: " + op + " is an arg-reduction");
        }
    }

    /**
     * {@link #reduce} with {@code inner == 1} (each output reduces one contiguous row): the same operations in the
     * same order, with the running value in a register instead of in {@code out}.
     */
    private static void reduceRows(ReduceOp op, double[] x, int xo, double[] out, int oo, int outer, int n) {
        for (int o = 0; o < outer; o++) {
            int base = xo + o * n;
            switch (op) {
                case SUM -> {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += x[base + k];
                    out[oo + o] = s;
                }
                case MAX -> {
                    double s = x[base];
                    for (int k = 1; k < n; k++) s = Math.max(s, x[base + k]);
                    out[oo + o] = s;
                }
                case MIN -> {
                    double s = x[base];
                    for (int k = 1; k < n; k++) s = Math.min(s, x[base + k]);
                    out[oo + o] = s;
                }
                default -> throw new IllegalArgumentException("reduce: " + op + " is an arg-reduction");
            }
        }
    }

    /**
     * {@link #reduce} of {@code x} viewed as {@code (n, inner)} along its first axis, in fixed blocks of rows
     * ({@link Parallel#BLOCK} elements) reduced over the intra-op pool and combined in block order: the same value
     * for every thread count and every run. For reductions of at least {@link Parallel#THRESHOLD} elements.
     */
    public static void reduceBlocked(ReduceOp op, double[] x, double[] out, int n, int inner) {
        int rowsPerBlock = Math.max(1, Parallel.BLOCK / Math.max(1, inner));
        int blocks = (n + rowsPerBlock - 1) / rowsPerBlock;
        if (rowsPerBlock == 1 && inner >= TILED_COLUMNS) {
            // NOTE: blocks of one row would make the partial results a copy of the input (6 MB for a convolution's
            // bias gradient at batch 64). Splitting the columns instead gives the same values, each column still
            // taking its rows one at a time in order, and needs no partial results.
            Parallel.forRange(inner, n, (c0, c1) ->
                    reduceColumns(op, x, c0, n * inner, 1, n, n, out, c0, inner, c1 - c0));
            return;
        }
        int lastRows = n - (blocks - 1) * rowsPerBlock;
        double[] partial = new double[blocks * inner];
        Parallel.forRange(blocks, rowsPerBlock * inner, (b0, b1) -> {
            if (inner >= TILED_COLUMNS) {
                int stride = rowsPerBlock * inner;
                reduceColumns(op, x, b0 * stride, stride, b1 - b0, rowsPerBlock, b1 == blocks ? lastRows : rowsPerBlock,
                        partial, b0 * inner, inner, inner);
                return;
            }
            for (int b = b0; b < b1; b++) {
                int rows = Math.min(rowsPerBlock, n - b * rowsPerBlock);
                reduce(op, x, b * rowsPerBlock * inner, partial, b * inner, 1, rows, inner);
            }
        });
        reduce(op, partial, 0, out, 0, 1, blocks, inner);
    }

    /**
     * Index of the first maximal (ARGMAX) or minimal (ARGMIN) element along the middle axis of {@code x} viewed as
     * {@code (outer, n, inner)}; a NaN wins (PyTorch's convention). Needs {@code n >= 1}.
     */
    public static void argReduce(ReduceOp op, double[] x, int[] out, int outer, int n, int inner) {
        boolean max = op == ReduceOp.ARGMAX;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * n * inner + j;
                double best = x[base];
                int bestK = 0;
                for (int k = 1; k < n && best == best; k++) {
                    double v = x[base + k * inner];
                    if (v != v || (max ? v > best : v < best)) {
                        best = v;
                        bestK = k;
                    }
                }
                out[o * inner + j] = bestK;
            }
        }
    }

    /**
     * Row-major {@code C = alpha * op(A) * op(B) + beta * C} where {@code op(A)} is {@code m x k} ({@code A} stored
     * {@code k x m} when {@code transA}) and {@code op(B)} is {@code k x n}. As in BLAS, {@code beta == 0} ignores
     * the old contents of C. A plain reference implementation; backends override it with their library's GEMM.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                            double[] a, int aOff, double[] b, int bOff, double beta, double[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * n;
            if (beta == 0) {
                for (int j = 0; j < n; j++) c[row + j] = 0;
            } else if (beta != 1) {
                for (int j = 0; j < n; j++) c[row + j] *= beta;
            }
            if (!transB) {
                // i-p-j order: the inner loop runs along contiguous rows of B and C.
                for (int p = 0; p < k; p++) {
                    double aip = alpha * a[aOff + (transA ? p * m + i : i * k + p)];
                    int bRow = bOff + p * n;
                    for (int j = 0; j < n; j++) c[row + j] += aip * b[bRow + j];
                }
            } else {
                // B is stored n x k: each C element is a dot product along contiguous rows of B.
                for (int j = 0; j < n; j++) {
                    @Float64Only double acc = 0;
                    int bRow = bOff + j * k;
                    for (int p = 0; p < k; p++) acc += a[aOff + (transA ? p * m + i : i * k + p)] * b[bRow + p];
                    c[row + j] += (double) (alpha * acc);
                }
            }
        }
    }

    /**
     * {@code y[i] = alpha * x[i] + beta * y[i]} for {@code from <= i < to} (one index, see the note on {@link #map});
     * with {@code beta == 0} the old {@code y} is ignored.
     */
    public static void axpby(int from, int to, double alpha, double[] x, double beta, double[] y) {
        if (beta == 0) {
            for (int i = from; i < to; i++) y[i] = alpha * x[i];
        } else if (beta == 1) {
            for (int i = from; i < to; i++) y[i] += alpha * x[i];
        } else {
            for (int i = from; i < to; i++) y[i] = alpha * x[i] + beta * y[i];
        }
    }

    /** {@code y[offsets[r] + j] += x[r * run + j]} for every run {@code r} and {@code j < run}. */
    public static void addRuns(double[] x, int[] offsets, int run, double[] y) {
        for (int r = 0; r < offsets.length; r++) {
            int dst = offsets[r];
            int src = r * run;
            for (int j = 0; j < run; j++) y[dst + j] += x[src + j];
        }
    }

    /**
     * Rows {@code [from, to)} of a scatter-add along the last axis: {@code y[r * cols + index[r * k + j]] +=
     * x[r * k + j]} for {@code j < k} (max pooling's gradient at its argmax), with no offset table: one add per
     * element and no branch.
     */
    public static void scatterAddRows(double[] x, int[] index, int from, int to, int k, int cols, double[] y) {
        for (int r = from; r < to; r++) {
            int dst = r * cols, src = r * k;
            for (int j = 0; j < k; j++) y[dst + index[src + j]] += x[src + j];
        }
    }

    /** Fills {@code out[from, to)} with {@code value}. */
    public static void fill(double[] out, int from, int to, double value) {
        java.util.Arrays.fill(out, from, to, value);
    }
}
