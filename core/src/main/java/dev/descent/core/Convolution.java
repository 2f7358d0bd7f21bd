package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.Window;

/**
 * 2-D convolution on tensors in PyTorch's layout (input {@code (N, C, H, W)}, weight {@code (O, C / groups, kH, kW)}),
 * and its two adjoints, as the backend's im2col or col2im plus one GEMM per image and group. The batch is lowered
 * in chunks into a reused per-thread buffer (at most about 65,000 elements, so that it stays in cache, or one image),
 * never the whole batch; a 1x1 kernel with stride 1 and no padding is not lowered at all.
 * A 1-D convolution is the 2-D one over inputs of height 1.
 *
 * <pre>{@code
 * Convolution.Options o = Convolution.Options.of(1, 1, 1, 1);       // stride 1, padding 1, dilation 1, groups 1
 * Tensor y  = Convolution.conv2d(x, w, b, o);                          // torch.nn.functional.conv2d(x, w, b, 1, 1)
 * Tensor dx = Convolution.inputGrad(gy, w, o, x.dim(2), x.dim(3));   // d<gy, y>/dx, also conv_transpose2d(gy, w)
 * Tensor dw = Convolution.weightGrad(x, gy, o, w.dim(2), w.dim(3));  // d<gy, y>/dw
 * }</pre>
 *
 * <p>Bad arguments (ranks, channels not divisible by groups, a kernel larger than the padded input) throw
 * {@link IllegalArgumentException} naming the operation and the expected and actual values.
 */
public final class Convolution {
    private Convolution() {
    }

