package dev.descent.examples.plot;

/**
 * A model evaluated on a grid of 2-D points for a decision-boundary chart: given an (n, 2) array of points, returns
 * n values, each a predicted class index (0, 1, ...) or, for a binary model with a sigmoid output, the probability of
 * class 1.
 *
 * <pre>{@code
 * GridClassifier linear = points -> {
 *     double[] out = new double[points.length];
 *     for (int i = 0; i < out.length; i++) out[i] = points[i][0] > 0 ? 1 : 0;
 *     return out;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface GridClassifier {
    /** One value per row of {@code points} (an (n, 2) array, not to be modified). */
    double[] predict(double[][] points);
}
