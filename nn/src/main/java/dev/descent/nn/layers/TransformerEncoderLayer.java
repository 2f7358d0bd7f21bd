package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;

/**
 * One Transformer encoder block, PyTorch's {@code nn.TransformerEncoderLayer}: self-attention and a position-wise
 * feed-forward network, each with a residual connection and layer normalisation,
 * <pre>
 *   post-norm (default):  x = norm1(x + dropout1(SA(x)));        x = norm2(x + dropout2(FF(x)))
 *   pre-norm (norm_first): x = x + dropout1(SA(norm1(x)));        x = x + dropout2(FF(norm2(x)))
 *   SA(x) = self_attn(x, x, x, src_mask, src_key_padding_mask)    FF(x) = linear2(dropout(act(linear1(x))))
 * </pre>
 * with {@code act} ReLU or GELU (exact). Submodules have PyTorch's names ({@code self_attn}, {@code linear1},
 * {@code dropout}, {@code linear2}, {@code norm1}, {@code norm2}, {@code dropout1}, {@code dropout2}), so a PyTorch
 * state dict loads with {@link #loadStateDictFromPyTorch}. Masks are {@link MultiheadAttention}'s.
 *
 * <pre>{@code
 * TransformerEncoderLayer layer = new TransformerEncoderLayer(64, 4, rng);       // (L, N, 64) in and out
 * Variable y = layer.forward(x, MultiheadAttention.generateSquareSubsequentMask(L), padding);
 * }</pre>
 */
public final class TransformerEncoderLayer extends Module {
    private final TensorFactory factory;
    private final int dModel, nhead, dimFeedforward;
    private final double dropoutP, layerNormEps;
    private final String activation;
    private final boolean batchFirst, normFirst, bias;
    private final MultiheadAttention selfAttn;
    private final Linear linear1, linear2;
    private final Dropout dropout, dropout1, dropout2;
    private final LayerNorm norm1, norm2;

