package dev.descent.autodiff;

import dev.descent.core.Convolution;
import dev.descent.core.Tensor;

/**
 * Convolutions and their backward rules. A convolution {@code y = conv(x, w)} is bilinear, and its two gradients,
 * {@code dx = inputGrad(g, w)} and {@code dw = weightGrad(x, g)}, are bilinear too; each of the three is recorded
 * as an op whose gradients are the other two, so the family is closed and differentiates to any order. The
 * transposed convolution is {@code inputGrad}; 1-D convolutions are 2-D ones over inputs of height 1.
 */
final class Convolutions {
    private Convolutions() {
    }

    /** {@code torch.nn.functional.conv2d}; {@code bias} may be null. */
    static Variable conv2d(Variable x, Variable w, Variable bias, Convolution.Options o) {
        Tensor y = Convolution.conv2d(x.value(), w.value(), bias == null ? null : bias.value(), o);
        int h = x.shape().dim(2), wd = x.shape().dim(3), kh = w.shape().dim(2), kw = w.shape().dim(3);
        if (bias == null) {
            return Variable.record("conv2d", y, g -> new Variable[] {
                x.requiresGrad() ? inputGrad(g, w, o, h, wd) : null,
                w.requiresGrad() ? weightGrad(x, g, o, kh, kw) : null}, x, w);
        }
        return Variable.record("conv2d", y, g -> new Variable[] {
            x.requiresGrad() ? inputGrad(g, w, o, h, wd) : null,
            w.requiresGrad() ? weightGrad(x, g, o, kh, kw) : null,
            bias.requiresGrad() ? g.sum(new int[] {0, 2, 3}, false) : null}, x, w, bias);
    }

    /** {@code d<g, conv(x, w)>/dx} for an x of {@code h x wd}: {@code <gy, inputGrad(g, w)> = <conv(gy, w), g>}. */
    static Variable inputGrad(Variable g, Variable w, Convolution.Options o, int h, int wd) {
        Tensor dx = Convolution.inputGrad(g.value(), w.value(), o, h, wd);
        int kh = w.shape().dim(2), kw = w.shape().dim(3);
        return Variable.record("conv2d input gradient", dx, gy -> new Variable[] {
            g.requiresGrad() ? conv2d(gy, w, null, o) : null,
            w.requiresGrad() ? weightGrad(gy, g, o, kh, kw) : null}, g, w);
    }

    /** {@code d<g, conv(x, w)>/dw}: {@code <gw, weightGrad(x, g)> = <g, conv(x, gw)>}. */
    static Variable weightGrad(Variable x, Variable g, Convolution.Options o, int kh, int kw) {
        Tensor dw = Convolution.weightGrad(x.value(), g.value(), o, kh, kw);
        int h = x.shape().dim(2), wd = x.shape().dim(3);
        return Variable.record("conv2d weight gradient", dw, gw -> new Variable[] {
            x.requiresGrad() ? inputGrad(g, gw, o, h, wd) : null,
            g.requiresGrad() ? conv2d(x, gw, null, o) : null}, x, g);
    }

    /**
     * {@code torch.nn.functional.conv_transpose2d(x, w, bias, stride, padding, output_padding, groups, dilation)}
     * with {@code w (C_in, C_out / groups, kH, kW)}: the input gradient of the convolution whose output x is, of
     * height {@code (H - 1) stride - padTop - padBottom + dilation (kH - 1) + outputPadding + 1} (and so the width).
     */
    static Variable convTranspose2d(Variable x, Variable w, Variable bias, Convolution.Options o, int outputPadH,
                                    int outputPadW) {
        String op = "conv_transpose2d";
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D input (N, C, H, W) and a 4-D weight "
                    + "(in, out / groups, kH, kW), got " + x.shape() + " and " + w.shape());
        }
        if (outputPadH < 0 || outputPadW < 0 || outputPadH >= o.strideH() || outputPadW >= o.strideW()) {
            throw new IllegalArgumentException(op + ": output padding must be >= 0 and smaller than the stride ("
                    + o.strideH() + ", " + o.strideW() + "), got (" + outputPadH + ", " + outputPadW + ")");
        }
        if (w.shape().dim(0) != x.shape().dim(1)) {
            throw new IllegalArgumentException(op + ": expected input with " + w.shape().dim(0) + " channels (weight "
                    + w.shape() + "), got " + x.shape().dim(1) + " channels in " + x.shape());
        }
        int h = (x.shape().dim(2) - 1) * o.strideH() - o.padTop() - o.padBottom()
                + o.dilationH() * (w.shape().dim(2) - 1) + outputPadH + 1;
        int wd = (x.shape().dim(3) - 1) * o.strideW() - o.padLeft() - o.padRight()
                + o.dilationW() * (w.shape().dim(3) - 1) + outputPadW + 1;
        if (h < 1 || wd < 1) {
            throw new IllegalArgumentException(op + ": the output of input " + x.shape() + " and weight " + w.shape()
                    + " with " + o + " would be (" + h + ", " + wd + "), expected at least (1, 1)");
        }
        Variable y = inputGrad(x, w, o, h, wd);
        if (bias == null) return y;
        return y.add(bias.reshape(bias.shape().dim(0), 1, 1));
    }

    /** A 1-D convolution: {@code x (N, C, L)}, {@code w (O, C / groups, k)}, over height 1. */
    static Variable conv1d(Variable x, Variable w, Variable bias, Convolution.Options o) {
        if (x.rank() != 3 || w.rank() != 3) {
            throw new IllegalArgumentException("conv1d: expected a 3-D input (N, C, L) and a 3-D weight "
                    + "(out, in / groups, k), got " + x.shape() + " and " + w.shape());
        }
        if (o.strideH() != 1 || o.padTop() != 0 || o.padBottom() != 0 || o.dilationH() != 1) {
            throw new IllegalArgumentException("conv1d: expected options along the length only (height stride 1, "
                    + "padding 0, dilation 1), got " + o);
        }
        Variable y = conv2d(x.unsqueeze(2), w.unsqueeze(2), bias, o);
        return y.squeeze(2);
    }
}
