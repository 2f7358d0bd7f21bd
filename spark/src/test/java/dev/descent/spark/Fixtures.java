package dev.descent.spark;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The small data set and MLP the tests train. */
final class Fixtures {
    static final int FEATURES = 4, CLASSES = 3;

    private Fixtures() {
    }

    static TensorFactory f64() {
        return Tensor.on(Backends.get("ejml"), DType.FLOAT64);
    }

    /** A float64 MLP 4-8-3 with fixed initial weights. */
    static Module mlp() {
        Rng rng = new Rng(42);
        return new Sequential(new Linear(f64(), FEATURES, 8, true, null, null, rng), new Tanh(),
                new Linear(f64(), 8, CLASSES, true, null, null, rng));
    }

    /** {@code n} rows of three Gaussian blobs, class i centred at i along every feature. */
    static List<Sample> blobs(int n, long seed) {
        Rng rng = new Rng(seed);
        List<Sample> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(CLASSES);
            double[] x = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) x[j] = c + 0.8 * rng.nextGaussian();
            rows.add(Sample.ofClass(x, c));
        }
        return rows;
    }

    static Tensor features(List<Sample> rows) {
        double[] x = new double[rows.size() * FEATURES];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i).features(), 0, x, i * FEATURES, FEATURES);
        return f64().of(x, rows.size(), FEATURES);
    }

    static Tensor classes(List<Sample> rows) {
        int[] y = new int[rows.size()];
        for (int i = 0; i < y.length; i++) y[i] = rows.get(i).classIndex();
        return Tensor.on(Backends.get("ejml"), DType.INT32).of(y, y.length);
    }

    /** The largest over parameters of max|a - b| / max|b|. */
    static double relativeError(Map<String, Tensor> a, Map<String, Tensor> b) {
        double worst = 0;
        for (var e : b.entrySet()) {
            double[] x = a.get(e.getKey()).toDoubleArray(), y = e.getValue().toDoubleArray();
            double diff = 0, scale = 0;
            for (int i = 0; i < y.length; i++) {
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
                scale = Math.max(scale, Math.abs(y[i]));
            }
            worst = Math.max(worst, diff / scale);
        }
        return worst;
    }
}
