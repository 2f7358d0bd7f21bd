package dev.descent.core.kernels;

import dev.descent.core.spi.Window;

// float32 twin: FloatWindows
/**
 * The sliding-window loops of every backend over {@code double[]}: im2col and its adjoint col2im (the lowering of a
 * convolution to GEMM), max pooling with its first-maximal argmax, average pooling and its adjoint. The layouts are
 * {@link dev.descent.core.spi.Backend#im2col}'s and the pooling kernels'.
 *
 * <p>A float64 template: the build generates its float32 twin {@code FloatWindows} (build-tools'
 * {@code Float32Generator}). Sums of average pooling accumulate in 64 bits in both. For each kernel tap the range
 * of window positions whose tap lies inside the input is computed once, so the inner loops have no bounds tests.
 */
public final class DoubleWindows {
    private DoubleWindows() {
    }

    /** The first window position {@code o >= 0} whose tap {@code o * stride + shift} is {@code >= 0}. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the last window position {@code o < out} whose tap {@code o * stride + shift} is {@code < size}. */
    private static int endInside(int shift, int stride, int size, int out) {
        if (shift > size - 1) return 0;
        return Math.min(out, (size - 1 - shift) / stride + 1);
    }

    /**
     * Whether a tap's window positions {@code [x0, x1)} of each row read whole input rows, one after the other: stride
     * 1 on both axes and the tap inside every row of an output as wide as the input (the middle column of a "same"
     * kernel). Its rows {@code [y0, y1)} are then one contiguous run of the input, and of the lowered row.
     */
    private static boolean wholeRows(Window w, int x0, int x1) {
        return w.strideH() == 1 && w.strideW() == 1 && x0 == 0 && x1 == w.outW() && w.outW() == w.width();
    }

    /** im2col of {@code images} images of {@code x} from {@code xo} into {@code col} from 0. */
    public static void im2col(double[] x, int xo, Window w, int images, double[] col) {
        int h = w.height(), wd = w.width(), oh = w.outH(), ow = w.outW(), len = w.outSize();
        int sh = w.strideH(), sw = w.strideW();
        int row = 0;
        for (int plane = 0; plane < images * w.channels(); plane++) {
            int base = xo + plane * w.planeSize();
            for (int ki = 0; ki < w.kernelH(); ki++) {
                int shiftY = ki * w.dilationH() - w.padH();
                int y0 = Math.min(oh, firstInside(shiftY, sh)), y1 = Math.max(y0, endInside(shiftY, sh, h, oh));
                for (int kj = 0; kj < w.kernelW(); kj++, row++) {
                    int shiftX = kj * w.dilationW() - w.padW();
                    int x0 = Math.min(ow, firstInside(shiftX, sw)), x1 = Math.max(x0, endInside(shiftX, sw, wd, ow));
                    int dst = row * len;
                    java.util.Arrays.fill(col, dst, dst + y0 * ow, 0);
                    if (wholeRows(w, x0, x1)) {
                        System.arraycopy(x, base + (y0 + shiftY) * wd, col, dst + y0 * ow, (y1 - y0) * ow);
                        java.util.Arrays.fill(col, dst + y1 * ow, dst + len, 0);
                        continue;
                    }
                    for (int oy = y0; oy < y1; oy++) {
                        int d = dst + oy * ow, src = base + (oy * sh + shiftY) * wd + shiftX;
                        for (int ox = 0; ox < x0; ox++) col[d + ox] = 0;
                        if (sw == 1) System.arraycopy(x, src + x0, col, d + x0, x1 - x0);
                        else for (int ox = x0; ox < x1; ox++) col[d + ox] = x[src + ox * sw];
                        for (int ox = x1; ox < ow; ox++) col[d + ox] = 0;
                    }
                    java.util.Arrays.fill(col, dst + y1 * ow, dst + len, 0);
                }
            }
        }
    }

