package dev.descent.nn.layers;

/**
 * How a convolution pads its input, PyTorch's {@code padding_mode}: with zeros (the default), or with the input's own
 * values. For a row {@code a b c d} padded by 2 on both sides:
 * <pre>
 *   ZEROS      0 0 | a b c d | 0 0
 *   REFLECT    c b | a b c d | c b      (the edge is not repeated; the padding must be smaller than the size)
 *   REPLICATE  a a | a b c d | d d
 *   CIRCULAR   c d | a b c d | a b      (the padding must be at most the size)
 * </pre>
 *
 * <pre>{@code
 * new Conv2d(f, 3, 8, new int[] {3, 3}, new int[] {1, 1}, Padding.of(1), new int[] {1, 1}, 1, true,
 *         PaddingMode.REFLECT, rng);
 * }</pre>
 */
public enum PaddingMode {
    ZEROS, REFLECT, REPLICATE, CIRCULAR;

    /** PyTorch's name of the mode ({@code 'zeros'}, {@code 'reflect'}, ...). */
    public String torchName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The source index of each of the {@code before + size + after} positions of one padded axis.
     *
     * @throws IllegalArgumentException (naming {@code layer}) when the mode cannot pad {@code size} that much
     */
    int[] sources(String layer, int before, int after, int size, Object input) {
        boolean fits = switch (this) {
            case ZEROS -> true;
            case REFLECT -> before < size && after < size;
            case REPLICATE -> size > 0 || before + after == 0;
            case CIRCULAR -> before <= size && after <= size;
        };
        if (!fits) {
            throw new IllegalArgumentException(layer + ": padding_mode '" + torchName() + "' needs padding "
                    + (this == REFLECT ? "smaller than" : this == CIRCULAR ? "at most" : "of a non-empty axis of")
                    + " the input's size along each axis, got padding (" + before + ", " + after + ") for size " + size
                    + " of input " + input);
        }
        int[] src = new int[before + size + after];
        for (int j = 0; j < src.length; j++) {
            int i = j - before;
            src[j] = switch (this) {
                case ZEROS -> throw new IllegalStateException("zeros padding has no source index");
                case REFLECT -> i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
                case REPLICATE -> Math.max(0, Math.min(size - 1, i));
                case CIRCULAR -> Math.floorMod(i, size);
            };
        }
        return src;
    }
}