    /**
     * Stride, dilation, groups and padding of a 2-D convolution; padding is given before and after each spatial axis
     * (PyTorch's {@code padding="same"} pads one more after than before when the total is odd).
     */
    public record Options(int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight,
                          int dilationH, int dilationW, int groups) {
        public Options {
            if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
                throw new IllegalArgumentException("convolution: stride, dilation and groups must be >= 1, got stride ("
                        + strideH + ", " + strideW + "), dilation (" + dilationH + ", " + dilationW + "), groups "
                        + groups);
            }
            if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
                throw new IllegalArgumentException("convolution: padding must be >= 0, got (" + padTop + ", "
                        + padBottom + ", " + padLeft + ", " + padRight + ")");
            }
        }

        /** The same stride, symmetric padding and dilation on both axes. */
        public static Options of(int stride, int padding, int dilation, int groups) {
            return new Options(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
        }

        /** A 1-D convolution's options: along the width only (the height entries stride 1, padding 0, dilation 1). */
        public static Options of1d(int stride, int padding, int dilation, int groups) {
            return new Options(1, stride, 0, 0, padding, padding, 1, dilation, groups);
        }

        /** Per-axis {@code (height, width)} stride, symmetric padding and dilation. */
        public static Options of(int[] stride, int[] padding, int[] dilation, int groups) {
            return new Options(stride[0], stride[1], padding[0], padding[0], padding[1], padding[1], dilation[0],
                    dilation[1], groups);
        }

        /**
         * PyTorch's {@code padding="same"} for a {@code kH x kW} kernel (stride 1): total padding
         * {@code dilation (k - 1)} per axis, half before and the rest after.
         */
        public static Options same(int kernelH, int kernelW, int dilationH, int dilationW, int groups) {
            int th = dilationH * (kernelH - 1), tw = dilationW * (kernelW - 1);
            return new Options(1, 1, th / 2, th - th / 2, tw / 2, tw - tw / 2, dilationH, dilationW, groups);
        }

        /** The output size of one axis for an input of {@code size}, or -1 when the kernel does not fit. */
        static int outSize(int size, int before, int after, int kernel, int dilation, int stride) {
            int span = size + before + after - dilation * (kernel - 1) - 1;
            return span < 0 ? -1 : span / stride + 1;
        }

        /** Output height for an input of height {@code h} and a kernel of height {@code k}, or -1. */
        public int outHeight(int h, int k) {
            return outSize(h, padTop, padBottom, k, dilationH, strideH);
        }

        /** Output width for an input of width {@code w} and a kernel of width {@code k}, or -1. */
        public int outWidth(int w, int k) {
            return outSize(w, padLeft, padRight, k, dilationW, strideW);
        }
    }

    /** The output shape of a convolution of {@code x} by {@code weight}, checked as {@link #conv2d} checks. */
    public static Shape outputShape(String op, Shape x, Shape weight, Options o) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D input (N, C, H, W), got " + x);
        }
        if (weight.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D weight (out, in / groups, kH, kW), got " + weight);
        }
        int c = x.dim(1), outC = weight.dim(0), g = o.groups();
        if (c % g != 0 || outC % g != 0) {
            throw new IllegalArgumentException(op + ": groups " + g + " must divide the input channels " + c
                    + " and the output channels " + outC);
        }
        if (weight.dim(1) * g != c) {
            throw new IllegalArgumentException(op + ": expected input with " + weight.dim(1) * g + " channels (weight "
                    + weight + ", groups " + g + "), got " + c + " channels in " + x);
        }
        int oh = o.outHeight(x.dim(2), weight.dim(2)), ow = o.outWidth(x.dim(3), weight.dim(3));
        if (oh < 1 || ow < 1 || outC < 1) {
            throw new IllegalArgumentException(op + ": kernel (" + weight.dim(2) + ", " + weight.dim(3)
                    + ") with dilation (" + o.dilationH() + ", " + o.dilationW() + ") is larger than the padded input ("
                    + (x.dim(2) + o.padTop() + o.padBottom()) + ", " + (x.dim(3) + o.padLeft() + o.padRight())
                    + ") of " + x);
        }
        return Shape.of(x.dim(0), outC, oh, ow);
    }

    private static Window window(Shape x, Shape weight, Shape out, Options o) {
        return new Window(x.dim(1), x.dim(2), x.dim(3), weight.dim(2), weight.dim(3), o.strideH(), o.strideW(),
                o.padTop(), o.padLeft(), o.dilationH(), o.dilationW(), out.dim(2), out.dim(3));
    }

    /**
     * {@code torch.nn.functional.conv2d(x, weight, bias, ...)}: {@code y[n, o] = bias[o] + sum over the channels of
     * o's group and the kernel taps of weight * x}; {@code bias} may be null.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Options o) {
        String op = "conv2d";
        checkPair(op, x, "input", weight, "weight");
        Shape outShape = outputShape(op, x.shape(), weight.shape(), o);
        if (bias != null) {
            Checks.sameKind(op, x, bias);
            if (bias.rank() != 1 || bias.dim(0) != outShape.dim(1)) {
                throw new IllegalArgumentException(op + ": expected a bias of shape (" + outShape.dim(1) + "), got "
                        + bias.shape());
            }
        }
        // NOTE: with a bias, its broadcast fills the output before the GEMMs add onto it.
        Tensor out = bias != null ? Tensor.empty(x.backend(), x.dtype(), outShape)
                : Tensor.allocate(x.backend(), x.dtype(), outShape);
        if (outShape.size() == 0) return out;
        Backend b = x.backend();
        if (bias != null) b.broadcastTo(bias.storage(), Shape.of(outShape.dim(1), 1, 1), out.storage(), outShape);
        Lowering l = new Lowering(x.shape(), weight.shape(), outShape, o);
        // NOTE: every image's GEMM reads the same weight; a backend that copies operands copies it once.
        b.withGemmOperand(weight.storage(), () -> l.inChunks(b, x.dtype(), x.storage(), (n0, count, col) -> {
            if (!l.direct) b.im2col(x.storage(), n0 * l.inImage, l.window, count, col);
            l.eachImageAndGroup(count, (i, g) -> b.gemm(false, false, l.outPerGroup, l.positions, l.rowsPerGroup, 1.0,
                    weight.storage(), l.weightOffset(g), col, l.colOffset(i, g), bias == null ? 0.0 : 1.0,
                    out.storage(), l.outOffset(n0 + i, g)));
        }));
        return out;
    }

    /**
     * The gradient of {@code <grad, conv2d(x, weight)>} with respect to an {@code x} of {@code height x width}:
     * {@code W^T grad} per image and group, folded back by col2im. It is also
     * {@code torch.nn.functional.conv_transpose2d(grad, weight)} with the convolution's stride, padding, dilation and
     * groups, whose output is {@code height x width}.
     */
    public static Tensor inputGrad(Tensor grad, Tensor weight, Options o, int height, int width) {
        String op = "conv2d input gradient";
        checkPair(op, grad, "gradient", weight, "weight");
        Shape xShape = Shape.of(grad.dim(0), weight.dim(1) * o.groups(), height, width);
        Shape outShape = outputShape(op, xShape, weight.shape(), o);
        Checks.shapeEquals(op, outShape, grad.shape());
        Tensor dx = Tensor.empty(grad.backend(), grad.dtype(), xShape); // col2im overwrites every image
        if (xShape.size() == 0) return dx;
        Backend b = grad.backend();
        Lowering l = new Lowering(xShape, weight.shape(), outShape, o);
        b.withGemmOperand(weight.storage(), () -> l.inChunks(b, grad.dtype(), dx.storage(), (n0, count, col) -> {
            l.eachImageAndGroup(count, (i, g) -> b.gemm(true, false, l.rowsPerGroup, l.positions, l.outPerGroup, 1.0,
                    weight.storage(), l.weightOffset(g), grad.storage(), l.outOffset(n0 + i, g), 0.0, col,
                    l.colOffset(i, g)));
            if (!l.direct) b.col2im(col, l.window, count, dx.storage(), n0 * l.inImage);
        }));
        return dx;
    }

    /**
     * The gradient of {@code <grad, conv2d(x, weight)>} with respect to a {@code kernelH x kernelW} weight:
     * {@code grad · im2col(x)^T} per group, summed over the images.
     */
    public static Tensor weightGrad(Tensor x, Tensor grad, Options o, int kernelH, int kernelW) {
        String op = "conv2d weight gradient";
        checkPair(op, x, "input", grad, "gradient");
        if (x.dim(1) % o.groups() != 0) {
            throw new IllegalArgumentException(op + ": groups " + o.groups() + " must divide the input channels "
                    + x.dim(1));
        }
        Shape wShape = Shape.of(grad.dim(1), x.dim(1) / o.groups(), kernelH, kernelW);
        Shape outShape = outputShape(op, x.shape(), wShape, o);
        Checks.shapeEquals(op, outShape, grad.shape());
        Tensor dw = Tensor.allocate(x.backend(), x.dtype(), wShape);
        if (x.size() == 0 || wShape.size() == 0) return dw;
        Backend b = x.backend();
        Lowering l = new Lowering(x.shape(), wShape, outShape, o);
        l.inChunks(b, x.dtype(), x.storage(), (n0, count, col) -> {
            if (!l.direct) b.im2col(x.storage(), n0 * l.inImage, l.window, count, col);
            l.eachImageAndGroup(count, (i, g) -> b.gemm(false, true, l.outPerGroup, l.rowsPerGroup, l.positions, 1.0,
                    grad.storage(), l.outOffset(n0 + i, g), col, l.colOffset(i, g), n0 + i == 0 ? 0.0 : 1.0,
                    dw.storage(), l.weightOffset(g)));
        });
        return dw;
    }

    /** Both floating, of one kind, and 4-D. */
    private static void checkPair(String op, Tensor a, String aName, Tensor b, String bName) {
        Checks.sameKind(op, a, b);
        Checks.floating(op, a);
        if (a.rank() != 4 || b.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D " + aName + " and a 4-D " + bName + ", got "
                    + a.shape() + " and " + b.shape());
        }
    }

    /** The work on one chunk of {@code count} images from image {@code n0}, with their lowered columns' storage. */
    @FunctionalInterface
    private interface Chunk {
        void run(int n0, int count, Storage col);
    }

    /** The work on group {@code g} of chunk image {@code i}. */
    @FunctionalInterface
    private interface ImageGroup {
        void run(int i, int g);
    }

    /**
     * The sizes and offsets of one lowered convolution. A 1x1 kernel with stride 1 and no padding is {@code direct}:
     * each image already is its lowered matrix ({@code C} rows of {@code H W} positions), so the GEMMs read (or write)
     * the images themselves and nothing is lowered or folded back.
     */
    private static final class Lowering {
        final Window window;
        final int batch, inImage, groups, outPerGroup, rowsPerGroup, positions, outChannels, chunk;
        final boolean direct;

        Lowering(Shape x, Shape weight, Shape out, Options o) {
            window = window(x, weight, out, o);
            batch = x.dim(0);
            inImage = x.sizeOf(1, 4);
            groups = o.groups();
            outChannels = weight.dim(0);
            outPerGroup = outChannels / o.groups();
            rowsPerGroup = x.dim(1) / groups * window.taps();
            positions = window.outSize();
            chunk = Workspace.imagesPerChunk((long) window.columnRows() * positions, batch);
            Window w = window;
            direct = w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.padH() == 0
                    && w.padW() == 0 && w.outH() == w.height() && w.outW() == w.width();
        }

        /**
         * Runs {@code body} on each chunk of the batch, with this thread's scratch columns; a direct lowering runs it
         * once on the whole batch with {@code images}, the storage of the images themselves, as the columns (whose
         * {@link #colOffset} is then the image's offset).
         */
        void inChunks(Backend b, DType dtype, Storage images, Chunk body) {
            if (direct) {
                body.run(0, batch, images);
                return;
            }
            Storage col = Workspace.scratch(b, dtype, Math.min(chunk, batch) * window.columnRows() * positions);
            for (int n0 = 0; n0 < batch; n0 += chunk) body.run(n0, Math.min(chunk, batch - n0), col);
        }

        void eachImageAndGroup(int count, ImageGroup body) {
            for (int i = 0; i < count; i++) {
                for (int g = 0; g < groups; g++) body.run(i, g);
            }
        }

        /** Where group {@code g}'s rows start in the weight. */
        int weightOffset(int g) {
            return g * outPerGroup * rowsPerGroup;
        }

        /** Where group {@code g} of chunk image {@code i} starts in the lowered columns. */
        int colOffset(int i, int g) {
            return (i * window.columnRows() + g * rowsPerGroup) * positions;
        }

        /** Where group {@code g} of image {@code n} starts in the output (or its gradient). */
        int outOffset(int n, int g) {
            return (n * outChannels + g * outPerGroup) * positions;
        }
    }
}