    /** col2im: overwrites {@code images} images of {@code x} from {@code xo} with the adjoint of {@link #im2col}. */
    public static void col2im(double[] col, Window w, int images, double[] x, int xo) {
        int h = w.height(), wd = w.width(), oh = w.outH(), ow = w.outW(), len = w.outSize();
        int sh = w.strideH(), sw = w.strideW();
        java.util.Arrays.fill(x, xo, xo + images * w.channels() * w.planeSize(), 0);
        int row = 0;
        for (int plane = 0; plane < images * w.channels(); plane++) {
            int base = xo + plane * w.planeSize();
            for (int ki = 0; ki < w.kernelH(); ki++) {
                int shiftY = ki * w.dilationH() - w.padH();
                int y0 = firstInside(shiftY, sh), y1 = endInside(shiftY, sh, h, oh);
                for (int kj = 0; kj < w.kernelW(); kj++, row++) {
                    int shiftX = kj * w.dilationW() - w.padW();
                    int x0 = firstInside(shiftX, sw), x1 = endInside(shiftX, sw, wd, ow);
                    int src = row * len;
                    if (y1 > y0 && wholeRows(w, x0, x1)) {
                        int d = base + (y0 + shiftY) * wd - y0 * ow - src;
                        for (int i = src + y0 * ow; i < src + y1 * ow; i++) x[d + i] += col[i];
                        continue;
                    }
                    for (int oy = y0; oy < y1; oy++) {
                        int s = src + oy * ow, dst = base + (oy * sh + shiftY) * wd + shiftX;
                        if (sw == 1) for (int ox = x0; ox < x1; ox++) x[dst + ox] += col[s + ox];
                        else for (int ox = x0; ox < x1; ox++) x[dst + ox * sw] += col[s + ox];
                    }
                }
            }
        }
    }

