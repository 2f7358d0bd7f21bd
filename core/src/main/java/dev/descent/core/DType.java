package dev.descent.core;

/**
 * The element type of a {@link Tensor}.
 *
 * <p>{@code FLOAT32} is the default for training (creation without a dtype uses {@link DefaultDType#get()}, FLOAT32
 * unless changed), {@code FLOAT64} is used for gradient checks, and {@code INT32}
 * holds indices and class labels (argmax results, gather indices, targets). Arithmetic is defined on the two
 * floating types only; {@code INT32} supports creation, movement, comparisons and conversion.
 *
 * <pre>{@code
 * Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3);
 * Tensor labels = Tensor.of(new int[] {0, 2, 1}, 3);   // INT32
 * }</pre>
 */
public enum DType {
    /** IEEE 754 single precision, stored in {@code float[]}. */
    FLOAT32(4, "F32"),
    /** IEEE 754 double precision, stored in {@code double[]}. */
    FLOAT64(8, "F64"),
    /** 32-bit signed integers, stored in {@code int[]}: indices and class labels. */
    INT32(4, "I32");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype's name in the safetensors format ({@code F32}, {@code F64}, {@code I32}). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Whether arithmetic (and differentiation) is defined on this dtype. */
    public boolean isFloating() {
        return this != INT32;
    }

    /** The dtype of a Java primitive array ({@code float[]}, {@code double[]} or {@code int[]}). */
    public static DType ofArray(Object array) {
        if (array instanceof float[]) return FLOAT32;
        if (array instanceof double[]) return FLOAT64;
        if (array instanceof int[]) return INT32;
        throw new IllegalArgumentException("DType.ofArray: expected float[], double[] or int[], got "
                + (array == null ? "null" : array.getClass().getSimpleName()));
    }

    /** A new zero-filled Java array of this dtype with {@code size} elements. */
    public Object newArray(int size) {
        return switch (this) {
            case FLOAT32 -> new float[size];
            case FLOAT64 -> new double[size];
            case INT32 -> new int[size];
        };
    }

    /** A new heap NIO buffer for {@code size} elements of this dtype: a {@code DoubleBuffer}, {@code FloatBuffer} or {@code IntBuffer}. */
    public java.nio.Buffer newBuffer(int size) {
        return switch (this) {
            case FLOAT32 -> java.nio.FloatBuffer.allocate(size);
            case FLOAT64 -> java.nio.DoubleBuffer.allocate(size);
            case INT32 -> java.nio.IntBuffer.allocate(size);
        };
    }

    /** This dtype's view of {@code bytes} (from its position to its limit, in its byte order). */
    public java.nio.Buffer view(java.nio.ByteBuffer bytes) {
        return switch (this) {
            case FLOAT32 -> bytes.asFloatBuffer();
            case FLOAT64 -> bytes.asDoubleBuffer();
            case INT32 -> bytes.asIntBuffer();
        };
    }

    /** The dtype of the values a {@code DoubleBuffer}, {@code FloatBuffer} or {@code IntBuffer} holds. */
    public static DType ofBuffer(java.nio.Buffer buffer) {
        if (buffer instanceof java.nio.FloatBuffer) return FLOAT32;
        if (buffer instanceof java.nio.DoubleBuffer) return FLOAT64;
        if (buffer instanceof java.nio.IntBuffer) return INT32;
        throw new IllegalArgumentException("DType.ofBuffer: expected a DoubleBuffer, FloatBuffer or IntBuffer, got "
                + (buffer == null ? "null" : buffer.getClass().getSimpleName()));
    }

    /** A buffer over a Java array ({@code float[]}, {@code double[]} or {@code int[]}), without copying. */
    public static java.nio.Buffer wrap(Object array) {
        return switch (ofArray(array)) {
            case FLOAT32 -> java.nio.FloatBuffer.wrap((float[]) array);
            case FLOAT64 -> java.nio.DoubleBuffer.wrap((double[]) array);
            case INT32 -> java.nio.IntBuffer.wrap((int[]) array);
        };
    }

    /** Lower-case name as printed by {@link Tensor#toString()}: {@code float32}, {@code float64}, {@code int32}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
