package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack of {@code numLayers} Transformer encoder blocks and an optional final norm, PyTorch's
 * {@code nn.TransformerEncoder}: {@code y = norm(layer_{n-1}(... layer_0(x)))}, every block receiving the same masks.
 * As PyTorch's {@code _get_clones}, the blocks are independent copies of {@code encoderLayer} (the same initial
 * parameters, separate storage), named {@code layers.0}, {@code layers.1}, ..., and the final norm {@code norm}, so a
 * PyTorch state dict loads with {@link #loadStateDictFromPyTorch}.
 *
 * <p>NOTE: every position is computed as PyTorch's reference path computes it, padded ones included. In inference
 * without gradients, PyTorch 1.13 may take a fused path (nested tensors) that returns 0 at padded positions instead;
 * the valid positions agree either way.
 *
 * <pre>{@code
 * TransformerEncoder encoder = new TransformerEncoder(new TransformerEncoderLayer(64, 4, rng), 2, null, rng);
 * Variable y = encoder.forward(x, null, padding);
 * }</pre>
 */
public final class TransformerEncoder extends Module {
    private final List<TransformerEncoderLayer> layers = new ArrayList<>();
    private final LayerNorm norm;

    /**
     * @param norm applied after the last block, or {@code null}
     * @param rng  the copies' dropout masks (each copy draws from its own split)
     */
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm norm, Rng rng) {
        if (encoderLayer == null) throw new IllegalArgumentException("TransformerEncoder: encoder_layer must not be null");
        if (numLayers < 1) {
            throw new IllegalArgumentException("TransformerEncoder: num_layers must be >= 1, got " + numLayers);
        }
        if (rng == null) throw new IllegalArgumentException("TransformerEncoder: rng must not be null");
        Sequential stack = new Sequential();
        for (int i = 0; i < numLayers; i++) {
            TransformerEncoderLayer copy = encoderLayer.copy(rng.split());
            layers.add(copy);
            stack.add(copy);
        }
        register("layers", stack);
        this.norm = norm == null ? null : register("norm", norm);
    }

    @Override
    public Variable forward(Variable src) {
        return forward(src, null, null, false);
    }

    /** The stack with {@code mask} ({@code (L, L)} or {@code (N·nhead, L, L)}) and {@code (N, L)} padding. */
    public Variable forward(Variable src, Tensor mask, Tensor srcKeyPaddingMask) {
        return forward(src, mask, srcKeyPaddingMask, false);
    }

    /** As {@link #forward(Variable, Tensor, Tensor)}, with {@code is_causal} (see {@link MultiheadAttention}). */
    public Variable forward(Variable src, Tensor mask, Tensor srcKeyPaddingMask, boolean isCausal) {
        Variable x = src;
        for (TransformerEncoderLayer layer : layers) x = layer.forward(x, mask, srcKeyPaddingMask, isCausal);
        return norm == null ? x : norm.apply(x);
    }

    /** The blocks, in order. */
    public List<TransformerEncoderLayer> layers() {
        return List.copyOf(layers);
    }

    @Override
    protected String describe() {
        return "TransformerEncoder(num_layers=" + layers.size() + ", norm=" + (norm != null) + ")";
    }
}
