package dev.descent.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One row of a Spark training set: a feature vector and its target, either a vector (regression, one-hot, binary
 * targets; a float tensor {@code (b, k)} in a batch) or a class index (an INT32 tensor {@code (b)} in a batch, for
 * {@code Losses.crossEntropy()} and {@code Metrics.accuracy()}). Every row of a data set has the same feature length
 * and the same kind and length of target.
 *
 * <pre>{@code
 * JavaRDD<Sample> rows = sc.parallelize(List.of(Sample.ofClass(new double[] {0.1, 2.0}, 1), ...), 4);
 * }</pre>
 */
public final class Sample implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] features;
    private final double[] target;
    private final int classIndex;

    private Sample(double[] features, double[] target, int classIndex) {
        if (features == null) throw new IllegalArgumentException("Sample: features must not be null");
        this.features = features.clone();
        this.target = target == null ? null : target.clone();
        this.classIndex = classIndex;
    }

    /** A row with a vector target. */
    public static Sample of(double[] features, double... target) {
        if (target == null) throw new IllegalArgumentException("Sample.of: target must not be null");
        return new Sample(features, target, 0);
    }

    /** A row whose target is a class index. */
    public static Sample ofClass(double[] features, int classIndex) {
        return new Sample(features, null, classIndex);
    }

    public double[] features() {
        return features.clone();
    }

    /** Whether the target is a class index rather than a vector. */
    public boolean hasClassTarget() {
        return target == null;
    }

    /** The vector target (a copy); only for rows made with {@link #of}. */
    public double[] target() {
        if (target == null) throw new IllegalStateException("Sample: this row's target is the class " + classIndex);
        return target.clone();
    }

    /** The class index; only for rows made with {@link #ofClass}. */
    public int classIndex() {
        if (target != null) throw new IllegalStateException("Sample: this row's target is a vector");
        return classIndex;
    }

    int featureLength() {
        return features.length;
    }

    /** Target length, 0 for a class index. */
    int targetLength() {
        return target == null ? 0 : target.length;
    }

    void copyFeaturesTo(double[] out, int offset) {
        System.arraycopy(features, 0, out, offset, features.length);
    }

    void copyTargetTo(double[] out, int offset) {
        System.arraycopy(target, 0, out, offset, target.length);
    }

    @Override
    public String toString() {
        return "Sample[features=" + Arrays.toString(features) + ", target="
                + (target == null ? "class " + classIndex : Arrays.toString(target)) + "]";
    }
}
