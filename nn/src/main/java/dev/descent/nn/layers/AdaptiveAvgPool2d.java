package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/**
 * Adaptive 2-D average pooling, PyTorch's {@code nn.AdaptiveAvgPool2d}: any {@code (N, C, H, W)} or
 * {@code (C, H, W)} to {@code (.., outH, outW)}; cell {@code i} of an axis averages inputs
 * {@code [floor(i H / outH), ceil((i + 1) H / outH))}.
 *
 * <pre>{@code
 * AdaptiveAvgPool2d gap = new AdaptiveAvgPool2d(1, 1);   // global average pooling
 * }</pre>
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH, outW;

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output_size must be >= 1, got (" + outH + ", " + outW
                    + ")");
        }
        this.outH = outH;
        this.outW = outW;
    }

    /** The output (height, width). */
    public int[] outputSize() {
        return new int[] {outH, outW};
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 3 && x.rank() != 4) {
            throw new IllegalArgumentException(describe() + ": expected input (N, C, H, W) or (C, H, W), got "
                    + x.shape());
        }
        for (int a = x.rank() - 3; a < x.rank(); a++) {
            if (x.shape().dim(a) == 0) {
                throw new IllegalArgumentException(describe() + ": expected non-zero sizes except for the batch axis, "
                        + "got " + x.shape() + " with axis " + a + " empty");
            }
        }
        long size = (long) x.shape().sizeOf(0, x.rank() - 2) * outH * outW;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(describe() + ": the output of " + x.shape() + " would have " + size
                    + " elements, more than " + Integer.MAX_VALUE);
        }
        return x.adaptiveAvgPool2d(outH, outW);
    }

    @Override
    protected String describe() {
        return "AdaptiveAvgPool2d(output_size=(" + outH + ", " + outW + "))";
    }
}
