package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Pooling;
import dev.descent.nn.Module;

import java.util.Arrays;

/** What the pooling layers share: their window and the checks of the input (rank, a kernel that fits). */
abstract class PoolLayer extends Module {
    final Pooling.Options options;
    private final int axes;

    PoolLayer(String name, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.axes = kernel.length;
        int[] k = ConvLayer.planar(kernel, 1), s = ConvLayer.planar(stride == null ? kernel : stride, 1);
        int[] p = ConvLayer.planar(padding, 0), d = ConvLayer.planar(dilation, 1);
        try {
            this.options = new Pooling.Options(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], ceilMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** The pooling window (a 1-D layer's height entries: kernel 1, stride 1, padding 0, dilation 1). */
    public Pooling.Options options() {
        return options;
    }

    /** Checks {@code x}: rank {@code axes + 1} or {@code axes + 2}, and a window that fits the padded input. */
    Variable checked(Variable x) {
        String dims = axes == 1 ? "L" : "H, W";
        if (x.rank() != axes + 1 && x.rank() != axes + 2) {
            throw new IllegalArgumentException(describe() + ": expected input (N, C, " + dims + ") or (C, " + dims
                    + "), got " + x.shape());
        }
        int h = axes == 1 ? 1 : x.shape().dim(-2), w = x.shape().dim(-1);
        ConvLayer.indexable(describe(), (long) h + 2L * options.padH(),
                (long) options.dilationH() * (options.kernelH() - 1) + 1, x.shape());
        ConvLayer.indexable(describe(), (long) w + 2L * options.padW(),
                (long) options.dilationW() * (options.kernelW() - 1) + 1, x.shape());
        if (options.outHeight(h) < 1 || options.outWidth(w) < 1) {
            throw new IllegalArgumentException(describe() + ": kernel (" + options.kernelH() + ", " + options.kernelW()
                    + ") with dilation (" + options.dilationH() + ", " + options.dilationW()
                    + ") is larger than the padded input (" + (h + 2 * options.padH()) + ", " + (w + 2 * options.padW())
                    + ") of " + x.shape());
        }
        return x;
    }

    String config() {
        String k = axes == 1 ? "" + options.kernelW() : "(" + options.kernelH() + ", " + options.kernelW() + ")";
        String s = axes == 1 ? "" + options.strideW() : "(" + options.strideH() + ", " + options.strideW() + ")";
        String p = axes == 1 ? "" + options.padW() : "(" + options.padH() + ", " + options.padW() + ")";
        return "kernel_size=" + k + ", stride=" + s + ", padding=" + p;
    }

    static int[] square(int v) {
        return new int[] {v, v};
    }

    static int[] arr(int... v) {
        return Arrays.copyOf(v, v.length);
    }
}
