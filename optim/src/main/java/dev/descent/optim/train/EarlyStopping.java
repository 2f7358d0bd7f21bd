package dev.descent.optim.train;

/**
 * Stops training when a monitored metric has not improved by more than {@code minDelta} for {@code patience}
 * epochs, as Keras' {@code EarlyStopping}; optionally restores the weights of the best epoch.
 *
 * <pre>{@code
 * EarlyStopping.monitor("val_loss").minimize().patience(5).minDelta(1e-4).restoreBestWeights()
 * }</pre>
 *
 * @param monitor            the history's metric name, such as {@code val_loss} or {@code val_accuracy}
 * @param maximize           whether larger is better (accuracy) rather than smaller (loss)
 * @param minDelta           the least change that counts as an improvement
 * @param patience           epochs without improvement before stopping
 * @param restoreBestWeights whether to put back the parameters of the best epoch when stopping or finishing
 */
public record EarlyStopping(String monitor, boolean maximize, double minDelta, int patience, boolean restoreBestWeights) {

    public EarlyStopping {
        if (monitor == null || monitor.isBlank()) throw new IllegalArgumentException("EarlyStopping: monitor must be named");
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta must be finite and >= 0, got " + minDelta);
        }
        if (patience < 0) throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
    }

    /** Watches {@code metric}, minimising it, with patience 0 and minDelta 0 until set otherwise. */
    public static EarlyStopping monitor(String metric) {
        return new EarlyStopping(metric, metric.contains("accuracy"), 0, 0, false);
    }

    public EarlyStopping minimize() {
        return new EarlyStopping(monitor, false, minDelta, patience, restoreBestWeights);
    }

    public EarlyStopping maximize() {
        return new EarlyStopping(monitor, true, minDelta, patience, restoreBestWeights);
    }

    public EarlyStopping patience(int epochs) {
        return new EarlyStopping(monitor, maximize, minDelta, epochs, restoreBestWeights);
    }

    public EarlyStopping minDelta(double delta) {
        return new EarlyStopping(monitor, maximize, delta, patience, restoreBestWeights);
    }

    public EarlyStopping restoreBestWeights() {
        return new EarlyStopping(monitor, maximize, minDelta, patience, true);
    }

    /** Whether {@code value} improves on {@code best} by more than {@code minDelta}. */
    boolean improves(double value, double best) {
        if (Double.isNaN(value)) return false;
        if (Double.isNaN(best)) return true;
        return maximize ? value > best + minDelta : value < best - minDelta;
    }
}
