package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;

/**
 * The Transformer paper's fixed sinusoidal positional encoding added to a sequence of embeddings, then dropout, as
 * the PyTorch tutorial's {@code PositionalEncoding}:
 * <pre>
 *   PE(pos, 2i)     = sin(pos · w_i)      PE(pos, 2i + 1) = cos(pos · w_i)      w_i = exp(-2i · ln(10000) / d_model)
 *   y = dropout(x + PE[0 .. L-1])
 * </pre>
 * so {@code w_i = 1 / 10000^(2i / d_model)}. {@code PE} is a buffer {@code pe} of shape {@code (max_len, 1, d_model)}
 * (the tutorial's), saved with the state dict and never trained. Inputs are {@code (L, N, d_model)}, or
 * {@code (N, L, d_model)} with {@code batchFirst}, with {@code L <= max_len}; an odd {@code d_model} has one more sine
 * column than cosine columns.
 *
 * <pre>{@code
 * PositionalEncoding pe = new PositionalEncoding(64, rng);       // dropout 0.1, max_len 5000
 * Variable y = pe.apply(embedded);                               // (L, N, 64)
 * }</pre>
 */
public final class PositionalEncoding extends Module {
    private final int dModel, maxLen;
    private final boolean batchFirst;
    private final Tensor pe;
    private final Dropout dropout;

    /** The tutorial's defaults: dropout 0.1, max_len 5000, sequence-first, float32 on the default backend. */
    public PositionalEncoding(int dModel, Rng rng) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), dModel, 0.1, 5000, false, rng);
    }

    public PositionalEncoding(TensorFactory f, int dModel, double dropout, int maxLen, boolean batchFirst, Rng rng) {
        if (dModel < 1 || maxLen < 1) {
            throw new IllegalArgumentException("PositionalEncoding: d_model and max_len must be >= 1, got d_model="
                    + dModel + ", max_len=" + maxLen);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("PositionalEncoding: expected 0 <= dropout < 1, got " + dropout);
        }
        if (rng == null) throw new IllegalArgumentException("PositionalEncoding: rng must not be null");
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.batchFirst = batchFirst;
        this.dropout = register("dropout", new Dropout(dropout, rng));
        this.pe = registerBuffer("pe", f.of(table(maxLen, dModel), maxLen, 1, dModel));
    }

    /** The encoding {@code PE}, row-major {@code (maxLen, dModel)}, in float64 as the tutorial computes it. */
    static double[] table(int maxLen, int dModel) {
        double[] t = new double[maxLen * dModel];
        for (int i = 0; 2 * i < dModel; i++) {
            double w = Math.exp(2 * i * (-Math.log(10000.0) / dModel));
            for (int pos = 0; pos < maxLen; pos++) {
                t[pos * dModel + 2 * i] = Math.sin(pos * w);
                if (2 * i + 1 < dModel) t[pos * dModel + 2 * i + 1] = Math.cos(pos * w);
            }
        }
        return t;
    }

    @Override
    public Variable forward(Variable x) {
        int len = checkedLength("PositionalEncoding", x, dModel, maxLen, batchFirst);
        Tensor rows = pe.slice(0, 0, len);
        return dropout.apply(x.add(batchFirst ? rows.reshape(1, len, dModel) : rows));
    }

    /** The sequence length of {@code x}, after checking it is {@code (L, N, d)} or {@code (N, L, d)} with L <= max. */
    static int checkedLength(String layer, Variable x, int dModel, int maxLen, boolean batchFirst) {
        if (x.rank() != 3 || x.shape().dim(2) != dModel) {
            throw new IllegalArgumentException(layer + ": expected input " + (batchFirst ? "(N, L, " : "(L, N, ")
                    + dModel + "), got " + x.shape());
        }
        int len = x.shape().dim(batchFirst ? 1 : 0);
        if (len > maxLen) {
            throw new IllegalArgumentException(layer + ": sequence length " + len + " exceeds max_len " + maxLen);
        }
        return len;
    }

    @Override
    protected String describe() {
        return "PositionalEncoding(d_model=" + dModel + ", dropout=" + dropout.p() + ", max_len=" + maxLen
                + ", batch_first=" + batchFirst + ")";
    }
}