    /** PyTorch's defaults: feed-forward 2048, dropout 0.1, ReLU, eps 1e-5, sequence-first, post-norm, float32. */
    public TransformerEncoderLayer(int dModel, int nhead, Rng rng) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), dModel, nhead, 2048, 0.1, "relu", 1e-5, false, false, true, rng);
    }

    /**
     * PyTorch's full constructor, in its argument order.
     *
     * @param activation {@code "relu"} or {@code "gelu"}
     * @param bias       whether the linear layers, the attention and the norms have biases (PyTorch 2.1's
     *                   {@code bias})
     * @param rng        draws the initial weights and the dropout masks
     */
    public TransformerEncoderLayer(TensorFactory f, int dModel, int nhead, int dimFeedforward, double dropout,
                                   String activation, double layerNormEps, boolean batchFirst, boolean normFirst,
                                   boolean bias, Rng rng) {
        if (dModel < 1 || nhead < 1 || dModel % nhead != 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: expected d_model >= 1 divisible by nhead >= 1, "
                    + "got d_model=" + dModel + ", nhead=" + nhead);
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("TransformerEncoderLayer: expected 0 <= dropout <= 1, got " + dropout);
        }
        if (dimFeedforward < 1) {
            throw new IllegalArgumentException("TransformerEncoderLayer: dim_feedforward must be >= 1, got "
                    + dimFeedforward);
        }
        if (!"relu".equals(activation) && !"gelu".equals(activation)) {
            throw new IllegalArgumentException("TransformerEncoderLayer: activation should be relu or gelu, got "
                    + activation);
        }
        if (rng == null) throw new IllegalArgumentException("TransformerEncoderLayer: rng must not be null");
        this.factory = f;
        this.dModel = dModel;
        this.nhead = nhead;
        this.dimFeedforward = dimFeedforward;
        this.dropoutP = dropout;
        this.activation = activation;
        this.layerNormEps = layerNormEps;
        this.batchFirst = batchFirst;
        this.normFirst = normFirst;
        this.bias = bias;
        this.selfAttn = register("self_attn", new MultiheadAttention(f, dModel, nhead, dropout, bias, false, false,
                dModel, dModel, batchFirst, rng));
        this.linear1 = register("linear1", new Linear(f, dModel, dimFeedforward, bias, null, null, rng));
        this.dropout = register("dropout", new Dropout(dropout, rng.split()));
        this.linear2 = register("linear2", new Linear(f, dimFeedforward, dModel, bias, null, null, rng));
        this.norm1 = register("norm1", new LayerNorm(f, new int[] {dModel}, layerNormEps, true, bias));
        this.norm2 = register("norm2", new LayerNorm(f, new int[] {dModel}, layerNormEps, true, bias));
        this.dropout1 = register("dropout1", new Dropout(dropout, rng.split()));
        this.dropout2 = register("dropout2", new Dropout(dropout, rng.split()));
    }

    /**
     * An independent copy with the same configuration, parameters and training flag (PyTorch's
     * {@code copy.deepcopy}); its dropout masks come from {@code rng}.
     */
    public TransformerEncoderLayer copy(Rng rng) {
        TransformerEncoderLayer c = new TransformerEncoderLayer(factory, dModel, nhead, dimFeedforward, dropoutP,
                activation, layerNormEps, batchFirst, normFirst, bias, rng);
        c.loadStateDict(stateDict());
        if (!isTraining()) c.eval();
        return c;
    }

    @Override
    public Variable forward(Variable src) {
        return forward(src, null, null, false);
    }

    /** The block with {@code srcMask} ({@code (L, L)} or {@code (N·nhead, L, L)}) and {@code (N, L)} padding. */
    public Variable forward(Variable src, Tensor srcMask, Tensor srcKeyPaddingMask) {
        return forward(src, srcMask, srcKeyPaddingMask, false);
    }

    /** As {@link #forward(Variable, Tensor, Tensor)}, with PyTorch 2's {@code is_causal} (see {@link MultiheadAttention}). */
    public Variable forward(Variable src, Tensor srcMask, Tensor srcKeyPaddingMask, boolean isCausal) {
        if (src == null || (src.rank() != 2 && src.rank() != 3)) {
            throw new IllegalArgumentException(describe() + ": expected src of rank 3 ((L, N, E), or (N, L, E) with "
                    + "batch_first) or 2 (unbatched (L, E)), got " + (src == null ? "null" : "rank " + src.rank()
                    + " " + src.shape()));
        }
        if (src.shape().dim(-1) != dModel) {
            throw new IllegalArgumentException(describe() + ": expected src with d_model=" + dModel
                    + " features on its last axis, got " + src.shape());
        }
        Variable x = src;
        if (normFirst) {
            x = x.add(selfAttention(norm1.apply(x), srcMask, srcKeyPaddingMask, isCausal));
            return x.add(feedForward(norm2.apply(x)));
        }
        x = norm1.apply(x.add(selfAttention(x, srcMask, srcKeyPaddingMask, isCausal)));
        return norm2.apply(x.add(feedForward(x)));
    }

    private Variable selfAttention(Variable x, Tensor mask, Tensor padding, boolean isCausal) {
        return dropout1.apply(selfAttn.forward(x, x, x, padding, false, mask, true, isCausal).output());
    }

    private Variable feedForward(Variable x) {
        Variable h = linear1.apply(x);
        h = "gelu".equals(activation) ? h.gelu() : h.relu();
        return dropout2.apply(linear2.apply(dropout.apply(h)));
    }

    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    public int dModel() {
        return dModel;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    /** Whether the norms come before the attention and the feed-forward network (pre-norm). */
    public boolean normFirst() {
        return normFirst;
    }

    /** The feed-forward network's activation, {@code "relu"} or {@code "gelu"}. */
    public String activation() {
        return activation;
    }

    @Override
    protected String describe() {
        return "TransformerEncoderLayer(d_model=" + dModel + ", nhead=" + nhead + ", dim_feedforward=" + dimFeedforward
                + ", dropout=" + dropoutP + ", activation=" + activation + ", layer_norm_eps=" + layerNormEps
                + ", batch_first=" + batchFirst + ", norm_first=" + normFirst + ", bias=" + bias + ")";
    }
}
