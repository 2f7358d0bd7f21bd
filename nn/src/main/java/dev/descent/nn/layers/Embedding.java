package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;

import java.util.Arrays;

/**
 * A lookup table ({@code torch.nn.Embedding}): row {@code i} of the weight {@code (numEmbeddings, embeddingDim)} is
 * the vector of index {@code i}, so an integer tensor of indices of any shape {@code S} maps to {@code S + (embeddingDim)}.
 *
 * <p>The weight starts as {@code N(0, 1)}, PyTorch's default, with the padding row (if any) zero. The gradient is a
 * scatter-add of the output's gradient rows into the weight's rows: an index that occurs several times gets the sum
 * of its rows' gradients; the padding row gets none (it stays what it is while the others train). A padding index
 * may be negative, counted from the end as in PyTorch ({@code -1} is {@code numEmbeddings - 1}).
 *
 * <pre>{@code
 * Embedding emb = new Embedding(11, 16, 0, rng);           // 11 tokens, 16 dimensions, token 0 is padding
 * Variable v = emb.apply(Variable.constant(tokens));       // tokens: INT32 (batch, time) -> (batch, time, 16)
 * Embedding glove = Embedding.fromPretrained(vectors, true, null);  // frozen: a buffer, not a parameter
 * }</pre>
 */
public final class Embedding extends Module {
    private final int numEmbeddings, embeddingDim;
    private final Integer paddingIdx;      // normalised to 0..numEmbeddings-1, or null
    private final Variable weight;         // a parameter, or a constant over the frozen buffer
    private final boolean frozen;

    /** A table on the default backend with the default dtype, without padding. */
    public Embedding(int numEmbeddings, int embeddingDim, Rng rng) {
        this(numEmbeddings, embeddingDim, null, rng);
    }

