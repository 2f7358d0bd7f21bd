package dev.descent.data;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * The contents of one IDX file: an element type, the dimensions and the values in C (row-major) order. Immutable;
 * the values are kept as the file stores them (big-endian bytes), so a read-write round trip is bit-exact.
 *
 * <pre>{@code
 * IdxArray labels = IdxArray.of(IdxType.UBYTE, new int[] {3}, new double[] {7, 2, 1});
 * Idx.write(Path.of("labels-idx1-ubyte.gz"), labels);
 * Tensor t = Idx.read(Path.of("labels-idx1-ubyte.gz")).toTensor(Tensor.on(backend, DType.INT32));
 * }</pre>
 */
public final class IdxArray {
    private final IdxType type;
    private final int[] dims;
    private final int size;
    private final byte[] data;

    /** Takes ownership of {@code data}: {@code size(dims) * type.byteSize()} big-endian bytes. */
    IdxArray(IdxType type, int[] dims, byte[] data) {
        this.type = type;
        this.dims = dims;
        this.size = Shape.of(dims).size();
        this.data = data;
    }

    /**
     * An array of {@code type} with the given dimensions (at least one, each >= 0) holding {@code values} in C
     * order. Integer types need integral values within their range; FLOAT rounds to the nearest float.
     *
     * @throws IllegalArgumentException naming the first value the type cannot hold, or a size mismatch
     */
    public static IdxArray of(IdxType type, int[] dims, double[] values) {
        if (type == null) throw new IllegalArgumentException("IdxArray.of: type must not be null");
        checkDims("IdxArray.of", dims);
        int n = Shape.of(dims).size();
        if (values.length != n) {
            throw new IllegalArgumentException("IdxArray.of: dims " + Arrays.toString(dims) + " need " + n
                    + " values, got " + values.length);
        }
        if ((long) n * type.byteSize() > Idx.MAX_DATA_BYTES) {
            throw new IllegalArgumentException("IdxArray.of: " + n + " values of " + type + " exceed the "
                    + Idx.MAX_DATA_BYTES + " bytes an array can hold");
        }
        ByteBuffer buf = ByteBuffer.allocate(n * type.byteSize());
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (!type.holds(v)) {
                throw new IllegalArgumentException("IdxArray.of: value " + v + " at index " + i + " does not fit "
                        + type + " (expected an integer in its range)");
            }
            switch (type) {
                case UBYTE, BYTE -> buf.put((byte) (int) v);
                case SHORT -> buf.putShort((short) v);
                case INT -> buf.putInt((int) v);
                case FLOAT -> buf.putFloat((float) v);
                case DOUBLE -> buf.putDouble(v);
            }
        }
        return new IdxArray(type, dims.clone(), buf.array());
    }

    /** The values of {@code tensor}, with its shape (rank >= 1), stored as {@code type}. */
    public static IdxArray fromTensor(Tensor tensor, IdxType type) {
        if (tensor.rank() == 0) {
            throw new IllegalArgumentException("IdxArray.fromTensor: expected a tensor of rank >= 1, got shape ()");
        }
        return of(type, tensor.shape().dims(), tensor.toDoubleArray());
    }

    static void checkDims(String op, int[] dims) {
        if (dims == null || dims.length < 1 || dims.length > 255) {
            throw new IllegalArgumentException(op + ": expected 1 to 255 dimensions, got "
                    + (dims == null ? "null" : dims.length));
        }
        Shape.of(dims); // non-negative, at most Integer.MAX_VALUE elements
    }

    public IdxType type() {
        return type;
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** The element at flat (C-order) index {@code i}, as a double (exact for every type). */
    public double get(int i) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("IdxArray.get: index " + i + " out of range [0, " + size + ")");
        }
        return value(ByteBuffer.wrap(data), i);
    }

    /** All elements in C order, as doubles (exact for every type). */
    public double[] toDoubleArray() {
        ByteBuffer buf = ByteBuffer.wrap(data);
        double[] out = new double[size];
        for (int i = 0; i < size; i++) out[i] = value(buf, i);
        return out;
    }

    /** The values as a tensor of the factory's backend and dtype, shaped as the dimensions. */
    public Tensor toTensor(TensorFactory factory) {
        return toTensor(factory, 1.0);
    }

    /**
     * The values times {@code scale} as a tensor of the factory's backend and dtype, shaped as the dimensions
     * ({@code 1 / 255.0} maps MNIST pixels to [0, 1]); conversion to INT32 truncates toward zero.
     */
    public Tensor toTensor(TensorFactory factory, double scale) {
        if (!Double.isFinite(scale)) throw new IllegalArgumentException("IdxArray.toTensor: scale must be finite, got " + scale);
        // NOTE: the values are decoded straight into an array of the factory's dtype, so the only other full-size
        // copy is the one the factory makes (Fashion-MNIST's training images are 188 MB as float32).
        IntToDoubleFunction v = scaled(scale);
        switch (factory.dtype()) {
            case FLOAT32 -> {
                float[] a = new float[size];
                for (int i = 0; i < size; i++) a[i] = (float) v.applyAsDouble(i);
                return factory.of(a, dims);
            }
            case FLOAT64 -> {
                double[] a = new double[size];
                for (int i = 0; i < size; i++) a[i] = v.applyAsDouble(i);
                return factory.of(a, dims);
            }
            default -> {
                int[] a = new int[size];
                for (int i = 0; i < size; i++) a[i] = (int) v.applyAsDouble(i);
                return factory.of(a, dims);
            }
        }
    }

    /** Element {@code i} times {@code scale}; byte types through a 256-entry table of converted values. */
    private IntToDoubleFunction scaled(double scale) {
        if (type == IdxType.UBYTE || type == IdxType.BYTE) {
            double[] table = new double[256];
            for (int b = 0; b < 256; b++) table[b] = (type == IdxType.UBYTE ? b : (byte) b) * scale;
            return i -> table[data[i] & 0xFF];
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        return i -> value(buf, i) * scale;
    }

    private double value(ByteBuffer buf, int i) {
        return switch (type) {
            case UBYTE -> buf.get(i) & 0xFF;
            case BYTE -> buf.get(i);
            case SHORT -> buf.getShort(i << 1);
            case INT -> buf.getInt(i << 2);
            case FLOAT -> buf.getFloat(i << 2);
            case DOUBLE -> buf.getDouble(i << 3);
        };
    }

    /** The big-endian element bytes (not copied; for the writer). */
    byte[] rawData() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray a && type == a.type && Arrays.equals(dims, a.dims) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Arrays.hashCode(dims)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxArray[" + type + " " + Arrays.toString(dims) + "]";
    }
}
