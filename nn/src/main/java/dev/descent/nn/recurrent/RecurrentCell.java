package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.init.Initializers;

/**
 * What {@link RNNCell}, {@link LSTMCell} and {@link GRUCell} share, as PyTorch's {@code RNNCellBase}: the parameters
 * {@code weight_ih} {@code (G H, F)}, {@code weight_hh} {@code (G H, H)}, {@code bias_ih}, {@code bias_hh} under
 * PyTorch's names, initialised {@code U(-1/sqrt(H), 1/sqrt(H))}, and one step of the recurrence on a batch
 * {@code (B, F)} or a single input {@code (F)}. A step is the layers' recurrence over one time step, so cells and
 * layers compute the same.
 */
public abstract class RecurrentCell extends Module {
    private final String name;
    private final CellKind kind;
    private final int inputSize, hiddenSize;
    private final Variable wih, whh, bih, bhh;

    RecurrentCell(String name, CellKind kind, TensorFactory f, int inputSize, int hiddenSize, boolean bias, Rng rng) {
        if (f == null || rng == null) throw new IllegalArgumentException(name + ": factory and rng must not be null");
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(name + ": input_size and hidden_size must be >= 1, got " + inputSize
                    + " and " + hiddenSize);
        }
        this.name = name;
        this.kind = kind;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int gh = kind.gateRows(name, hiddenSize);
        double k = 1 / Math.sqrt(hiddenSize);
        var init = Initializers.uniform(-k, k);
        wih = registerParameter("weight_ih", init.initialize(f, Shape.of(gh, inputSize), inputSize, gh, rng));
        whh = registerParameter("weight_hh", init.initialize(f, Shape.of(gh, hiddenSize), hiddenSize, gh, rng));
        bih = bias ? registerParameter("bias_ih", init.initialize(f, Shape.of(gh), inputSize, gh, rng)) : null;
        bhh = bias ? registerParameter("bias_hh", init.initialize(f, Shape.of(gh), hiddenSize, gh, rng)) : null;
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** The next hidden state from a zero state. */
    @Override
    public Variable forward(Variable input) {
        return step(input, null, null).h();
    }

    /** One step from {@code (h, c)} (zeros when null); the states have the input's batch shape. */
    CellKind.Scan step(Variable input, Variable h, Variable c) {
        if (input == null) throw new IllegalArgumentException(name + ".forward: input must not be null");
        if (input.rank() != 1 && input.rank() != 2 || input.shape().dim(-1) != inputSize) {
            throw new IllegalArgumentException(name + ".forward: expected an input (B, " + inputSize + ") or ("
                    + inputSize + "), got " + input.shape());
        }
        boolean single = input.rank() == 1;
        Variable x = single ? input.unsqueeze(0) : input;
        int batch = x.shape().dim(0);
        Variable h0 = state("h", h, single, batch, input);
        Variable c0 = kind.hasCell() ? state("c", c, single, batch, input) : null;
        CellKind.Scan s = kind.run(x, 1, wih, bih, h0, c0, whh, bhh, null);
        Variable hOut = single ? s.h().squeeze(0) : s.h();
        Variable cOut = s.c() == null ? null : single ? s.c().squeeze(0) : s.c();
        return new CellKind.Scan(hOut, hOut, cOut);
    }

    private Variable state(String what, Variable s, boolean single, int batch, Variable input) {
        if (s == null) {
            return Variable.constant(Tensor.on(input.value().backend(), input.dtype()).zeros(batch, hiddenSize));
        }
        Shape expected = single ? Shape.of(hiddenSize) : Shape.of(batch, hiddenSize);
        if (!s.shape().equals(expected)) {
            throw new IllegalArgumentException(name + ".forward: expected the state " + what + " of shape " + expected
                    + " for input " + input.shape() + ", got " + s.shape());
        }
        if (s.dtype() != input.dtype() || !s.value().backend().equals(input.value().backend())) {
            throw new IllegalArgumentException(name + ".forward: the state " + what + " is " + s.dtype() + " on "
                    + s.value().backend().name() + ", expected " + input.dtype() + " on "
                    + input.value().backend().name() + " as the input");
        }
        return single ? s.unsqueeze(0) : s;
    }

    @Override
    protected String describe() {
        return name + "(" + inputSize + ", " + hiddenSize + extra() + (bih == null ? ", bias=false" : "") + ")";
    }

    String extra() {
        return "";
    }
}
