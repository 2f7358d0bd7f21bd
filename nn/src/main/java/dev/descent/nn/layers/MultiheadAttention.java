package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.init.Initializers;

/**
 * Multi-head scaled dot-product attention, PyTorch's {@code nn.MultiheadAttention} (1.13): for each head
 * {@code h = 1..H} of size {@code d = E / H},
 * <pre>
 *   Q_h = query·W_q,h^T + b_q,h     K_h = key·W_k,h^T + b_k,h     V_h = value·W_v,h^T + b_v,h
 *   A_h = softmax(Q_h K_h^T / sqrt(d) + M)          (over the source positions)
 *   out = concat_h(dropout(A_h) V_h)·W_o + b_o
 * </pre>
 * with {@code M} the additive mask (a boolean mask contributes {@code -inf} where it is set).
 *
 * <p>Shapes are PyTorch's: {@code query (L, N, E)}, {@code key (S, N, kdim)}, {@code value (S, N, vdim)}, or
 * {@code (N, L, E)} ... with {@code batch_first}, or unbatched {@code (L, E)}. The returned weights are
 * {@code (N, L, S)} averaged over heads (or {@code (N, H, L, S)} with {@code averageAttnWeights = false}), taken
 * after dropout as PyTorch returns them.
 *
 * <p>Parameters have PyTorch's names, layouts and initialisation, so a PyTorch state dict loads unchanged:
 * {@code in_proj_weight (3E, E)} (Xavier uniform) when {@code kdim == vdim == E}, otherwise
 * {@code q_proj_weight (E, E)}, {@code k_proj_weight (E, kdim)}, {@code v_proj_weight (E, vdim)} (each Xavier
 * uniform); {@code in_proj_bias (3E)} (zeros); {@code bias_k}, {@code bias_v} {@code (1, 1, E)} (Xavier normal) with
 * {@code add_bias_kv}; and {@code out_proj}, a {@link Linear} with PyTorch's default weight and a zero bias.
 * NOTE: the input projections keep PyTorch's {@code (out, in)} layout, as they are one packed tensor there; they are
 * applied with a transposed GEMM (no copy). {@code out_proj} is an ordinary {@code Linear}, stored {@code (in, out)}
 * and transposed by {@link #stateDictForPyTorch()}.
 *
 * <p>Masks: {@code keyPaddingMask (N, S)} (or {@code (S)} unbatched) and {@code attnMask (L, S)} or
 * {@code (N·H, L, S)}. An INT32 mask is boolean (Descent has no bool dtype): non-zero means "may not attend"; a float
 * mask is added to the scores (in the query's dtype, as PyTorch adds a mask of another float dtype). A query row
 * whose every key is masked has softmax {@code 0/0}: its weights and its output are NaN, exactly as PyTorch 1.13 returns them (in training and in
 * evaluation); mask at least one key per query, or drop such rows.
 *
 * <pre>{@code
 * MultiheadAttention mha = new MultiheadAttention(64, 8, rng);
 * MultiheadAttention.Attention a = mha.forward(x, x, x, padding, true,
 *         MultiheadAttention.generateSquareSubsequentMask(x.shape().dim(0)), true, false);
 * a.output();   // (L, N, 64)
 * a.weights();  // (N, L, L)
 * }</pre>
 */
public final class MultiheadAttention extends Module {
    /** The attention's output and weights ({@code null} when they were not asked for). */
    public record Attention(Variable output, Variable weights) {
    }

    private final int embedDim, numHeads, headDim, kdim, vdim;
    private final double dropout;
    private final boolean batchFirst, addZeroAttn, packed;
    private final Variable inProjWeight, qProjWeight, kProjWeight, vProjWeight, inProjBias, biasK, biasV;
    private final Linear outProj;
    private final Rng rng;