    /**
     * Max pooling of {@code w.channels()} planes; {@code argmax} gets the in-plane index of the first maximal tap.
     * NOTE: {@code v > max || isNaN(v)} is PyTorch's CPU rule: ties keep the first index, a NaN wins.
     */
    public static void maxPool(double[] x, Window w, double[] out, int[] argmax) {
        if (w.kernelH() == 2 && w.kernelW() == 2 && w.strideH() == 2 && w.strideW() == 2 && w.padH() == 0
                && w.padW() == 0 && w.dilationH() == 1 && w.dilationW() == 1 && 2 * w.outH() <= w.height()
                && 2 * w.outW() <= w.width()) {
            maxPool2x2(x, w, out, argmax);
            return;
        }
        int h = w.height(), wd = w.width(), oh = w.outH(), ow = w.outW();
        int dh = w.dilationH(), dw = w.dilationW();
        int o = 0;
        for (int plane = 0; plane < w.channels(); plane++) {
            int base = plane * w.planeSize();
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * w.strideH() - w.padH(), y1 = Math.min(y0 + (w.kernelH() - 1) * dh + 1, h);
                while (y0 < 0) y0 += dh;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * w.strideW() - w.padW(), x1 = Math.min(x0 + (w.kernelW() - 1) * dw + 1, wd);
                    while (x0 < 0) x0 += dw;
                    double max = Double.NEGATIVE_INFINITY;
                    int at = y0 * wd + x0;
                    for (int y = y0; y < y1; y += dh) {
                        for (int xx = x0; xx < x1; xx += dw) {
                            double v = x[base + y * wd + xx];
                            if (v > max || Double.isNaN(v)) {
                                max = v;
                                at = y * wd + xx;
                            }
                        }
                    }
                    out[o] = max;
                    argmax[o] = at;
                }
            }
        }
    }

    /**
     * {@link #maxPool} of 2x2 windows with stride 2 inside the input (the common halving pool), with the same value
     * and index as the general loop's rule, without its branches.
     *
     * <p>NOTE: on data of random order a compare-and-update per tap mispredicts about half the time. Here the maximum
     * is {@code Math.max} of the four taps (NaN when one is NaN), the index is the first tap equal to it, chosen by
     * three selects from the last tap back (compiled to conditional moves, as nothing depends on them but the index),
     * and the value is read back at that index, so a tie of -0 and +0 keeps the first tap's zero as the general rule
     * does. A NaN maximum (rare, hence a predictable branch) takes the last NaN tap: the general rule's
     * {@code v > max || isNaN(v)} moves to every NaN it meets.
     */
    private static void maxPool2x2(double[] x, Window w, double[] out, int[] argmax) {
        int wd = w.width(), oh = w.outH(), ow = w.outW();
        int o = 0;
        for (int plane = 0; plane < w.channels(); plane++) {
            int base = plane * w.planeSize();
            for (int oy = 0; oy < oh; oy++) {
                int top = 2 * oy * wd;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int at = top + 2 * ox, t = base + at;
                    double v0 = x[t], v1 = x[t + 1], v2 = x[t + wd], v3 = x[t + wd + 1];
                    double max = Math.max(Math.max(v0, v1), Math.max(v2, v3));
                    int k = v2 == max ? 2 : 3;
                    k = v1 == max ? 1 : k;
                    k = v0 == max ? 0 : k;
                    if (max != max) k = v3 != v3 ? 3 : v2 != v2 ? 2 : v1 != v1 ? 1 : 0;
                    at += (k >> 1) * wd + (k & 1);
                    out[o] = x[base + at];
                    argmax[o] = at;
                }
            }
        }
    }

    /** The divisor of window {@code (oy, ox)}: its taps inside the input, or inside the padded input. */
    private static int divisor(Window w, int oy, int ox, boolean countIncludePad) {
        int y0 = oy * w.strideH() - w.padH(), x0 = ox * w.strideW() - w.padW();
        int y1 = Math.min(y0 + w.kernelH(), w.height() + w.padH()), x1 = Math.min(x0 + w.kernelW(), w.width() + w.padW());
        if (countIncludePad) return (y1 - y0) * (x1 - x0);
        return (Math.min(y1, w.height()) - Math.max(y0, 0)) * (Math.min(x1, w.width()) - Math.max(x0, 0));
    }

    /** Average pooling of {@code w.channels()} planes (dilation 1). */
    public static void avgPool(double[] x, Window w, boolean countIncludePad, double[] out) {
        averages(x, w, countIncludePad, out, false);
    }

    /** The adjoint of {@link #avgPool}: overwrites {@code gradInput}. */
    public static void avgPoolAdjoint(double[] grad, Window w, boolean countIncludePad, double[] gradInput) {
        averages(grad, w, countIncludePad, gradInput, true);
    }

    /** Each window's average of {@code in} into {@code out}, or, as the adjoint, each window's share of {@code in[o]}. */
    private static void averages(double[] in, Window w, boolean countIncludePad, double[] out, boolean adjoint) {
        int h = w.height(), wd = w.width(), oh = w.outH(), ow = w.outW();
        if (adjoint) java.util.Arrays.fill(out, 0, w.channels() * w.planeSize(), 0);
        int o = 0;
        for (int plane = 0; plane < w.channels(); plane++) {
            int base = plane * w.planeSize();
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * w.strideH() - w.padH(), y1 = Math.min(y0 + w.kernelH(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * w.strideW() - w.padW(), x1 = Math.min(x0 + w.kernelW(), wd);
                    int divisor = divisor(w, oy, ox, countIncludePad);
                    if (adjoint) {
                        double g = (double) (in[o] / divisor);
                        for (int y = Math.max(y0, 0); y < y1; y++) {
                            for (int xx = Math.max(x0, 0); xx < x1; xx++) out[base + y * wd + xx] += g;
                        }
                    } else {
                        @Float64Only double sum = 0;
                        for (int y = Math.max(y0, 0); y < y1; y++) {
                            for (int xx = Math.max(x0, 0); xx < x1; xx++) sum += in[base + y * wd + xx];
                        }
                        out[o] = (double) (sum / divisor);
                    }
                }
            }
        }
    }
}
