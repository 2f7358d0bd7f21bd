package dev.descent.core.spi;

/**
 * The geometry of a 2-D sliding window over images of {@code channels} planes of {@code height x width} elements,
 * for the lowering ({@link Backend#im2col}, {@link Backend#col2im}) and pooling kernels. Window position
 * {@code (oy, ox)}, kernel tap {@code (ki, kj)} reads input row {@code oy * strideH - padH + ki * dilationH} and column
 * {@code ox * strideW - padW + kj * dilationW}; taps outside the input read as zero (lowering) or are skipped
 * (pooling). {@code padH}, {@code padW} are the padding before the first row and column; the padding after the last
 * is implied by {@code outH}, {@code outW}, which core computes (so asymmetric "same" padding and ceil mode need
 * nothing more). A 1-D window has {@code height == kernelH == 1}.
 *
 * <pre>{@code
 * // 3x3 kernel, stride 1, padding 1 over 28x28 single-channel images
 * new Window(1, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 28, 28);
 * }</pre>
 */
public record Window(int channels, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
                     int padH, int padW, int dilationH, int dilationW, int outH, int outW) {

    public Window {
        if (channels < 0 || height < 1 || width < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0 || dilationH < 1 || dilationW < 1 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("Window: expected channels >= 0, sizes, kernel, stride, dilation and "
                    + "output >= 1 and padding >= 0, got " + this);
        }
    }

    /** Elements of one input plane, {@code height * width}. */
    public int planeSize() {
        return height * width;
    }

    /** Window positions per plane, {@code outH * outW}: the columns of an image's lowered matrix. */
    public int outSize() {
        return outH * outW;
    }

    /** Taps per window, {@code kernelH * kernelW}. */
    public int taps() {
        return kernelH * kernelW;
    }

    /** Rows of an image's lowered matrix, {@code channels * kernelH * kernelW}. */
    public int columnRows() {
        return channels * taps();
    }
}
