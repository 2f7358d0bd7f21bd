package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.init.Initializers;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link RNN}, {@link LSTM} and {@link GRU} share, as PyTorch's {@code RNNBase}: the stacked layers and
 * directions, their parameters under PyTorch's names and layouts ({@code weight_ih_l0} {@code (G H, F)},
 * {@code weight_hh_l0} {@code (G H, H)}, {@code bias_ih_l0}, {@code bias_hh_l0}, {@code ..._reverse} for the
 * backward direction), PyTorch's initialisation {@code U(-1/sqrt(H), 1/sqrt(H))} of every parameter, and the
 * forward pass over a sequence.
 *
 * <p>Per layer and direction the input projection of all time steps is one GEMM; the recurrence is one operation
 * with back-propagation through time in one loop ({@link Variable#lstmScan} and its siblings). The backward
 * direction reads each sequence from its own last valid step back to its first. Dropout (training only) is applied
 * to the outputs of every layer but the last.
 *
 * <p>Variable-length batches: {@code lengths} (one per sequence, each in {@code 1..T}) gives what PyTorch computes
 * with {@code pack_padded_sequence(x, lengths, enforce_sorted=False)} and {@code pad_packed_sequence(...,
 * total_length=T)}: outputs beyond a sequence's length are 0 and the final states are those at its last valid
 * step; outputs and gradients equal running each sequence alone.
 */
public abstract class RecurrentLayer extends Module {
    private final String name;
    private final CellKind kind;
    private final RecurrentOptions options;
    private final Variable[][] weights; // per layer * D + direction: weight_ih, weight_hh, bias_ih, bias_hh
    private final Rng dropoutRng;

    RecurrentLayer(String name, CellKind kind, TensorFactory f, RecurrentOptions options, Rng rng) {
        if (f == null || options == null || rng == null) {
            throw new IllegalArgumentException(name + ": factory, options and rng must not be null");
        }
        if (!f.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": parameters must be float32 or float64, got " + f.dtype());
        }
        this.name = name;
        this.kind = kind;
        this.options = options;
        int d = options.directions(), h = options.hiddenSize(), gh = kind.gateRows(name, h);
        double k = 1 / Math.sqrt(h);
        var init = Initializers.uniform(-k, k);
        weights = new Variable[options.numLayers() * d][];
        for (int l = 0; l < options.numLayers(); l++) {
            int in = l == 0 ? options.inputSize() : h * d;
            for (int dir = 0; dir < d; dir++) {
                String suffix = "_l" + l + (dir == 1 ? "_reverse" : "");
                Variable[] w = new Variable[4];
                w[0] = registerParameter("weight_ih" + suffix, init.initialize(f, Shape.of(gh, in), in, gh, rng));
                w[1] = registerParameter("weight_hh" + suffix, init.initialize(f, Shape.of(gh, h), h, gh, rng));
                if (options.bias()) {
                    w[2] = registerParameter("bias_ih" + suffix, init.initialize(f, Shape.of(gh), in, gh, rng));
                    w[3] = registerParameter("bias_hh" + suffix, init.initialize(f, Shape.of(gh), h, gh, rng));
                }
                weights[l * d + dir] = w;
            }
        }
        this.dropoutRng = options.dropout() > 0 ? registerGenerator("dropout", rng.split()) : null;
    }

    /** The layer's arguments. */
    public RecurrentOptions options() {
        return options;
    }

    /** The outputs of the last layer for zero initial states; see {@link #forward(Variable, Variable, Variable, int[])}. */
    @Override
    public Variable forward(Variable input) {
        return forward(input, null, null, null).output();
    }

    /** The outputs and final states for zero initial states, each sequence stopping at its length (null: all T). */
    public RecurrentOutput forward(Variable input, int[] lengths) {
        return forward(input, null, null, lengths);
    }

    /**
     * Runs every layer and direction over {@code input} {@code (T, B, F)} ({@code (B, T, F)} with
     * {@code batch_first}, or unbatched {@code (T, F)}) from the initial states {@code h0} (and {@code c0} for the
     * LSTM) {@code (num_layers D, B, H)} ({@code (num_layers D, H)} unbatched), zeros when null; {@code lengths}
     * (one per sequence in {@code 1..T}, or null) stops each sequence early. Returns the outputs and final states.
     */
    public RecurrentOutput forward(Variable input, Variable h0, Variable c0, int[] lengths) {
        if (input == null) throw new IllegalArgumentException(name + ".forward: input must not be null");
        if (c0 != null && !kind.hasCell()) {
            throw new IllegalArgumentException(name + ".forward: only the LSTM has a cell state, got c0 " + c0.shape());
        }
        boolean unbatched = input.rank() == 2;
        if (input.rank() != 2 && input.rank() != 3) {
            throw new IllegalArgumentException(name + ".forward: expected an input of rank 3 " + layout()
                    + " or 2 (T, " + options.inputSize() + "), got rank " + input.rank() + " " + input.shape());
        }
        Variable x = unbatched ? input.unsqueeze(1) : options.batchFirst() ? input.transpose(0, 1) : input;
        int steps = x.shape().dim(0), batch = x.shape().dim(1);
        if (x.shape().dim(2) != options.inputSize()) {
            throw new IllegalArgumentException(name + ".forward: expected input_size " + options.inputSize()
                    + " as the last axis of the input, got " + input.shape());
        }
        Variable w0 = weights[0][0];
        if (x.dtype() != w0.dtype() || !x.value().backend().equals(w0.value().backend())) {
            throw new IllegalArgumentException(name + ".forward: expected an input of the parameters' dtype "
                    + w0.dtype() + " on " + w0.value().backend().name() + ", got " + x.dtype() + " on "
                    + x.value().backend().name() + " " + input.shape());
        }
        if (steps < 1) throw new IllegalArgumentException(name + ".forward: the input has no time steps: " + input.shape());
        checkLengths(lengths, batch, steps, unbatched);
        Variable hInit = state("h0", h0, unbatched, batch, input);
        Variable cInit = kind.hasCell() ? state("c0", c0, unbatched, batch, input) : null;

        int d = options.directions();
        Tensor reverse = d == 2 ? reversal(x.value(), steps, batch, lengths) : null;
        List<Variable> hn = new ArrayList<>(), cn = new ArrayList<>();
        Variable layerInput = x;
        for (int l = 0; l < options.numLayers(); l++) {
            Variable[] outs = new Variable[d];
            for (int dir = 0; dir < d; dir++) {
                int index = l * d + dir;
                Variable[] w = weights[index];
                Variable in = dir == 0 ? layerInput : reverse(layerInput, reverse);
                int features = in.shape().dim(2);
                CellKind.Scan s = kind.run(in.reshape(steps * batch, features), steps, w[0], w[2],
                        initial(hInit, index, batch, x), kind.hasCell() ? initial(cInit, index, batch, x) : null,
                        w[1], w[3], lengths);
                outs[dir] = dir == 0 ? s.outputs() : reverse(s.outputs(), reverse);
                hn.add(s.h());
                if (s.c() != null) cn.add(s.c());
            }
            layerInput = d == 1 ? outs[0] : Variable.concat(2, outs);
            if (l < options.numLayers() - 1) layerInput = dropout(layerInput);
        }
        Variable output = unbatched ? layerInput.squeeze(1) : options.batchFirst() ? layerInput.transpose(0, 1)
                : layerInput;
        Variable hOut = finalState(hn, unbatched);
        Variable cOut = kind.hasCell() ? finalState(cn, unbatched) : null;
        return new RecurrentOutput(output, hOut, cOut);
    }

    private String layout() {
        return options.batchFirst() ? "(B, T, " + options.inputSize() + ")" : "(T, B, " + options.inputSize() + ")";
    }

    private void checkLengths(int[] lengths, int batch, int steps, boolean unbatched) {
        if (lengths == null) return;
        if (lengths.length != batch) {
            throw new IllegalArgumentException(name + ".forward: expected " + batch + " lengths (one per sequence"
                    + (unbatched ? " of an unbatched input" : "") + "), got " + lengths.length);
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException(name + ".forward: lengths[" + b + "] is " + lengths[b]
                        + ", expected 1.." + steps + " (the input's time steps)");
            }
        }
    }

    /** The initial state as {@code (L D, B, H)}, zeros when not given, checked against the expected shape. */
    private Variable state(String what, Variable s, boolean unbatched, int batch, Variable input) {
        int layers = options.numLayers() * options.directions(), h = options.hiddenSize();
        if (s == null) return null;
        Shape expected = unbatched ? Shape.of(layers, h) : Shape.of(layers, batch, h);
        if (!s.shape().equals(expected)) {
            throw new IllegalArgumentException(name + ".forward: expected " + what + " of shape " + expected
                    + " (num_layers * directions, " + (unbatched ? "" : "batch, ") + "hidden_size), got " + s.shape());
        }
        if (s.dtype() != input.dtype() || !s.value().backend().equals(input.value().backend())) {
            throw new IllegalArgumentException(name + ".forward: " + what + " is " + s.dtype() + " on "
                    + s.value().backend().name() + ", expected " + input.dtype() + " on "
                    + input.value().backend().name() + " as the input");
        }
        return unbatched ? s.unsqueeze(1) : s;
    }

    private Variable initial(Variable all, int index, int batch, Variable like) {
        if (all == null) {
            return Variable.constant(Tensor.on(like.value().backend(), like.dtype()).zeros(batch, options.hiddenSize()));
        }
        return all.slice(0, index, index + 1).squeeze(0);
    }

    private static Variable finalState(List<Variable> states, boolean unbatched) {
        Variable s = Variable.stack(0, states.toArray(Variable[]::new));
        return unbatched ? s.squeeze(1) : s;
    }

    /**
     * The row permutation of a {@code (T, B, F)} tensor flattened to {@code (T B, F)} that reverses each sequence
     * within its length: step {@code t < len_b} of sequence {@code b} comes from step {@code len_b - 1 - t}, the
     * padding stays in place. It is its own inverse.
     */
    private static Tensor reversal(Tensor like, int steps, int batch, int[] lengths) {
        int[] index = new int[steps * batch];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int len = lengths == null ? steps : lengths[b];
                index[t * batch + b] = (t < len ? len - 1 - t : t) * batch + b;
            }
        }
        return Tensor.on(like.backend(), DType.INT32).of(index);
    }

    private static Variable reverse(Variable x, Tensor reversal) {
        int[] dims = x.shape().dims();
        return x.reshape(dims[0] * dims[1], dims[2]).indexSelect(0, reversal).reshape(dims);
    }

    private Variable dropout(Variable x) {
        double p = options.dropout();
        if (p == 0 || !isTraining()) return x;
        return Dropout.drop(x, p, dropoutRng);
    }

    @Override
    protected String describe() {
        RecurrentOptions o = options;
        return name + "(" + o.inputSize() + ", " + o.hiddenSize() + extra() + (o.numLayers() != 1 ? ", num_layers="
                + o.numLayers() : "") + (o.bias() ? "" : ", bias=false") + (o.batchFirst() ? ", batch_first=true" : "")
                + (o.dropout() != 0 ? ", dropout=" + o.dropout() : "") + (o.bidirectional() ? ", bidirectional=true" : "")
                + ")";
    }

    /** Extra arguments for the description (the RNN's nonlinearity). */
    String extra() {
        return "";
    }
}
