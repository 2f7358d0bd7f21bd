package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * A multi-layer long short-term memory network, PyTorch's {@code nn.LSTM}: per layer, direction and step
 *
 * <pre>
 * i = σ(x W_ii^T + b_ii + h W_hi^T + b_hi)     f = σ(x W_if^T + b_if + h W_hf^T + b_hf)
 * g = tanh(x W_ig^T + b_ig + h W_hg^T + b_hg)  o = σ(x W_io^T + b_io + h W_ho^T + b_ho)
 * c' = f c + i g                               h' = o tanh(c')
 * </pre>
 *
 * with the gate blocks stacked (i, f, g, o) in {@code weight_ih_l0} {@code (4H, F)} and {@code weight_hh_l0}
 * {@code (4H, H)}, as in PyTorch's state dict, so PyTorch weights load unchanged.
 *
 * <pre>{@code
 * LSTM lstm = new LSTM(Tensor.on(backend, DType.FLOAT32), RecurrentOptions.of(128, 256).withNumLayers(2), rng);
 * RecurrentOutput r = lstm.forward(x, h0, c0);     // x (T, B, 128); r.output() (T, B, 256), r.h(), r.c() (2, B, 256)
 * RecurrentOutput p = lstm.forward(x, lengths);    // a padded batch of sequences of different lengths
 * }</pre>
 */
public final class LSTM extends RecurrentLayer {

    /** float32 (the default dtype) on the default backend with PyTorch's defaults. */
    public LSTM(int inputSize, int hiddenSize, Rng rng) {
        this(Tensor.on(Backends.get()), RecurrentOptions.of(inputSize, hiddenSize), rng);
    }

    public LSTM(TensorFactory f, RecurrentOptions options, Rng rng) {
        super("LSTM", CellKind.LSTM, f, options, rng);
    }

    /** The outputs and final states from the initial states {@code h0} and {@code c0} (zeros when null). */
    public RecurrentOutput forward(Variable input, Variable h0, Variable c0) {
        return forward(input, h0, c0, null);
    }
}
