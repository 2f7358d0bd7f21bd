package dev.descent.data;

/**
 * The element type of an IDX file, given by the third byte of its magic number (LeCun's MNIST format). Values are
 * stored big-endian; the integer types are signed except {@link #UBYTE}.
 */
public enum IdxType {
    /** {@code 0x08}: unsigned byte, 0..255 (the MNIST images and labels). */
    UBYTE(0x08, 1, 0, 255),
    /** {@code 0x09}: signed byte, -128..127. */
    BYTE(0x09, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
    /** {@code 0x0B}: signed 16-bit integer. */
    SHORT(0x0B, 2, Short.MIN_VALUE, Short.MAX_VALUE),
    /** {@code 0x0C}: signed 32-bit integer. */
    INT(0x0C, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    /** {@code 0x0D}: IEEE 754 single precision. */
    FLOAT(0x0D, 4, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
    /** {@code 0x0E}: IEEE 754 double precision. */
    DOUBLE(0x0E, 8, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    private final int code;
    private final int byteSize;
    private final double min;
    private final double max;

    IdxType(int code, int byteSize, double min, double max) {
        this.code = code;
        this.byteSize = byteSize;
        this.min = min;
        this.max = max;
    }

    /** The type byte in the magic number. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether the type holds integers (so a value must be integral and within its range). */
    public boolean isInteger() {
        return this != FLOAT && this != DOUBLE;
    }

    /** Whether {@code value} can be stored in this type without change (floats round to the nearest float). */
    public boolean holds(double value) {
        if (!isInteger()) return true;
        return value >= min && value <= max && value == Math.rint(value);
    }

    /** The type with type byte {@code code}, or {@code null} if there is none. */
    public static IdxType ofCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) return t;
        }
        return null;
    }
}
