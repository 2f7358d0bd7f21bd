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
 * A learned positional embedding (BERT's, GPT's): a trained table {@code weight} of shape {@code (max_len, d_model)}
 * whose first {@code L} rows are added to a sequence of embeddings, {@code y[t] = x[t] + weight[t]}, broadcast over
 * the batch. By default the table is drawn from {@code N(0, 1)}, as an {@code nn.Embedding(max_len, d_model)}.
 * Inputs are {@code (L, N, d_model)}, or {@code (N, L, d_model)} with {@code batchFirst}, with {@code L <= max_len}.
 *
 * <pre>{@code
 * LearnedPositionalEmbedding pos = new LearnedPositionalEmbedding(512, 64, rng);
 * Variable y = pos.apply(embedded);     // (L, N, 64)
 * }</pre>
 */
public final class LearnedPositionalEmbedding extends Module {
    private final int maxLen, dModel;
    private final boolean batchFirst;
    private final Variable weight;

    /** Sequence-first, N(0, 1), float32 on the default backend. */
    public LearnedPositionalEmbedding(int maxLen, int dModel, Rng rng) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), maxLen, dModel, false, null, rng);
    }

    /** @param init the table's initialiser ({@code null}: N(0, 1)), called with fans (max_len, d_model) */
    public LearnedPositionalEmbedding(TensorFactory f, int maxLen, int dModel, boolean batchFirst, Initializer init,
                                      Rng rng) {
        if (dModel < 1 || maxLen < 1) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding: max_len and d_model must be >= 1, got "
                    + "max_len=" + maxLen + ", d_model=" + dModel);
        }
        if (rng == null) throw new IllegalArgumentException("LearnedPositionalEmbedding: rng must not be null");
        this.maxLen = maxLen;
        this.dModel = dModel;
        this.batchFirst = batchFirst;
        Initializer i = init == null ? Initializers.normal(0, 1) : init;
        this.weight = registerParameter("weight", i.initialize(f, Shape.of(maxLen, dModel), maxLen, dModel, rng));
    }

    public Variable weight() {
        return weight;
    }

    @Override
    public Variable forward(Variable x) {
        int len = PositionalEncoding.checkedLength("LearnedPositionalEmbedding", x, dModel, maxLen, batchFirst);
        Variable rows = weight.slice(0, 0, len);
        return x.add(batchFirst ? rows.reshape(1, len, dModel) : rows.reshape(len, 1, dModel));
    }

    @Override
    protected String describe() {
        return "LearnedPositionalEmbedding(max_len=" + maxLen + ", d_model=" + dModel + ", batch_first=" + batchFirst
                + ")";
    }
}
