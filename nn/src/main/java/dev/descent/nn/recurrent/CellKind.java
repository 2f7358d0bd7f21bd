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
     * Runs the recurrence over {@code xp} {@code (T, B, G H)} from {@code (h0, c0)}; the outputs are
     * {@code (T, B, H)}, the states {@code (B, H)}.
     */
    Scan scan(Variable xp, Variable h0, Variable c0, Variable whh, Variable bhh, int[] lengths) {
        int steps = xp.shape().dim(0);
        Variable all = switch (this) {
            case RNN_TANH -> Variable.rnnScan(xp, h0, whh, bhh, false, lengths);
            case RNN_RELU -> Variable.rnnScan(xp, h0, whh, bhh, true, lengths);
            case LSTM -> Variable.lstmScan(xp, h0, c0, whh, bhh, lengths);
            case GRU -> Variable.gruScan(xp, h0, whh, bhh, lengths);
        };
        Variable h = all.slice(0, steps, steps + 1).squeeze(0);
        Variable c = hasCell() ? all.slice(0, steps + 1, steps + 2).squeeze(0) : null;
        return new Scan(all.slice(0, 0, steps), h, c);
    }

    /**
     * {@code x W_ih^T + b_ih} for rows {@code x} {@code (N, F)}, {@code W_ih} {@code (G H, F)}: one GEMM, onto the
     * bias rows when there is a bias (so the {@code (N, G H)} product is not allocated twice).
     */
    static Variable project(Variable x, Variable wih, Variable bih) {
        return bih == null ? x.matmul(wih, false, true) : x.linear(wih.transpose(), bih);
    }
}
