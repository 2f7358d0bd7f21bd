package dev.descent.core;

import java.util.Arrays;

/**
 * The dimensions of a tensor: rank 0 (a scalar) to n, each dimension non-negative, at most
 * {@link Integer#MAX_VALUE} elements in all. Immutable.
 *
 * <p>Axes may be given negatively, counting from the end ({@code -1} is the last axis), everywhere an axis is
 * accepted. The broadcasting rule is NumPy's and lives only here ({@link #broadcast}): shapes are aligned at
 * their last axes, and two sizes agree when they are equal or one of them is 1.
 *
 * <pre>{@code
 * Shape s = Shape.of(2, 3);
 * s.rank();                                          // 2
 * Shape.broadcast("add", s, Shape.of(3));            // (2, 3)
 * }</pre>
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0], 1);

    private final int[] dims;
    private final int size;
    private int[] strides; // computed on first use

    private Shape(int[] dims, int size) {
        this.dims = dims;
        this.size = size;
    }

    /** The shape with the given dimensions; each must be non-negative. */
    public static Shape of(int... dims) {
        if (dims.length == 0) return SCALAR;
        long size = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("Shape.of: dimension " + i + " must be >= 0, got " + dims[i]
                        + " in " + Arrays.toString(dims));
            }
            size *= dims[i];
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Shape.of: " + Arrays.toString(dims)
                        + " has more than Integer.MAX_VALUE elements");
            }
        }
        return new Shape(dims.clone(), (int) size);
    }

    /** The shape of a scalar: rank 0, one element. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int size() {
        return size;
    }

    /** The size of {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return dims[axis("Shape.dim", axis)];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * Normalises {@code axis} against this shape's rank: {@code -rank <= axis < rank}; negative counts from the end.
     *
     * @param op the operation named in the exception message
     * @throws IllegalArgumentException when the axis is out of range
     */
    public int axis(String op, int axis) {
        return normalizeAxis(op, axis, dims.length);
    }

    static int normalizeAxis(String op, int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank
                    + " (expected " + (rank == 0 ? "no axis" : "-" + rank + " <= axis < " + rank) + ")");
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** Row-major strides in elements: {@code strides[i]} = product of the dimensions after {@code i}. */
    public int[] strides() {
        int[] st = strides;
        if (st == null) {
            st = new int[dims.length];
            int s = 1;
            for (int i = dims.length - 1; i >= 0; i--) {
                st[i] = s;
                s *= dims[i];
            }
            strides = st;
        }
        return st.clone();
    }

    /** The product of the dimensions in {@code [from, to)}. */
    public int sizeOf(int from, int to) {
        int s = 1;
        for (int i = from; i < to; i++) s *= dims[i];
        return s;
    }

    /** This shape with {@code axis} set to {@code size}. */
    public Shape with(int axis, int size) {
        int[] d = dims.clone();
        d[axis("Shape.with", axis)] = size;
        return of(d);
    }

    /** This shape without {@code axis}. */
    public Shape without(int axis) {
        int a = axis("Shape.without", axis);
        int[] d = new int[dims.length - 1];
        System.arraycopy(dims, 0, d, 0, a);
        System.arraycopy(dims, a + 1, d, a, dims.length - a - 1);
        return of(d);
    }

    /** This shape with a new axis of size 1 inserted at {@code axis} ({@code -rank-1 <= axis <= rank}). */
    public Shape insert(int axis) {
        int a = normalizeAxis("Shape.insert", axis, dims.length + 1);
        int[] d = new int[dims.length + 1];
        System.arraycopy(dims, 0, d, 0, a);
        d[a] = 1;
        System.arraycopy(dims, a, d, a + 1, dims.length - a);
        return of(d);
    }

    /**
     * The NumPy broadcast of two shapes: aligned at the last axis, each pair of sizes must be equal or contain a 1.
     *
     * @param op the operation named in the exception message
     * @throws IllegalArgumentException naming both shapes and the first axis that disagrees
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        if (a.equals(b)) return a;
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                        + " cannot be broadcast (axis " + (i - rank) + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return of(out);
    }

    /** Whether this shape broadcasts to {@code target} (without changing {@code target}). */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) return false;
        int offset = target.rank() - rank();
        for (int i = 0; i < rank(); i++) {
            if (dims[i] != 1 && dims[i] != target.dims[i + offset]) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Python-tuple style: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    @Override
    public String toString() {
        if (dims.length == 1) return "(" + dims[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
