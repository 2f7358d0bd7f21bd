package dev.descent.core;

import dev.descent.core.spi.Window;

/**
 * 2-D max and average pooling over the last two axes of a tensor {@code (..., H, W)} (every leading index is a plane
 * of its own), with PyTorch's kernel, stride, padding, dilation and {@code ceil_mode}, on the backend's pooling
 * kernels. A 1-D pooling is the 2-D one over planes of height 1.
 *
 * <pre>{@code
 * Pooling.Options o = Pooling.Options.of(2, 2, 0, 1, false);          // kernel 2, stride 2
 * Pooling.Max m = Pooling.maxPool2d(x, o);                            // values and first-maximal indices
 * Tensor y = Pooling.avgPool2d(x, o, true);                            // count_include_pad
 * Tensor dx = Pooling.avgPool2dAdjoint(gy, o, true, x.dim(-2), x.dim(-1));
 * }</pre>
 */
public final class Pooling {
    private Pooling() {
    }

    /** Kernel, stride, symmetric padding, dilation and ceil mode of a 2-D pooling window. */
    public record Options(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                          int dilationW, boolean ceilMode) {
        public Options {
            if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
                throw new IllegalArgumentException("pooling: kernel, stride and dilation must be >= 1, got kernel ("
                        + kernelH + ", " + kernelW + "), stride (" + strideH + ", " + strideW + "), dilation ("
                        + dilationH + ", " + dilationW + ")");
            }
            if (padH < 0 || padW < 0 || padH > kernelH / 2 || padW > kernelW / 2) {
                throw new IllegalArgumentException("pooling: padding must be >= 0 and at most half the kernel, got "
                        + "padding (" + padH + ", " + padW + ") for kernel (" + kernelH + ", " + kernelW + ")");
            }
        }

        /** A square window: kernel, stride, padding and dilation the same on both axes. */
        public static Options of(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
            return new Options(kernel, kernel, stride, stride, padding, padding, dilation, dilation, ceilMode);
        }

