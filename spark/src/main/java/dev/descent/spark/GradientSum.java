package dev.descent.spark;

import java.io.Serializable;

/**
 * A sum of partitions' weighted loss gradients, one {@code double[]} per parameter in {@code namedParameters} order
 * ({@code null}: no gradient reached it), with their weighted losses and row counts; summed by
 * the driver in partition order. It also carries the slowest partition's time to load the parameters and to compute its
 * gradient (the maxima, since partitions run in parallel). NOTE: sums are kept in float64 whatever the model's dtype.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    double[][] grads;
    double loss;
    long rows;
    long loadNanos;
    long computeNanos;

    GradientSum(double[][] grads, double loss, long rows, long loadNanos, long computeNanos) {
        this.grads = grads;
        this.loss = loss;
        this.rows = rows;
        this.loadNanos = loadNanos;
        this.computeNanos = computeNanos;
    }

    static GradientSum zero() {
        return new GradientSum(null, 0, 0, 0, 0);
    }

    /** Adds {@code other} into this sum (Spark lets aggregate functions modify their first argument). */
    GradientSum add(GradientSum other) {
        loadNanos = Math.max(loadNanos, other.loadNanos);
        computeNanos = Math.max(computeNanos, other.computeNanos);
        if (other.rows == 0) return this;
        if (rows == 0) {
            grads = other.grads == null ? null : copy(other.grads);
            loss = other.loss;
            rows = other.rows;
            return this;
        }
        for (int i = 0; i < grads.length; i++) {
            double[] o = other.grads[i];
            if (o == null) continue;
            if (grads[i] == null) {
                grads[i] = o.clone();
                continue;
            }
            double[] g = grads[i];
            for (int j = 0; j < g.length; j++) g[j] += o[j];
        }
        loss += other.loss;
        rows += other.rows;
        return this;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i] == null ? null : a[i].clone();
        return c;
    }
}
