package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;

/**
 * The four cells: how many gate blocks their weights stack (PyTorch's orders: LSTM (i, f, g, o), GRU (r, z, n)) and
 * their recurrence over a sequence ({@link Variable#rnnScan}, {@link Variable#lstmScan}, {@link Variable#gruScan}).
 */
enum CellKind {
    RNN_TANH(1), RNN_RELU(1), LSTM(4), GRU(3);

    final int gates;

    CellKind(int gates) {
        this.gates = gates;
    }

    /** The rows of the stacked gate weights, {@code gates hiddenSize}, refused (naming {@code layer}) beyond int. */
    int gateRows(String layer, int hiddenSize) {
        long rows = (long) gates * hiddenSize;
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(layer + ": hidden_size " + hiddenSize + " gives " + rows + " gate rows ("
                    + gates + " x hidden_size), more than " + Integer.MAX_VALUE);
        }
        return (int) rows;
    }

    boolean hasCell() {
        return this == LSTM;
    }

    /** The final hidden state, the final cell state (LSTM) and the outputs of one layer in one direction. */
    record Scan(Variable outputs, Variable h, Variable c) {
    }

    /**
     * Runs the recurrence over the input rows {@code x} {@code (T B, F)} (time-major) from {@code (h0, c0)}: the input
     * projection of every step as one GEMM, then the scan; the outputs are {@code (T, B, H)}, the states
     * {@code (B, H)}. {@code bih} and {@code bhh} are both null or both given.
     *
     * <p>NOTE: the GEMM reads {@code W_ih} {@code (G H, F)} transposed in place, so the weight is never permuted
     * (nor its gradient back). In the RNN and the LSTM both biases are added to the same pre-activation, so they
     * enter the scan as one {@code b_ih + b_hh} (of {@code G H} elements, whose gradient reaches each bias
     * unchanged) instead of a pass over the {@code (T B, G H)} projections; the GRU's {@code b_hn} lies inside the
     * reset product, so its {@code b_ih} stays in the projection (PyTorch's formula).
     */
    Scan run(Variable x, int steps, Variable wih, Variable bih, Variable h0, Variable c0, Variable whh, Variable bhh,
             int[] lengths) {
        Variable xp = x.matmul(wih, false, true);
        Variable bias = bhh;
        if (bih != null) {
            if (this == GRU) xp = xp.add(bih);
            else bias = bih.add(bhh);
        }
        xp = xp.reshape(steps, x.shape().dim(0) / steps, gates * whh.shape().dim(1));
        Variable all = switch (this) {
            case RNN_TANH -> Variable.rnnScan(xp, h0, whh, bias, false, lengths);
            case RNN_RELU -> Variable.rnnScan(xp, h0, whh, bias, true, lengths);
            case LSTM -> Variable.lstmScan(xp, h0, c0, whh, bias, lengths);
            case GRU -> Variable.gruScan(xp, h0, whh, bias, lengths);
        };
        Variable h = all.slice(0, steps, steps + 1).squeeze(0);
        Variable c = hasCell() ? all.slice(0, steps + 1, steps + 2).squeeze(0) : null;
        return new Scan(all.slice(0, 0, steps), h, c);
    }
}
