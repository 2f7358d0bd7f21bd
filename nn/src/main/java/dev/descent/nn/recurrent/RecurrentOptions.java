package dev.descent.nn.recurrent;

/**
 * The arguments of {@code torch.nn.RNN}, {@code LSTM} and {@code GRU} with PyTorch's defaults: {@code num_layers}
 * 1, {@code bias} true, {@code batch_first} false, {@code dropout} 0 (between layers, in training only),
 * {@code bidirectional} false.
 *
 * <pre>{@code
 * RecurrentOptions o = RecurrentOptions.of(128, 256).withNumLayers(2).withBidirectional(true).withDropout(0.2);
 * LSTM lstm = new LSTM(Tensor.on(backend, DType.FLOAT32), o, rng);
 * }</pre>
 */
public record RecurrentOptions(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst,
                               double dropout, boolean bidirectional) {

    public RecurrentOptions {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException("RecurrentOptions: input_size and hidden_size must be >= 1, got "
                    + inputSize + " and " + hiddenSize);
        }
        if (numLayers < 1) throw new IllegalArgumentException("RecurrentOptions: num_layers must be >= 1, got " + numLayers);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("RecurrentOptions: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** PyTorch's defaults for the given sizes. */
    public static RecurrentOptions of(int inputSize, int hiddenSize) {
        return new RecurrentOptions(inputSize, hiddenSize, 1, true, false, 0, false);
    }

    public RecurrentOptions withNumLayers(int n) {
        return new RecurrentOptions(inputSize, hiddenSize, n, bias, batchFirst, dropout, bidirectional);
    }

    public RecurrentOptions withBias(boolean on) {
        return new RecurrentOptions(inputSize, hiddenSize, numLayers, on, batchFirst, dropout, bidirectional);
    }

    public RecurrentOptions withBatchFirst(boolean on) {
        return new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, on, dropout, bidirectional);
    }

    public RecurrentOptions withDropout(double p) {
        return new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, batchFirst, p, bidirectional);
    }

    public RecurrentOptions withBidirectional(boolean on) {
        return new RecurrentOptions(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, on);
    }

    /** 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }
}
