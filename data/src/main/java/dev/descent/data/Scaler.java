package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

/**
 * A per-feature affine map {@code x' = (x - offset) / scale} fitted on training features {@code (n, ...)}: every
 * position after the sample axis is one feature. Fit on the training part only and apply the same scaler to
 * validation and test data (as {@link Split#standardized()} does).
 *
 * <pre>{@code
 * Scaler s = Scaler.standard(train.features());   // mean 0, standard deviation 1 on the training data
 * Tensor xTest = s.transform(test.features());
 * Tensor back = s.inverse(xTest);
 * }</pre>
 *
 * <p>Statistics are accumulated in float64 over chunks of rows, so a large float32 set costs no full-size copy.
 *
 * @param offset subtracted from each feature (float64, the shape of one sample)
 * @param scale  then divided by (float64, positive)
 * @param kind   "standard" or "minMax", for messages
 */
public record Scaler(Tensor offset, Tensor scale, String kind) {
    private static final int CHUNK_ROWS = 1024;

    public Scaler {
        if (offset == null || scale == null || !offset.shape().equals(scale.shape())) {
            throw new IllegalArgumentException("Scaler: offset and scale need the same shape, got "
                    + (offset == null ? null : offset.shape()) + " and " + (scale == null ? null : scale.shape()));
        }
    }

    /**
     * Standardisation ({@code sklearn.preprocessing.StandardScaler}): subtract each feature's mean and divide by its
     * population standard deviation ({@code ddof = 0}); a constant feature keeps scale 1.
     */
    public static Scaler standard(Tensor train) {
        double[][] stats = meanAndStd("Scaler.standard", train);
        return of(train, stats[0], stats[1], "standard");
    }

    /**
     * Min-max scaling to [0, 1] ({@code sklearn.preprocessing.MinMaxScaler}): subtract each feature's minimum and
     * divide by its range; a constant feature keeps scale 1.
     */
    public static Scaler minMax(Tensor train) {
        checkTrain("Scaler.minMax", train);
        double[] min = train.min(0).toDoubleArray();
        double[] max = train.max(0).toDoubleArray();
        double[] range = new double[min.length];
        for (int i = 0; i < range.length; i++) range[i] = max[i] > min[i] ? max[i] - min[i] : 1;
        return of(train, min, range, "minMax");
    }

    /** {@code (x - offset) / scale}, in {@code x}'s dtype; {@code x} has the fitted feature shape. */
    public Tensor transform(Tensor x) {
        check("transform", x);
        return x.sub(offset.to(x.dtype()).to(x.backend())).div(scale.to(x.dtype()).to(x.backend()));
    }

    /** {@code x * scale + offset}: undoes {@link #transform}. */
    public Tensor inverse(Tensor x) {
        check("inverse", x);
        return x.mul(scale.to(x.dtype()).to(x.backend())).add(offset.to(x.dtype()).to(x.backend()));
    }

    private void check(String op, Tensor x) {
        if (!x.dtype().isFloating() || x.rank() < 1 || !x.shape().without(0).equals(offset.shape())) {
            throw new IllegalArgumentException("Scaler." + op + ": expected floating features whose samples have the "
                    + "fitted shape " + offset.shape() + ", got " + x.dtype() + " " + x.shape());
        }
    }

    private static Scaler of(Tensor train, double[] offset, double[] scale, String kind) {
        var f64 = Tensor.on(train.backend(), DType.FLOAT64);
        Shape feature = train.shape().without(0);
        return new Scaler(f64.of(offset).reshape(feature), f64.of(scale).reshape(feature), kind);
    }

    private static void checkTrain(String op, Tensor train) {
        if (train == null || !train.dtype().isFloating() || train.rank() < 1 || train.dim(0) < 1) {
            throw new IllegalArgumentException(op + ": expected floating training features (n, ...) with n >= 1, got "
                    + (train == null ? "null" : train.dtype() + " " + train.shape()));
        }
    }

    /** Two passes over chunks of rows in float64: the mean, then the mean squared deviation. */
    private static double[][] meanAndStd(String op, Tensor train) {
        checkTrain(op, train);
        int n = train.dim(0);
        int d = train.size() / n;
        double[] mean = new double[d];
        for (int from = 0; from < n; from += CHUNK_ROWS) {
            double[] rows = train.slice(0, from, Math.min(n, from + CHUNK_ROWS)).toDoubleArray();
            for (int i = 0; i < rows.length; i++) mean[i % d] += rows[i];
        }
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[] std = new double[d];
        for (int from = 0; from < n; from += CHUNK_ROWS) {
            double[] rows = train.slice(0, from, Math.min(n, from + CHUNK_ROWS)).toDoubleArray();
            for (int i = 0; i < rows.length; i++) {
                double dev = rows[i] - mean[i % d];
                std[i % d] += dev * dev;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j] / n);
            if (std[j] == 0) std[j] = 1;
        }
        return new double[][] {mean, std};
    }
}
