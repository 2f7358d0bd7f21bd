package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.init.Initializer;
import dev.descent.nn.init.Initializers;

/**
 * A fully connected layer: {@code Z = X·W + b} with {@code W} stored {@code (in, out)}, so a batch of rows
 * {@code X} of shape {@code (batch, in)} maps to {@code (batch, out)} (the lecture's pre-activation).
 *
 * <p>By default {@code W} and {@code b} are drawn from {@code U(-1/sqrt(in), 1/sqrt(in))}, PyTorch's default for
 * {@code nn.Linear}; any {@link Initializer} can replace either.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Linear layer = new Linear(784, 128, rng);                      // the default dtype (float32) on the default backend
 * Variable z = layer.apply(x);                                   // (batch, 128)
 * Linear custom = new Linear(Tensor.on(backend, DType.FLOAT64), 2, 16, true, Initializers.xavierNormal(), Initializers.zeros(), rng);
 * }</pre>
 */
public final class Linear extends Module {
    private final int in, out;
    private final Variable weight;
    private final Variable bias;

    /**
     * A layer with bias on the default backend with the default dtype ({@code DefaultDType}, float32 unless changed),
     * initialised as PyTorch does.
     */
    public Linear(int in, int out, Rng rng) {
        this(Tensor.on(Backends.get()), in, out, true, null, null, rng);
    }

    /**
     * A layer created with {@code factory}'s backend and dtype.
     *
     * @param weightInit the initialiser of W ({@code null}: PyTorch's default)
     * @param biasInit   the initialiser of b ({@code null}: PyTorch's default)
     */
    public Linear(TensorFactory factory, int in, int out, boolean bias, Initializer weightInit, Initializer biasInit,
                  Rng rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear: in and out must be >= 1, got in=" + in + ", out=" + out);
        }
        if (rng == null) throw new IllegalArgumentException("Linear: rng must not be null");
        this.in = in;
        this.out = out;
        Initializer wi = weightInit == null ? Initializers.linearDefaultWeight() : weightInit;
        this.weight = registerParameter("weight", checked(wi.initialize(factory, Shape.of(in, out), in, out, rng),
                Shape.of(in, out), factory, "weight"));
        if (bias) {
            Initializer bi = biasInit == null ? Initializers.linearDefaultBias() : biasInit;
            this.bias = registerParameter("bias", checked(bi.initialize(factory, Shape.of(out), in, out, rng),
                    Shape.of(out), factory, "bias"));
        } else {
            this.bias = null;
        }
    }

    private static Tensor checked(Tensor t, Shape shape, TensorFactory f, String what) {
        if (!t.shape().equals(shape) || t.dtype() != f.dtype() || !t.backend().equals(f.backend())) {
            throw new IllegalArgumentException("Linear: the " + what + " initialiser returned " + t.dtype() + " "
                    + t.shape() + ", expected " + f.dtype() + " " + shape);
        }
        return t;
    }

    public Variable weight() {
        return weight;
    }

    /** The bias, or {@code null} for a layer without one. */
    public Variable bias() {
        return bias;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() < 1 || x.shape().dim(-1) != in) {
            throw new IllegalArgumentException("Linear.forward: expected input (..., " + in + "), got " + x.shape());
        }
        if (bias != null && x.rank() == 2) return x.linear(weight, bias);    // one GEMM onto the bias rows
        Variable z = x.matmul(weight);
        return bias == null ? z : z.add(bias);
    }

    /** NOTE: PyTorch stores the weight (out, in); Descent stores (in, out). */
    @Override
    protected Tensor toPyTorchLayout(String name, Tensor value) {
        return name.equals("weight") ? value.transpose() : value;
    }

    @Override
    protected Tensor fromPyTorchLayout(String name, Tensor value) {
        return name.equals("weight") && value.rank() == 2 ? value.transpose() : value;
    }

    @Override
    protected String describe() {
        return "Linear(in=" + in + ", out=" + out + ", bias=" + (bias != null) + ")";
    }
}