        /** A 1-D window along the width (height 1). */
        public static Options of1d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
            return new Options(1, kernel, 1, stride, 0, padding, 1, dilation, ceilMode);
        }

        /**
         * PyTorch's pooling output size: {@code floor or ceil((size + 2 pad - dilation (kernel - 1) - 1) / stride) + 1},
         * less one in ceil mode when the last window would start in the padding after the input; -1 when none fits.
         */
        static int outSize(int size, int kernel, int stride, int pad, int dilation, boolean ceil) {
            // NOTE: in long, so that a stride or padding near the int range cannot wrap around
            long span = (long) size + 2L * pad - (long) dilation * (kernel - 1) - 1;
            if (span < 0) return -1;
            long out = (span + (ceil ? stride - 1L : 0L)) / stride + 1;
            if (ceil && (out - 1) * stride >= (long) size + pad) out--;
            return out > Integer.MAX_VALUE ? -1 : (int) out;
        }

        public int outHeight(int h) {
            return outSize(h, kernelH, strideH, padH, dilationH, ceilMode);
        }

        public int outWidth(int w) {
            return outSize(w, kernelW, strideW, padW, dilationW, ceilMode);
        }
    }

    /** The result of max pooling: the maxima and, per output, the index {@code iy * W + ix} of its input in its plane. */
    public record Max(Tensor values, Tensor indices) {
    }

    private static Window window(String op, Tensor x, Options o) {
        Checks.floating(op, x);
        if (x.rank() < 3) {
            throw new IllegalArgumentException(op + ": expected an input (C, H, W) or (N, C, H, W), got " + x.shape());
        }
        int h = x.dim(-2), w = x.dim(-1), oh = o.outHeight(h), ow = o.outWidth(w);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": kernel (" + o.kernelH() + ", " + o.kernelW() + ") with dilation ("
                    + o.dilationH() + ", " + o.dilationW() + ") is larger than the padded input (" + (h + 2 * o.padH())
                    + ", " + (w + 2 * o.padW()) + ") of " + x.shape());
        }
        return new Window(x.shape().sizeOf(0, x.rank() - 2), h, w, o.kernelH(), o.kernelW(), o.strideH(),
                o.strideW(), o.padH(), o.padW(), o.dilationH(), o.dilationW(), oh, ow);
    }

    private static Shape outShape(Shape x, Window w) {
        int[] dims = x.dims();
        dims[dims.length - 2] = w.outH();
        dims[dims.length - 1] = w.outW();
        return Shape.of(dims);
    }

    /** {@code torch.nn.functional.max_pool2d(x, ..., return_indices=True)}; ties give the first maximal index. */
    public static Max maxPool2d(Tensor x, Options o) {
        Window w = window("max_pool2d", x, o);
        Shape s = outShape(x.shape(), w);
        Tensor values = Tensor.empty(x.backend(), x.dtype(), s);
        Tensor indices = Tensor.empty(x.backend(), DType.INT32, s);
        if (s.size() > 0) x.backend().maxPool(x.storage(), w, values.storage(), indices.storage());
        return new Max(values, indices);
    }

    /**
     * The gradient of {@link #maxPool2d} with respect to an input of {@code height x width}: each output's gradient
     * added at its window's first maximal tap ({@code indices}, in-plane, as {@link #maxPool2d} returns them), in one
     * zeroed tensor; {@code grad} and {@code indices} have the pooled shape.
     */
    public static Tensor maxPool2dAdjoint(Tensor grad, Tensor indices, int height, int width) {
        String op = "max_pool2d adjoint";
        Checks.floating(op, grad);
        if (grad.rank() < 2 || indices.dtype() != DType.INT32 || !indices.shape().equals(grad.shape())) {
            throw new IllegalArgumentException(op + ": expected a gradient of rank >= 2 and INT32 indices of its "
                    + "shape, got " + grad.shape() + " and " + indices.dtype() + " " + indices.shape());
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(op + ": expected an input of at least 1 x 1, got " + height + " x "
                    + width);
        }
        int[] dims = grad.shape().dims();
        int pooled = dims[dims.length - 2] * dims[dims.length - 1], planes = pooled == 0 ? 0 : grad.size() / pooled;
        dims[dims.length - 2] = height;
        dims[dims.length - 1] = width;
        Tensor gradInput = Tensor.allocate(grad.backend(), grad.dtype(), Shape.of(dims));
        if (grad.size() > 0) {
            grad.backend().scatterAdd(gradInput.storage(), Shape.of(planes, height * width), 1, indices.storage(),
                    Shape.of(planes, pooled), grad.storage());
        }
        return gradInput;
    }

    /** {@code torch.nn.functional.avg_pool2d(x, ..., count_include_pad)}; the dilation must be 1. */
    public static Tensor avgPool2d(Tensor x, Options o, boolean countIncludePad) {
        Window w = window("avg_pool2d", x, noDilation("avg_pool2d", o));
        Tensor out = Tensor.empty(x.backend(), x.dtype(), outShape(x.shape(), w));
        if (out.size() > 0) x.backend().avgPool(x.storage(), w, countIncludePad, out.storage());
        return out;
    }

    /**
     * The adjoint of {@link #avgPool2d} (its gradient with respect to an input of {@code height x width}): each
     * output's gradient spread evenly over its window, divided by the same divisor.
     */
    public static Tensor avgPool2dAdjoint(Tensor grad, Options o, boolean countIncludePad, int height, int width) {
        String op = "avg_pool2d adjoint";
        if (grad.rank() < 3) {
            throw new IllegalArgumentException(op + ": expected a gradient (C, oH, oW) or (N, C, oH, oW), got "
                    + grad.shape());
        }
        int[] dims = grad.shape().dims();
        dims[dims.length - 2] = height;
        dims[dims.length - 1] = width;
        Tensor gradInput = Tensor.empty(grad.backend(), grad.dtype(), Shape.of(dims)); // the adjoint overwrites it
        Window w = window(op, gradInput, noDilation(op, o));
        Checks.shapeEquals(op, outShape(gradInput.shape(), w), grad.shape());
        if (gradInput.size() > 0) grad.backend().avgPoolAdjoint(grad.storage(), w, countIncludePad, gradInput.storage());
        return gradInput;
    }

    private static Options noDilation(String op, Options o) {
        if (o.dilationH() != 1 || o.dilationW() != 1) {
            throw new IllegalArgumentException(op + ": dilation must be 1, got (" + o.dilationH() + ", "
                    + o.dilationW() + ")");
        }
        return o;
    }
}