    /** float32 on the default backend, no dropout, with biases, sequence-first: PyTorch's defaults. */
    public MultiheadAttention(int embedDim, int numHeads, Rng rng) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), embedDim, numHeads, 0.0, true, false, false, embedDim, embedDim,
                false, rng);
    }

    /**
     * PyTorch's full constructor, in its argument order.
     *
     * @param dropout     the probability of zeroing an attention weight in training
     * @param bias        whether the input and output projections have biases
     * @param addBiasKv   appends the learned {@code bias_k}, {@code bias_v} to the keys and values
     * @param addZeroAttn appends a zero key and value after the projections
     * @param kdim        the keys' feature size ({@code embedDim} for PyTorch's {@code None})
     * @param vdim        the values' feature size ({@code embedDim} for PyTorch's {@code None})
     * @param batchFirst  inputs and outputs are {@code (N, L, E)} instead of {@code (L, N, E)}
     * @param rng         draws the initial weights and, in training, the dropout masks
     */
    public MultiheadAttention(TensorFactory f, int embedDim, int numHeads, double dropout, boolean bias,
                              boolean addBiasKv, boolean addZeroAttn, int kdim, int vdim, boolean batchFirst, Rng rng) {
        if (embedDim < 1 || numHeads < 1) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim and num_heads must be >= 1, got embed_dim="
                    + embedDim + ", num_heads=" + numHeads);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim must be divisible by num_heads, got "
                    + "embed_dim=" + embedDim + ", num_heads=" + numHeads);
        }
        if (kdim < 1 || vdim < 1) {
            throw new IllegalArgumentException("MultiheadAttention: kdim and vdim must be >= 1, got kdim=" + kdim
                    + ", vdim=" + vdim);
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("MultiheadAttention: expected 0 <= dropout <= 1, got " + dropout);
        }
        if (rng == null) throw new IllegalArgumentException("MultiheadAttention: rng must not be null");
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.kdim = kdim;
        this.vdim = vdim;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        this.addZeroAttn = addZeroAttn;
        this.packed = kdim == embedDim && vdim == embedDim;
        if (packed) {
            inProjWeight = registerParameter("in_proj_weight", xavierUniform(f, rng, 3 * embedDim, embedDim));
            qProjWeight = kProjWeight = vProjWeight = null;
        } else {
            inProjWeight = null;
            qProjWeight = registerParameter("q_proj_weight", xavierUniform(f, rng, embedDim, embedDim));
            kProjWeight = registerParameter("k_proj_weight", xavierUniform(f, rng, embedDim, kdim));
            vProjWeight = registerParameter("v_proj_weight", xavierUniform(f, rng, embedDim, vdim));
        }
        inProjBias = bias ? registerParameter("in_proj_bias", f.zeros(3 * embedDim)) : null;
        if (addBiasKv) {
            // NOTE: torch's fans of a (1, 1, E) tensor are (E, E), so xavier_normal_ draws N(0, 1/E).
            biasK = registerParameter("bias_k", Initializers.xavierNormal().initialize(f, Shape.of(1, 1, embedDim),
                    embedDim, embedDim, rng));
            biasV = registerParameter("bias_v", Initializers.xavierNormal().initialize(f, Shape.of(1, 1, embedDim),
                    embedDim, embedDim, rng));
        } else {
            biasK = biasV = null;
        }
        outProj = register("out_proj", new Linear(f, embedDim, embedDim, bias, null, Initializers.zeros(), rng));
        this.rng = dropout > 0 ? registerGenerator("rng", rng.split()) : null;
    }

    /** PyTorch's {@code xavier_uniform_} of an {@code (out, in)} weight: fan-in {@code in}, fan-out {@code out}. */
    private static Tensor xavierUniform(TensorFactory f, Rng rng, int out, int in) {
        return Initializers.xavierUniform().initialize(f, Shape.of(out, in), in, out, rng);
    }

    /**
     * A causal mask for {@code n} positions, {@code torch.nn.Transformer.generate_square_subsequent_mask}: float,
     * {@code 0} on and below the diagonal and {@code -inf} above it, so position {@code i} attends to {@code 0..i}.
     */
    public static Tensor generateSquareSubsequentMask(TensorFactory f, int n) {
        if (n < 1) throw new IllegalArgumentException("generateSquareSubsequentMask: n must be >= 1, got " + n);
        if (!f.dtype().isFloating()) {
            throw new IllegalArgumentException("generateSquareSubsequentMask: dtype must be floating, got " + f.dtype());
        }
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) m[i * n + j] = Double.NEGATIVE_INFINITY;
        return f.of(m, n, n);
    }

    /** {@link #generateSquareSubsequentMask(TensorFactory, int)} in float32 on the default backend. */
    public static Tensor generateSquareSubsequentMask(int n) {
        return generateSquareSubsequentMask(Tensor.on(Backends.get(), DType.FLOAT32), n);
    }

    /** Self-attention of {@code x} without masks: the output only. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, x, x, null, false, null, true, false).output();
    }

    /** Attention of {@code query} over {@code key}/{@code value} without masks, with head-averaged weights. */
    public Attention forward(Variable query, Variable key, Variable value) {
        return forward(query, key, value, null, true, null, true, false);
    }

    /**
     * PyTorch's {@code forward(query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights)},
     * with {@code isCausal} as in PyTorch 2: without {@code attnMask} it applies
     * {@link #generateSquareSubsequentMask causal} masking (which needs {@code L == S}); with one, {@code attnMask}
     * is taken as the causal mask it promises to be.
     *
     * @param keyPaddingMask {@code (N, S)} (or {@code (S)} unbatched), or {@code null}
     * @param attnMask       {@code (L, S)} or {@code (N·numHeads, L, S)}, or {@code null}
     */
    public Attention forward(Variable query, Variable key, Variable value, Tensor keyPaddingMask, boolean needWeights,
                             Tensor attnMask, boolean averageAttnWeights, boolean isCausal) {
        checkInputs(query, key, value);
        boolean batched = query.rank() == 3;
        Variable q = seqFirst(query, batched), k = seqFirst(key, batched), v = seqFirst(value, batched);
        int tgtLen = q.shape().dim(0), n = q.shape().dim(1), srcLen = k.shape().dim(0);
        if (isCausal && attnMask == null) {
            if (tgtLen != srcLen) {
                throw new IllegalArgumentException(describe() + ": is_causal without attn_mask needs as many queries "
                        + "as keys, got L=" + tgtLen + ", S=" + srcLen);
            }
            attnMask = generateSquareSubsequentMask(Tensor.on(query.value().backend(), query.dtype()), tgtLen);
        }
        Tensor mask = Masks.additive(describe(), query, batched, n, numHeads, tgtLen, srcLen, keyPaddingMask, attnMask);

        Variable[] qkv = project(query == key && key == value, q, k, v);
        q = qkv[0];
        k = qkv[1];
        v = qkv[2];
        if (biasK != null) {
            k = Variable.concat(0, k, biasK.broadcastTo(1, n, embedDim));
            v = Variable.concat(0, v, biasV.broadcastTo(1, n, embedDim));
            mask = Masks.padLast(mask);
        }
        q = splitHeads(q, n);
        k = splitHeads(k, n);
        v = splitHeads(v, n);
        if (addZeroAttn) {
            Variable zeros = Variable.constant(Tensor.on(q.value().backend(), q.dtype()).zeros(n * numHeads, 1, headDim));
            k = Variable.concat(1, k, zeros);
            v = Variable.concat(1, v, zeros);
            mask = Masks.padLast(mask);
        }
        Variable weights = weights(q, k, mask);                                // (N·H, L, S)
        Variable heads = weights.matmul(v);                                    // (N·H, L, d)
        Variable out = outProj.apply(heads.transpose(0, 1).reshape(tgtLen * n, embedDim)).reshape(tgtLen, n, embedDim);
        out = batched ? (batchFirst ? out.transpose(0, 1) : out) : out.squeeze(1);
        if (!needWeights) return new Attention(out, null);
        Variable w = weights.reshape(n, numHeads, tgtLen, k.shape().dim(1));
        if (averageAttnWeights) w = w.sum(1).div(numHeads);
        return new Attention(out, batched ? w : w.squeeze(0));
    }

    /** The input as {@code (len, N, features)}: transposed from batch-first, or given a batch of one if unbatched. */
    private Variable seqFirst(Variable x, boolean batched) {
        if (!batched) return x.unsqueeze(1);
        return batchFirst ? x.transpose(0, 1) : x;
    }

    /** {@code (len, N, E) -> (N·H, len, d)}: head h of sample b is batch {@code b·H + h}, as torch's view + transpose. */
    private Variable splitHeads(Variable x, int n) {
        return x.reshape(x.shape().dim(0), n * numHeads, headDim).transpose(0, 1);
    }

    /**
     * {@code softmax(q k^T / sqrt(d) + mask)} over the keys, then dropout in training. NOTE: q is divided by
     * {@code sqrt(d)} before the product, as torch does.
     */
    private Variable weights(Variable q, Variable k, Tensor mask) {
        Variable scores = q.div(Math.sqrt(headDim)).matmul(k, false, true);
        if (mask != null) scores = scores.add(mask);
        if (scores.shape().dim(-1) == 0) return scores; // no key (S = 0): PyTorch's softmax over nothing is empty
        Variable weights = scores.softmax(-1);
        return rng != null && isTraining() ? Dropout.drop(weights, dropout, rng) : weights;
    }

    /**
     * The input projections, as torch's {@code _in_projection_packed} / {@code _in_projection}: for self-attention
     * one GEMM with the packed weight, whose columns are then split into q, k and v.
     */
    private Variable[] project(boolean self, Variable q, Variable k, Variable v) {
        if (packed && self) {
            Variable all = linear(q, inProjWeight, inProjBias);
            return new Variable[] {all.slice(2, 0, embedDim), all.slice(2, embedDim, 2 * embedDim),
                all.slice(2, 2 * embedDim, 3 * embedDim)};
        }
        return new Variable[] {
            linear(q, packed ? inProjWeight.slice(0, 0, embedDim) : qProjWeight, biasPart(0)),
            linear(k, packed ? inProjWeight.slice(0, embedDim, 2 * embedDim) : kProjWeight, biasPart(1)),
            linear(v, packed ? inProjWeight.slice(0, 2 * embedDim, 3 * embedDim) : vProjWeight, biasPart(2))};
    }

    private Variable biasPart(int i) {
        return inProjBias == null ? null : inProjBias.slice(0, i * embedDim, (i + 1) * embedDim);
    }

    /** {@code x·W^T + b} over the last axis of {@code (len, N, in)}, with {@code W} stored {@code (out, in)}. */
    private static Variable linear(Variable x, Variable w, Variable b) {
        int len = x.shape().dim(0), n = x.shape().dim(1), out = w.shape().dim(0);
        Variable y = x.reshape(len * n, x.shape().dim(2)).matmul(w, false, true);
        if (b != null) y = y.add(b);
        return y.reshape(len, n, out);
    }

    private void checkInputs(Variable query, Variable key, Variable value) {
        String name = describe();
        if (query == null || key == null || value == null) {
            throw new IllegalArgumentException(name + ": query, key and value must not be null");
        }
        int rank = query.rank();
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException(name + ": expected query of rank 3 ((L, N, E) or (N, L, E) with "
                    + "batch_first) or rank 2 (unbatched (L, E)), got rank " + rank + " " + query.shape());
        }
        if (key.rank() != rank || value.rank() != rank) {
            throw new IllegalArgumentException(name + ": expected key and value of the query's rank " + rank
                    + ", got key " + key.shape() + " and value " + value.shape());
        }
        if (key.dtype() != query.dtype() || value.dtype() != query.dtype() || !query.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": expected query, key and value of one floating dtype, got "
                    + query.dtype() + ", " + key.dtype() + ", " + value.dtype());
        }
        Variable param = outProj.weight();
        if (query.dtype() != param.dtype() || !query.value().backend().equals(param.value().backend())) {
            throw new IllegalArgumentException(name + ": expected query, key and value of the parameters' dtype "
                    + param.dtype() + " on backend " + param.value().backend().name() + ", got " + query.dtype()
                    + " on backend " + query.value().backend().name() + " (convert the input or the module)");
        }
        if (!key.value().backend().equals(query.value().backend())
                || !value.value().backend().equals(query.value().backend())) {
            throw new IllegalArgumentException(name + ": expected query, key and value on one backend, got "
                    + query.value().backend().name() + ", " + key.value().backend().name() + ", "
                    + value.value().backend().name());
        }
        checkFeatures(name, "query", query, embedDim, "embed_dim");
        checkFeatures(name, "key", key, kdim, "kdim");
        checkFeatures(name, "value", value, vdim, "vdim");
        int seqAxis = rank == 3 && batchFirst ? 1 : 0;
        if (rank == 3) {
            int batchAxis = 1 - seqAxis;
            int nq = query.shape().dim(batchAxis), nk = key.shape().dim(batchAxis), nv = value.shape().dim(batchAxis);
            if (nq != nk || nq != nv) {
                throw new IllegalArgumentException(name + ": query, key and value must have one batch size (axis "
                        + batchAxis + "), got query " + query.shape() + ", key " + key.shape() + ", value "
                        + value.shape());
            }
        }
        if (key.shape().dim(seqAxis) != value.shape().dim(seqAxis)) {
            throw new IllegalArgumentException(name + ": key and value must have one sequence length (axis " + seqAxis
                    + "), got key " + key.shape() + " and value " + value.shape());
        }
    }

    private static void checkFeatures(String name, String what, Variable x, int expected, String param) {
        if (x.shape().dim(-1) != expected) {
            throw new IllegalArgumentException(name + ": expected " + what + " with " + expected + " features ("
                    + param + ") on its last axis, got " + x.shape());
        }
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    /** Whether a zero key and value are appended after the projections ({@code add_zero_attn}). */
    public boolean addZeroAttn() {
        return addZeroAttn;
    }

    /** The probability of zeroing an attention weight in training. */
    public double dropout() {
        return dropout;
    }

    /** The output projection ({@code out_proj}). */
    public Linear outProj() {
        return outProj;
    }

    @Override
    protected String describe() {
        return "MultiheadAttention(embed_dim=" + embedDim + ", num_heads=" + numHeads + ", dropout=" + dropout
                + ", bias=" + (inProjBias != null) + ", add_bias_kv=" + (biasK != null) + ", add_zero_attn="
                + addZeroAttn + ", kdim=" + kdim + ", vdim=" + vdim + ", batch_first=" + batchFirst + ")";
    }
}
