package dev.descent.nn.layers;

import dev.descent.autodiff.Grad;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Channels;
import dev.descent.core.InPlace;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.BinaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * The normalisation the norm layers share: mean and biased variance over axes, then {@code (x - mean) / sqrt(var +
 * eps)}, optionally followed by an affine map whose weight and bias are constant along the normalised axes (batch
 * normalisation's per-channel {@code gamma}, {@code beta}).
 *
 * <p>It is one recorded operation with its backward in closed form (PyTorch's {@code native_batch_norm_backward}):
 * with {@code xhat} the normalised input, {@code n} the elements per group and {@code g} the output gradient,
 * <pre>
 * dbeta = sum g,   dgamma = sum g xhat,   dx = gamma / std (g - dbeta / n - xhat dgamma / n)
 * </pre>
 * the sums over the normalised axes. When the kept axes form one contiguous run (batch normalisation's channel axis,
 * a layer normalisation's leading axes, a group normalisation's groups) it runs on core's per-channel kernels
 * ({@link Channels}): one pass for each channel's mean and variance (two-pass within each plane, combined exactly,
 * in 64 bits), one for {@code y = gamma / std (x - mean) + beta}; the backward pass one for the two sums (from the
 * input and the saved mean and {@code 1 / std}, as PyTorch's) and one for {@code dx}. Its values equal the composed
 * definition's up to rounding, with the statistics more accurate in float32 (64-bit sums). Other axes run the
 * composed definition's kernels in its order, and a backward pass of two reductions and four in-place passes. When
 * the backward pass is itself recorded ({@code createGraph}) the gradients are those of the composed definition,
 * recorded, so they differentiate to any order; otherwise they equal them up to rounding.
 */
final class Normalization {
    /** The normalised (and, when asked, affinely mapped) input with the batch mean and biased variance it used. */
    record Normalized(Variable value, Variable mean, Variable variance) {
    }

    private Normalization() {
    }

    /** The normalisation of {@code x} over {@code axes}, without an affine map. */
    static Normalized over(Variable x, int[] axes, double eps) {
        return over(x, axes, eps, null, null);
    }

    /**
     * The normalisation of {@code x} over {@code axes}, then {@code * weight + bias} when they are given; each of them
     * (null, or both given: the bias may be null alone) has x's shape with the normalised axes set to 1.
     */
    static Normalized over(Variable x, int[] axes, double eps, Variable weight, Variable bias) {
        Tensor xv = x.value();
        Channels.Layout layout = Channels.Layout.of(xv.shape(), axes);
        if (layout == null || layout.count() == 0 || !perChannel(weight, layout) || !perChannel(bias, layout)) {
            return overAxes(x, axes, eps, weight, bias);
        }
        Variable[] inputs = inputs(x, weight, bias);
        int c = layout.channels();
        Channels.Moments moments = Channels.moments(xv, layout);
        double[] mean = moments.mean(), invStd = new double[c], scale = new double[c];
        double[] w = weight == null ? null : weight.value().toDoubleArray();
        double[] shift = bias == null ? new double[c] : bias.value().toDoubleArray();
        for (int k = 0; k < c; k++) {
            invStd[k] = 1 / Math.sqrt(moments.variance()[k] + eps);
            scale[k] = w == null ? invStd[k] : w[k] * invStd[k];
        }
        Tensor y = Channels.affine(null, null, xv, mean, scale, shift, layout);
        Variable value = Variable.record("normalize", y, g -> {
            if (NoGrad.isRecording()) return composedGradients(inputs, g, axes, eps, weight, bias);
            return channelGradients(inputs, g.value(), xv, layout, mean, invStd, scale, weight, bias);
        }, inputs);
        Shape reduced = keptShape(xv.shape(), axes);
        TensorFactory f = Tensor.on(xv.backend(), xv.dtype());
        return new Normalized(value, Variable.constant(f.of(mean, reduced.dims())),
                Variable.constant(f.of(moments.variance(), reduced.dims())));
    }

    /**
     * {@code (x - mean) / sqrt(variance + eps)}, then {@code * weight + bias} when given, with fixed per-channel
     * statistics (batch normalisation in eval mode): one pass forward, and backward one pass for the sums of the
     * weight's and bias's gradients and one for {@code dx = g weight / std}. {@code mean} and {@code variance} hold one
     * value per channel of the kept axes; when those do not form one contiguous run it is the composed definition.
     */
    static Variable withStatistics(Variable x, int[] axes, double eps, Tensor mean, Tensor variance, Variable weight,
                                   Variable bias) {
        Tensor xv = x.value();
        Channels.Layout layout = Channels.Layout.of(xv.shape(), axes);
        Shape reduced = keptShape(xv.shape(), axes);
        if (layout == null || layout.count() == 0 || !perChannel(weight, layout) || !perChannel(bias, layout)) {
            return fixedComposed(x, mean.reshape(reduced.dims()), variance.reshape(reduced.dims()), eps, weight, bias);
        }
        int c = layout.channels();
        double[] center = mean.toDoubleArray(), invStd = new double[c], scale = new double[c];
        double[] var = variance.toDoubleArray(), w = weight == null ? null : weight.value().toDoubleArray();
        double[] shift = bias == null ? new double[c] : bias.value().toDoubleArray(), zeros = new double[c];
        for (int k = 0; k < c; k++) {
            invStd[k] = 1 / Math.sqrt(var[k] + eps);
            scale[k] = w == null ? invStd[k] : w[k] * invStd[k];
        }
        Variable[] inputs = inputs(x, weight, bias);
        Tensor y = Channels.affine(null, null, xv, center, scale, shift, layout);
        return Variable.record("normalize", y, g -> {
            if (NoGrad.isRecording()) {
                List<Variable> wrt = new ArrayList<>();
                for (Variable in : inputs) if (in.requiresGrad()) wrt.add(in);
                List<Variable> found = Grad.grad(fixedComposed(inputs[0], mean.reshape(reduced.dims()),
                        variance.reshape(reduced.dims()), eps, weight, bias), g, wrt, true);
                Variable[] out = new Variable[inputs.length];
                for (int i = 0, k = 0; i < inputs.length; i++) if (inputs[i].requiresGrad()) out[i] = found.get(k++);
                return out;
            }
            Tensor gv = g.value();
            Variable[] out = new Variable[inputs.length];
            TensorFactory f = Tensor.on(gv.backend(), gv.dtype());
            int at = 1;
            if (weight != null || bias != null) {
                double[][] sums = Channels.sums(gv, xv, center, layout);
                for (int k = 0; k < c; k++) sums[1][k] *= invStd[k];
                if (weight != null) {
                    if (weight.requiresGrad()) out[at] = Variable.constant(f.of(sums[1], weight.shape().dims()));
                    at++;
                }
                if (bias != null && bias.requiresGrad()) out[at] = Variable.constant(f.of(sums[0], bias.shape().dims()));
            }
            if (inputs[0].requiresGrad()) out[0] = Variable.constant(Channels.affine(null, null, gv, zeros, scale, zeros, layout));
            return out;
        }, inputs);
    }

    /** {@link #withStatistics} as primitive operations (the statistics already shaped to broadcast), recorded. */
    private static Variable fixedComposed(Variable x, Tensor mean, Tensor variance, double eps, Variable weight,
                                          Variable bias) {
        Variable normalized = x.sub(Variable.constant(mean)).div(Variable.constant(variance.add(eps).sqrt()));
        if (weight != null) normalized = normalized.mul(weight);
        return bias == null ? normalized : normalized.add(bias);
    }

    /**
     * The closed-form gradients from the per-channel sums {@code sum g} and {@code sum g (x - mean)}, in one pass,
     * and {@code dx} in one more: with {@code s = gamma / std} ({@code scale}),
     * {@code dx = s g - s (sum g) / n - s / std (x - mean) (sum g xhat) / n}.
     */
    private static Variable[] channelGradients(Variable[] inputs, Tensor g, Tensor x, Channels.Layout layout,
                                               double[] mean, double[] invStd, double[] scale, Variable weight,
                                               Variable bias) {
        double[][] sums = Channels.sums(g, x, mean, layout);
        double[] gs = sums[0], gxs = sums[1];
        int c = layout.channels();
        double n = layout.count();
        for (int k = 0; k < c; k++) gxs[k] *= invStd[k];       // sum g xhat
        Variable[] out = new Variable[inputs.length];
        int at = 1;
        TensorFactory f = Tensor.on(g.backend(), g.dtype());
        if (weight != null) {
            if (weight.requiresGrad()) out[at] = Variable.constant(f.of(gxs, weight.shape().dims()));
            at++;
        }
        if (bias != null && bias.requiresGrad()) out[at] = Variable.constant(f.of(gs, bias.shape().dims()));
        if (inputs[0].requiresGrad()) {
            double[] centered = new double[c], constant = new double[c];
            for (int k = 0; k < c; k++) {
                centered[k] = -scale[k] * invStd[k] * gxs[k] / n;
                constant[k] = -scale[k] * gs[k] / n;
            }
            out[0] = Variable.constant(Channels.affine(g, scale, x, mean, centered, constant, layout));
        }
        return out;
    }

    /** Whether {@code v} is absent or holds one value per channel of {@code layout}. */
    private static boolean perChannel(Variable v, Channels.Layout layout) {
        return v == null || v.value().size() == layout.channels();
    }

    private static Variable[] inputs(Variable x, Variable weight, Variable bias) {
        return weight == null ? bias == null ? new Variable[] {x} : new Variable[] {x, bias}
                : bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
    }

    /** {@code shape} with the axes in {@code axes} set to 1. */
    private static Shape keptShape(Shape shape, int[] axes) {
        int[] dims = shape.dims();
        for (int a : axes) dims[a < 0 ? a + dims.length : a] = 1;
        return Shape.of(dims);
    }

    /**
     * {@link #over} when the kept axes are not one contiguous run (or a channel is empty): the composed definition's
     * kernels in its order, then the closed-form backward from reductions over the axes.
     */
    private static Normalized overAxes(Variable x, int[] axes, double eps, Variable weight, Variable bias) {
        Tensor xv = x.value();
        Shape shape = xv.shape();
        Tensor mean = xv.mean(axes, true);
        Tensor xhat = xv.sub(spread(mean, shape));
        Tensor variance = xhat.square().mean(axes, true);
        Tensor std = variance.add(eps).sqrt();
        InPlace.zip(BinaryOp.DIV, xhat, spread(std, shape), xhat);
        Tensor y = xhat;
        if (weight != null) {
            y = xhat.mul(spread(weight.value(), shape));
            if (bias != null) InPlace.zip(BinaryOp.ADD, y, spread(bias.value(), shape), y);
        } else if (bias != null) {
            y = xhat.add(spread(bias.value(), shape));
        }
        Variable[] inputs = inputs(x, weight, bias);
        Tensor normalized = xhat;
        Variable value = Variable.record("normalize", y, g -> {
            if (NoGrad.isRecording()) return composedGradients(inputs, g, axes, eps, weight, bias);
            return gradients(inputs, g.value(), normalized, std, axes, weight, bias);
        }, inputs);
        return new Normalized(value, Variable.constant(mean), Variable.constant(variance));
    }

    /** The closed-form gradients, in the order of {@code inputs} (x, [weight], [bias]). */
    private static Variable[] gradients(Variable[] inputs, Tensor g, Tensor xhat, Tensor std, int[] axes,
                                        Variable weight, Variable bias) {
        Variable x = inputs[0];
        int n = xhat.size() / std.size();
        Tensor gs = g.sum(axes, true);
        Tensor t = g.mul(xhat);
        Tensor gxs = t.sum(axes, true);
        Variable[] out = new Variable[inputs.length];
        int k = 1;
        if (weight != null) {
            if (weight.requiresGrad()) out[k] = Variable.constant(gxs);
            k++;
        }
        if (bias != null && bias.requiresGrad()) out[k] = Variable.constant(gs);
        if (x.requiresGrad()) {
            Tensor scale = weight == null ? std.reciprocal() : weight.value().div(std);
            Shape shape = xhat.shape();
            InPlace.zip(BinaryOp.MUL, xhat, spread(gxs.div(n), shape), t);
            InPlace.zip(BinaryOp.SUB, g, t, t);
            InPlace.zip(BinaryOp.SUB, t, spread(gs.div(n), shape), t);
            InPlace.zip(BinaryOp.MUL, t, spread(scale, shape), t);
            out[0] = Variable.constant(t);
        }
        return out;
    }

    /**
     * A reduced tensor ({@code shape} with the normalised axes set to 1) ready to broadcast against {@code shape}:
     * when the normalised axes include every leading axis before the first kept one (batch normalisation's
     * {@code (1, C, 1, 1)} against {@code (N, C, H, W)}), it is spread over the trailing axes ({@code (C, H, W)}, small
     * beside the input), so that the elementwise kernels repeat it as a whole row, which vectorises, instead of one
     * element per row; otherwise it is returned as it is. The values are the same either way.
     */
    private static Tensor spread(Tensor reduced, Shape shape) {
        int first = 0;
        while (first < shape.rank() && reduced.shape().dim(first) == 1 && shape.dim(first) != 1) first++;
        if (first == 0 || first == shape.rank()) return reduced;
        int[] own = java.util.Arrays.copyOfRange(reduced.shape().dims(), first, shape.rank());
        int[] target = java.util.Arrays.copyOfRange(shape.dims(), first, shape.rank());
        return reduced.reshape(own).broadcastTo(target);
    }

    /** The gradients of the composed definition, recorded (for higher derivatives). */
    private static Variable[] composedGradients(Variable[] inputs, Variable g, int[] axes, double eps, Variable weight,
                                                Variable bias) {
        List<Variable> wrt = new ArrayList<>();
        for (Variable in : inputs) if (in.requiresGrad()) wrt.add(in);
        List<Variable> found = Grad.grad(composed(inputs[0], axes, eps, weight, bias), g, wrt, true);
        Variable[] out = new Variable[inputs.length];
        for (int i = 0, k = 0; i < inputs.length; i++) if (inputs[i].requiresGrad()) out[i] = found.get(k++);
        return out;
    }

    /** The normalisation as primitive operations, recorded: the definition {@link #over} computes. */
    static Variable composed(Variable x, int[] axes, double eps, Variable weight, Variable bias) {
        Variable mean = x.mean(axes, true);
        Variable centered = x.sub(mean);
        Variable variance = centered.square().mean(axes, true);
        Variable y = centered.div(variance.add(eps).sqrt());
        if (weight != null) y = y.mul(weight);
        return bias == null ? y : y.add(bias);
    }

    /** {@code eps} must be positive and finite; {@code name} is the layer's. */
    static double checkEps(String name, double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(name + ": eps must be finite and > 0, got " + eps);
        }
        return eps;
    }
}