    /** A table on the default backend with the default dtype; {@code paddingIdx} may be null. */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Rng rng) {
        this(Tensor.on(Backends.get()), numEmbeddings, embeddingDim, paddingIdx, null, rng);
    }

    /**
     * A table created with {@code factory}'s backend and dtype, initialised {@code N(0, 1)} with the padding row zero.
     *
     * @param paddingIdx the index whose row is zero and receives no gradient, in
     *                   {@code [-numEmbeddings, numEmbeddings)}; null for none
     * @param maxNorm    PyTorch's {@code max_norm}, which renormalises rows in place during the forward pass; not
     *                   supported: must be null
     */
    public Embedding(TensorFactory factory, int numEmbeddings, int embeddingDim, Integer paddingIdx, Double maxNorm,
                     Rng rng) {
        this(checkedInit(factory, numEmbeddings, embeddingDim, paddingIdx, maxNorm, rng), false, paddingIdx);
    }

    private Embedding(Tensor table, boolean freeze, Integer paddingIdx) {
        this.numEmbeddings = table.shape().dim(0);
        this.embeddingDim = table.shape().dim(1);
        this.paddingIdx = normalisedPadding(numEmbeddings, paddingIdx);
        this.frozen = freeze;
        this.weight = freeze ? Variable.constant(registerBuffer("weight", table)) : registerParameter("weight", table);
    }

    /**
     * A table holding a copy of {@code weights} {@code (numEmbeddings, embeddingDim)}, as
     * {@code torch.nn.Embedding.from_pretrained}: the rows are used as given (the padding row is not zeroed).
     *
     * @param freeze     true: the weight is a buffer named {@code weight} (saved and loaded, never trained: it is not in
     *                   {@link #parameters()}); false: a parameter
     * @param paddingIdx the row that receives no gradient, or null
     */
    public static Embedding fromPretrained(Tensor weights, boolean freeze, Integer paddingIdx) {
        if (weights == null) throw new IllegalArgumentException("Embedding.fromPretrained: weights must not be null");
        if (weights.rank() != 2) {
            throw new IllegalArgumentException("Embedding.fromPretrained: expected weights of rank 2 (numEmbeddings, "
                    + "embeddingDim), got " + weights.shape());
        }
        if (!weights.dtype().isFloating()) {
            throw new IllegalArgumentException("Embedding.fromPretrained: expected float32 or float64 weights, got "
                    + weights.dtype());
        }
        checkSizes("Embedding.fromPretrained", weights.shape().dim(0), weights.shape().dim(1));
        return new Embedding(weights.copy(), freeze, paddingIdx);
    }

    private static Tensor checkedInit(TensorFactory f, int n, int dim, Integer paddingIdx, Double maxNorm, Rng rng) {
        if (maxNorm != null) {
            throw new UnsupportedOperationException("Embedding: max_norm (" + maxNorm + ") is not supported: it "
                    + "renormalises the weight's rows in place during the forward pass; pass null");
        }
        if (f == null) throw new IllegalArgumentException("Embedding: factory must not be null");
        if (rng == null) throw new IllegalArgumentException("Embedding: rng must not be null");
        if (!f.dtype().isFloating()) {
            throw new IllegalArgumentException("Embedding: expected a float32 or float64 factory, got " + f.dtype());
        }
        checkSizes("Embedding", n, dim);
        Integer pad = normalisedPadding(n, paddingIdx);
        Tensor w = f.normal(rng, 0, 1, n, dim);
        if (pad == null) return w;
        double[] keep = new double[n];
        Arrays.fill(keep, 1);
        keep[pad] = 0;
        return w.mul(f.of(keep, n, 1));
    }

    private static void checkSizes(String op, int n, int dim) {
        if (n < 1 || dim < 1) {
            throw new IllegalArgumentException(op + ": numEmbeddings and embeddingDim must be >= 1, got numEmbeddings="
                    + n + ", embeddingDim=" + dim);
        }
    }

    private static Integer normalisedPadding(int n, Integer paddingIdx) {
        if (paddingIdx == null) return null;
        if (paddingIdx < -n || paddingIdx >= n) {
            throw new IllegalArgumentException("Embedding: paddingIdx must be in [" + -n + ", " + n + ") for "
                    + "numEmbeddings=" + n + ", got " + paddingIdx);
        }
        return paddingIdx < 0 ? paddingIdx + n : paddingIdx;
    }

    /** The table {@code (numEmbeddings, embeddingDim)}: a parameter, or a constant when frozen. */
    public Variable weight() {
        return weight;
    }

    public int numEmbeddings() {
        return numEmbeddings;
    }

    public int embeddingDim() {
        return embeddingDim;
    }

    /** The padding row in {@code [0, numEmbeddings)} (a negative index given is normalised), or null. */
    public Integer paddingIdx() {
        return paddingIdx;
    }

    public boolean frozen() {
        return frozen;
    }

    /** The vectors of {@code indices} (an INT32 tensor of any shape). */
    public Variable forward(Tensor indices) {
        return forward(Variable.constant(indices));
    }

    /** The vectors of {@code indices} (an INT32 tensor of any shape {@code S}): shape {@code S + (embeddingDim)}. */
    @Override
    public Variable forward(Variable indices) {
        return lookup(weight, indices.value(), paddingIdx);
    }

    /**
     * The rows of {@code weight} {@code (n, dim)} at {@code indices} (INT32, any shape {@code S}), shape
     * {@code S + (dim)}, as {@code torch.nn.functional.embedding}: differentiable in {@code weight}, whose gradient
     * is the scatter-add of the output gradient's rows, without the rows looked up at {@code paddingIdx} (in
     * {@code [0, n)}, or null).
     */
    public static Variable lookup(Variable weight, Tensor indices, Integer paddingIdx) {
        if (indices.dtype() != DType.INT32) {
            throw new IllegalArgumentException("Embedding.forward: expected INT32 indices, got " + indices.dtype() + " "
                    + indices.shape());
        }
        int n = weight.shape().dim(0), dim = weight.shape().dim(1);
        Tensor flat = indices.to(weight.value().backend()).reshape(indices.size());
        int[] values = flat.toIntArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= n) {
                throw new IllegalArgumentException("Embedding.forward: index " + values[i] + " at position "
                        + Arrays.toString(position(indices.shape(), i)) + " is out of range [0, " + n + ")");
            }
        }
        int[] outDims = Arrays.copyOf(indices.shape().dims(), indices.rank() + 1);
        outDims[indices.rank()] = dim;
        Tensor rows = weight.value().indexSelect(0, flat).reshape(outDims);
        Tensor[] kept = keptRows(flat, values, paddingIdx);
        // NOTE: the backward is the scatter-add of the gradient's rows (indexAdd adds repeated indices up), written
        // with differentiable ops; rows looked up at the padding index are left out, as in PyTorch.
        return Variable.record("embedding", rows, g -> {
            Variable g2 = g.reshape(values.length, dim);
            if (kept != null) g2 = g2.indexSelect(0, kept[0]);
            Tensor at = kept != null ? kept[1] : flat;
            return new Variable[] {Variable.constant(weight.value().zerosLike()).indexAdd(0, at, g2)};
        }, weight);
    }

    /** Without padding in {@code values}: null; else the positions that are not padding and their indices. */
    private static Tensor[] keptRows(Tensor flat, int[] values, Integer paddingIdx) {
        if (paddingIdx == null) return null;
        int count = 0;
        for (int v : values) if (v != paddingIdx) count++;
        if (count == values.length) return null;
        int[] positions = new int[count], indices = new int[count];
        for (int i = 0, k = 0; i < values.length; i++) {
            if (values[i] != paddingIdx) {
                positions[k] = i;
                indices[k++] = values[i];
            }
        }
        TensorFactory ints = Tensor.on(flat.backend(), DType.INT32);
        return new Tensor[] {ints.of(positions), ints.of(indices)};
    }

    private static int[] position(Shape shape, int flatIndex) {
        int[] pos = new int[shape.rank()];
        for (int a = shape.rank() - 1; a >= 0; a--) {
            pos[a] = flatIndex % shape.dim(a);
            flatIndex /= shape.dim(a);
        }
        return pos;
    }

    @Override
    protected String describe() {
        return "Embedding(" + numEmbeddings + ", " + embeddingDim + (paddingIdx != null ? ", paddingIdx=" + paddingIdx
                : "") + (frozen ? ", frozen" : "") + ")";
    }
}
