package dev.descent.nn.layers;

import java.util.Arrays;

/**
 * A convolution layer's padding, as PyTorch's {@code padding} argument: explicit sizes (one for every spatial axis,
 * or one for all), {@link #SAME} (the output keeps the input's size; stride 1; an odd total pads one more after than
 * before) or {@link #VALID} (no padding).
 *
 * <pre>{@code
 * new Conv2d(f, 3, 8, new int[] {3, 3}, new int[] {1, 1}, Padding.SAME, new int[] {1, 1}, 1, true, rng);
 * }</pre>
 */
public final class Padding {
    /** PyTorch's {@code padding="same"}. */
    public static final Padding SAME = new Padding("same", null);
    /** PyTorch's {@code padding="valid"}: none. */
    public static final Padding VALID = new Padding("valid", new int[] {0});

    private final String mode;
    private final int[] sizes;

    private Padding(String mode, int[] sizes) {
        this.mode = mode;
        this.sizes = sizes;
    }

    /** Explicit padding: one size for every spatial axis, or one per axis. */
    public static Padding of(int... sizes) {
        if (sizes == null || sizes.length == 0) throw new IllegalArgumentException("Padding.of: expected at least one size");
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("Padding.of: sizes must be >= 0, got " + Arrays.toString(sizes));
        }
        return new Padding(null, sizes.clone());
    }

    /** Whether this is {@link #SAME}. */
    public boolean isSame() {
        return this == SAME;
    }

    /** The explicit size of each of {@code axes} spatial axes (for SAME, not defined). */
    int[] sizes(String layer, int axes) {
        if (sizes.length == 1) {
            int[] out = new int[axes];
            Arrays.fill(out, sizes[0]);
            return out;
        }
        if (sizes.length != axes) {
            throw new IllegalArgumentException(layer + ": expected padding with 1 or " + axes + " sizes, got "
                    + Arrays.toString(sizes));
        }
        return sizes.clone();
    }

    @Override
    public String toString() {
        return mode != null ? "'" + mode + "'" : sizes.length == 1 ? Integer.toString(sizes[0]) : Arrays.toString(sizes);
    }
}
