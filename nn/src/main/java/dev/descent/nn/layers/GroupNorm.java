package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;

/**
 * Group normalisation, PyTorch's {@code nn.GroupNorm}: the channels of {@code (N, C, *)} split into
 * {@code num_groups} groups, each sample's group normalised with its mean and biased variance, then (with
 * {@code affine}) a per-channel {@code weight} (ones) and {@code bias} (zeros). Training and eval compute the same.
 *
 * <pre>{@code
 * GroupNorm gn = new GroupNorm(4, 32);
 * }</pre>
 */
public final class GroupNorm extends Module {
    private final int groups, channels;
    private final double eps;
    private final Variable weight, bias;

    /** float32 on the default backend, eps 1e-5, affine. */
    public GroupNorm(int groups, int channels) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), groups, channels, 1e-5, true);
    }

    public GroupNorm(TensorFactory f, int groups, int channels, double eps, boolean affine) {
        if (groups < 1 || channels < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: num_groups " + groups + " must divide num_channels "
                    + channels + " (both >= 1)");
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = Normalization.checkEps("GroupNorm", eps);
        this.weight = affine ? registerParameter("weight", f.ones(channels)) : null;
        this.bias = affine ? registerParameter("bias", f.zeros(channels)) : null;
    }

    public int numGroups() {
        return groups;
    }

    public double eps() {
        return eps;
    }

    /** The per-channel weight, or {@code null} without {@code affine}. */
    public Variable weight() {
        return weight;
    }

    /** The per-channel bias, or {@code null} without {@code affine}. */
    public Variable bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() < 2 || x.shape().dim(1) != channels) {
            throw new IllegalArgumentException(describe() + ": expected input (N, " + channels + ", *), got "
                    + x.shape());
        }
        int n = x.shape().dim(0);
        int perGroup = channels / groups * x.shape().sizeOf(2, x.rank());   // explicit, so that N = 0 reshapes too
        Variable y = Normalization.over(x.reshape(n, groups, perGroup), new int[] {2}, eps).value()
                .reshape(x.shape().dims());
        if (weight == null) return y;
        int[] c = new int[x.rank() - 1];
        java.util.Arrays.fill(c, 1);
        c[0] = channels;
        return y.mul(weight.reshape(c)).add(bias.reshape(c));
    }

    @Override
    protected String describe() {
        return "GroupNorm(" + groups + ", " + channels + ", eps=" + eps + ", affine=" + (weight != null) + ")";
    }
}
