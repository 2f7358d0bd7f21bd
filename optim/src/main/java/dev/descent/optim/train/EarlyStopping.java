package dev.descent.optim.train;

/**
 * Stops training when a monitored metric has not improved by more than {@code minDelta} for {@code patience}
 * epochs, as Keras' {@code EarlyStopping}; optionally restores the weights of the best epoch. Immutable.
 *
 * <pre>{@code
 * EarlyStopping.monitor("val_loss").patience(5).minDelta(1e-4).restoreBestWeights()
 * EarlyStopping.monitor("val_accuracy").maximize().patience(3)
 * }</pre>
 */
public final class EarlyStopping {
    private final String monitor;
    private final boolean maximize;
    private final double minDelta;
    private final int patience;
    private final boolean restoreBest;

    private EarlyStopping(String monitor, boolean maximize, double minDelta, int patience, boolean restoreBest) {
        if (monitor == null || monitor.isBlank()) throw new IllegalArgumentException("EarlyStopping: monitor must be named");
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta must be finite and >= 0, got " + minDelta);
        }
        if (patience < 0) throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        this.monitor = monitor;
        this.maximize = maximize;
        this.minDelta = minDelta;
        this.patience = patience;
        this.restoreBest = restoreBest;
    }

    /**
     * Watches {@code metric} (a history name such as {@code val_loss}); minimised unless its name contains
     * "accuracy"; patience 0 and minDelta 0 until set otherwise.
     */
    public static EarlyStopping monitor(String metric) {
        return new EarlyStopping(metric, metric != null && metric.contains("accuracy"), 0, 0, false);
    }

    public EarlyStopping minimize() {
        return new EarlyStopping(monitor, false, minDelta, patience, restoreBest);
    }

    public EarlyStopping maximize() {
        return new EarlyStopping(monitor, true, minDelta, patience, restoreBest);
    }

    /** Epochs without improvement before stopping. */
    public EarlyStopping patience(int epochs) {
        return new EarlyStopping(monitor, maximize, minDelta, epochs, restoreBest);
    }

    /** The least change that counts as an improvement. */
    public EarlyStopping minDelta(double delta) {
        return new EarlyStopping(monitor, maximize, delta, patience, restoreBest);
    }

    /** Puts back the parameters of the best epoch when training ends. */
    public EarlyStopping restoreBestWeights() {
        return new EarlyStopping(monitor, maximize, minDelta, patience, true);
    }

    public String monitor() {
        return monitor;
    }

    public boolean maximizes() {
        return maximize;
    }

    public double minDelta() {
        return minDelta;
    }

    public int patience() {
        return patience;
    }

    public boolean restoresBestWeights() {
        return restoreBest;
    }

    /** Whether {@code value} improves on {@code best} by more than {@code minDelta} (NaN never improves). */
    boolean improves(double value, double best) {
        if (Double.isNaN(value)) return false;
        if (Double.isNaN(best)) return true;
        return maximize ? value > best + minDelta : value < best - minDelta;
    }

    @Override
    public String toString() {
        return "EarlyStopping(monitor=" + monitor + (maximize ? ", maximize" : ", minimize") + ", minDelta=" + minDelta
                + ", patience=" + patience + (restoreBest ? ", restoreBestWeights" : "") + ")";
    }
}
