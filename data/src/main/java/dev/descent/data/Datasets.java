package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Seeded generators of the small data sets that the lecture's demos and the usual teaching notebooks use. Each
 * returns a {@link Dataset} of features in the default dtype ({@code DefaultDType}, FLOAT32 unless changed) on the
 * default backend, INT32 class labels {@code (n,)} (or targets {@code (n, 1)} in the default dtype for regression), with samples in random order. The {@link Rng} is the only source of
 * randomness: one seed gives the same set on every run and backend. Definitions follow scikit-learn's
 * {@code make_*} functions and the deeplearning.ai / CS231n notebooks where those exist, as each method says.
 *
 * <pre>{@code
 * Rng rng = new Rng(1);
 * Dataset train = Datasets.circles(rng, 300, 0.05, 0.5);   // the initialisation demo
 * Dataset moons = Datasets.moons(rng, 300, 0.2);           // the optimisation demo
 * Dataset images = Datasets.shapes(rng, 600, 16, 0.05);    // (600, 16, 16) circles, squares, triangles
 * Dataset line = Datasets.regression(rng, 200, new double[] {2}, 1, 0.3, 0.1); // 10 % outliers
 * }</pre>
 *
 * <p>Use {@link Dataset#to(DType)} for FLOAT64 and {@link Dataset#to(dev.descent.core.spi.Backend)} for another
 * backend.
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Two interleaving half circles ({@code sklearn.datasets.make_moons}): {@code n / 2} (rounded down) points of
     * class 0 on the upper arc {@code (cos t, sin t)} and the rest of class 1 on the lower arc
     * {@code (1 - cos t, 0.5 - sin t)}, {@code t} evenly spaced over {@code [0, pi]} on each; then Gaussian noise of
     * standard deviation {@code noise} on both coordinates.
     */
    public static Dataset moons(Rng rng, int n, double noise) {
        check("moons", rng, n, 2);
        nonNegative("moons", "noise", noise);
        int outer = n / 2;
        int inner = n - outer;
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < outer; i++) {
            double t = linspace(0, Math.PI, outer, i);
            x[2 * i] = StrictMath.cos(t);
            x[2 * i + 1] = StrictMath.sin(t);
        }
        for (int i = 0; i < inner; i++) {
            double t = linspace(0, Math.PI, inner, i);
            x[2 * (outer + i)] = 1 - StrictMath.cos(t);
            x[2 * (outer + i) + 1] = 0.5 - StrictMath.sin(t);
            y[outer + i] = 1;
        }
        addNoise(rng, x, noise);
        return shuffled(rng, x, 2, y, List.of("upper", "lower"));
    }

    /**
     * A large circle around a smaller one ({@code sklearn.datasets.make_circles}): {@code n / 2} (rounded down) points
     * of class 0 on the unit circle and the rest of class 1 on the circle of radius {@code factor}, each set at
     * evenly spaced angles {@code 2 pi k / m}; then Gaussian noise of standard deviation {@code noise} on both
     * coordinates. The initialisation notebook uses {@code circles(rng, 300, 0.05, 0.8)}, the planar one
     * {@code factor 0.5, noise 0.3}.
     *
     * @param factor the inner radius, in {@code [0, 1)}
     */
    public static Dataset circles(Rng rng, int n, double noise, double factor) {
        check("circles", rng, n, 2);
        nonNegative("circles", "noise", noise);
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException("circles: expected 0 <= factor < 1, got " + factor);
        }
        int outer = n / 2;
        int inner = n - outer;
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            boolean in = i >= outer;
            int k = in ? i - outer : i;
            double t = 2 * Math.PI * k / (in ? inner : outer);
            double r = in ? factor : 1;
            x[2 * i] = r * StrictMath.cos(t);
            x[2 * i + 1] = r * StrictMath.sin(t);
            y[i] = in ? 1 : 0;
        }
        addNoise(rng, x, noise);
        return shuffled(rng, x, 2, y, List.of("outer", "inner"));
    }

    /** {@link #circles(Rng, int, double, double)} with scikit-learn's default factor 0.8. */
    public static Dataset circles(Rng rng, int n, double noise) {
        return circles(rng, n, noise, 0.8);
    }

    /**
     * Interleaved spiral arms (CS231n's "spiral data"): for class {@code j}, {@code pointsPerClass} points at radius
     * {@code r} evenly spaced over {@code [0, 1]} and angle {@code t} evenly spaced over {@code [4j, 4(j + 1)]} plus
     * Gaussian noise of standard deviation {@code angleNoise}, at {@code (r sin t, r cos t)}. CS231n uses 0.2.
     */
    public static Dataset spiral(Rng rng, int pointsPerClass, int classes, double angleNoise) {
        if (classes < 1) throw new IllegalArgumentException("spiral: expected classes >= 1, got " + classes);
        check("spiral", rng, pointsPerClass, 1);
        nonNegative("spiral", "angleNoise", angleNoise);
        int n = Math.multiplyExact(pointsPerClass, classes);
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int j = 0; j < classes; j++) {
            for (int i = 0; i < pointsPerClass; i++) {
                int s = j * pointsPerClass + i;
                double r = linspace(0, 1, pointsPerClass, i);
                double t = linspace(4.0 * j, 4.0 * (j + 1), pointsPerClass, i) + angleNoise * rng.nextGaussian();
                x[2 * s] = r * StrictMath.sin(t);
                x[2 * s + 1] = r * StrictMath.cos(t);
                y[s] = j;
            }
        }
        return shuffled(rng, x, 2, y, numbered(classes));
    }

    /** {@link #spiral(Rng, int, int, double)} with CS231n's angle noise 0.2. */
    public static Dataset spiral(Rng rng, int pointsPerClass, int classes) {
        return spiral(rng, pointsPerClass, classes, 0.2);
    }

    /**
     * The planar "flower" of deeplearning.ai's planar data classification exercise: {@code n / 2} points per class
     * ({@code n} even); class {@code j} has angle {@code t} evenly spaced over {@code [3.12 j, 3.12 (j + 1)]} and
     * radius {@code r = 4 sin(4t)}, each plus Gaussian noise of standard deviation {@code noise}, at
     * {@code (r sin t, r cos t)}. Class 0 is the notebook's red, 1 its blue. The notebook uses
     * {@code flower(rng, 400, 0.2)}.
     */
    public static Dataset flower(Rng rng, int n, double noise) {
        check("flower", rng, n, 2);
        if (n % 2 != 0) throw new IllegalArgumentException("flower: expected an even n (two equal classes), got " + n);
        nonNegative("flower", "noise", noise);
        int perClass = n / 2;
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < perClass; i++) {
                int s = j * perClass + i;
                double t = linspace(3.12 * j, 3.12 * (j + 1), perClass, i) + noise * rng.nextGaussian();
                double r = 4 * StrictMath.sin(4 * t) + noise * rng.nextGaussian();
                x[2 * s] = r * StrictMath.sin(t);
                x[2 * s + 1] = r * StrictMath.cos(t);
                y[s] = j;
            }
        }
        return shuffled(rng, x, 2, y, List.of("red", "blue"));
    }

    /**
     * Isotropic Gaussian clusters ({@code sklearn.datasets.make_blobs}) around the given centers (one row each,
     * all of the same length): {@code n / k} points per center, the first {@code n % k} centers one more; class =
     * center index; each coordinate has standard deviation {@code std}.
     */
    public static Dataset blobs(Rng rng, int n, double[][] centers, double std) {
        check("blobs", rng, n, 1);
        nonNegative("blobs", "std", std);
        if (centers == null || centers.length == 0 || centers[0].length == 0) {
            throw new IllegalArgumentException("blobs: expected at least one center with at least one coordinate");
        }
        int k = centers.length;
        int d = centers[0].length;
        for (int c = 0; c < k; c++) {
            if (centers[c].length != d) {
                throw new IllegalArgumentException("blobs: center " + c + " has " + centers[c].length
                        + " coordinates, expected " + d + " like center 0");
            }
        }
        double[] x = new double[Math.multiplyExact(n, d)];
        int[] y = new int[n];
        int s = 0;
        for (int c = 0; c < k; c++) {
            int count = n / k + (c < n % k ? 1 : 0);
            for (int i = 0; i < count; i++, s++) {
                for (int f = 0; f < d; f++) x[s * d + f] = centers[c][f] + std * rng.nextGaussian();
                y[s] = c;
            }
        }
        return shuffled(rng, x, d, y, numbered(k));
    }

    /**
     * {@link #blobs(Rng, int, double[][], double)} around {@code k} centers drawn uniformly from
     * {@code [-10, 10)^features}, scikit-learn's default box.
     */
    public static Dataset blobs(Rng rng, int n, int k, int features, double std) {
        if (k < 1 || features < 1) {
            throw new IllegalArgumentException("blobs: expected k >= 1 and features >= 1, got " + k + ", " + features);
        }
        if (rng == null) throw new IllegalArgumentException("blobs: rng must not be null");
        double[][] centers = new double[k][features];
        for (double[] c : centers) rng.fillUniform(c, -10, 10);
        return blobs(rng, n, centers, std);
    }

    /**
     * Classes separated by nested concentric shells of a Gaussian ({@code sklearn.datasets.make_gaussian_quantiles}
     * with mean 0): {@code n} points from {@code N(0, variance I)} in {@code features} dimensions, sorted by distance
     * from the origin and cut into {@code classes} equal groups ({@code n / classes} each, the remainder joins the
     * outermost); class 0 is the innermost.
     *
     * @param variance the covariance is {@code variance} times the identity (scikit-learn's {@code cov})
     */
    public static Dataset gaussianQuantiles(Rng rng, int n, int features, int classes, double variance) {
        if (classes < 1 || features < 1) {
            throw new IllegalArgumentException("gaussianQuantiles: expected classes >= 1 and features >= 1, got "
                    + classes + ", " + features);
        }
        check("gaussianQuantiles", rng, n, classes);
        if (!(variance > 0) || Double.isInfinite(variance)) {
            throw new IllegalArgumentException("gaussianQuantiles: expected a finite variance > 0, got " + variance);
        }
        double std = Math.sqrt(variance);
        double[] raw = new double[Math.multiplyExact(n, features)];
        for (int i = 0; i < raw.length; i++) raw[i] = std * rng.nextGaussian();
        double[] dist = new double[n];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < features; f++) dist[i] += raw[i * features + f] * raw[i * features + f];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
        double[] x = new double[raw.length];
        int[] y = new int[n];
        int per = n / classes;
        for (int i = 0; i < n; i++) {
            System.arraycopy(raw, order[i] * features, x, i * features, features);
            y[i] = Math.min(i / per, classes - 1);
        }
        return shuffled(rng, x, features, y, numbered(classes));
    }

    /**
     * The XOR problem: points uniform in the quadrants of {@code [-1, 1]^2}, class 0 where both coordinates have the
     * same sign and class 1 where they differ (alternating, so the classes differ in size by at most one, and each
     * class is split evenly between its two quadrants); then Gaussian noise of standard deviation {@code noise} on
     * both coordinates, which may carry points across the axes.
     */
    public static Dataset xor(Rng rng, int n, double noise) {
        check("xor", rng, n, 1);
        nonNegative("xor", "noise", noise);
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int q = i % 4; // 0: (+, +), 1: (+, -), 2: (-, -), 3: (-, +)
            double sx = q < 2 ? 1 : -1;
            double sy = q == 0 || q == 3 ? 1 : -1;
            x[2 * i] = sx * (1 - rng.nextDouble()); // (0, 1]
            x[2 * i + 1] = sy * (1 - rng.nextDouble());
            y[i] = q % 2;
        }
        addNoise(rng, x, noise);
        return shuffled(rng, x, 2, y, List.of("same sign", "opposite sign"));
    }

    /**
     * Noisy linear regression, with outliers for comparing MSE and MAE: features {@code X ~ N(0, 1)} of shape
     * {@code (n, weights.length)} (as {@code sklearn.datasets.make_regression}), targets
     * {@code y = X w + bias + noise * N(0, 1)} of shape {@code (n, 1)}. Exactly {@code round(outlierShare * n)}
     * samples, chosen at random, are outliers: their target moves by a random sign times {@code U(5, 10) * sigma},
     * where {@code sigma = sqrt(|w|^2 + noise^2)} is the standard deviation of the clean targets (1 if that is 0).
     */
    public static Dataset regression(Rng rng, int n, double[] weights, double bias, double noise, double outlierShare) {
        check("regression", rng, n, 1);
        if (weights == null || weights.length == 0) {
            throw new IllegalArgumentException("regression: expected at least one weight, got "
                    + (weights == null ? "null" : "none"));
        }
        finite("regression", "bias", bias);
        nonNegative("regression", "noise", noise);
        if (!(outlierShare >= 0 && outlierShare <= 1)) {
            throw new IllegalArgumentException("regression: expected 0 <= outlierShare <= 1, got " + outlierShare);
        }
        int d = weights.length;
        double norm2 = noise * noise;
        for (double w : weights) {
            finite("regression", "weight", w);
            norm2 += w * w;
        }
        double sigma = norm2 > 0 ? Math.sqrt(norm2) : 1;
        double[] x = new double[Math.multiplyExact(n, d)];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double t = bias;
            for (int f = 0; f < d; f++) {
                x[i * d + f] = rng.nextGaussian();
                t += x[i * d + f] * weights[f];
            }
            y[i] = t + noise * rng.nextGaussian();
        }
        int outliers = (int) Math.round(outlierShare * n);
        int[] chosen = rng.permutation(n);
        for (int k = 0; k < outliers; k++) {
            double sign = rng.nextBernoulli(0.5) ? 1 : -1;
            y[chosen[k]] += sign * (5 + 5 * rng.nextDouble()) * sigma;
        }
        TensorFactory f32 = factory();
        return new Dataset(f32.of(x, n, d), f32.of(y, n, 1), List.of());
    }

    /**
     * Grey-scale images for the lecture's "identify different shapes" network: {@code n} images of
     * {@code size x size} pixels, a white shape on black, classes 0 circle, 1 square, 2 triangle (alternating, so
     * balanced up to one). Each shape has a random half-extent {@code h} in {@code [0.15, 0.4] * size} and a random
     * center that keeps it inside the image: a disc of radius {@code h}, an axis-aligned square of side {@code 2h},
     * or an upright isosceles triangle with base {@code 2h} and height {@code 2h}. Pixels hold the covered fraction
     * (4 x 4 supersampling, so edges are anti-aliased), plus Gaussian noise of standard deviation {@code noise},
     * clamped to [0, 1]. Placement and order do not depend on the noise level: one seed gives the same shapes, clean
     * or noisy. Features have shape {@code (n, size, size)}; {@link Dataset#flatten()} gives {@code (n, size * size)}
     * for a dense network.
     */
    public static Dataset shapes(Rng rng, int n, int size, double noise) {
        check("shapes", rng, n, 1);
        if (size < 8 || size > 1024) throw new IllegalArgumentException("shapes: expected 8 <= size <= 1024, got " + size);
        nonNegative("shapes", "noise", noise);
        int px = size * size;
        double[][] places = new double[n][];
        for (int i = 0; i < n; i++) places[i] = ShapeRenderer.place(rng, size);
        int[] perm = rng.permutation(n);
        // NOTE: placement and order are drawn before any noise, so one seed gives the same shapes at every noise level.
        float[] xs = new float[Math.multiplyExact(n, px)];
        int[] ys = new int[n];
        for (int i = 0; i < n; i++) {
            ys[i] = perm[i] % 3;
            ShapeRenderer.draw(ys[i], places[perm[i]], size, noise, rng, xs, i * px);
        }
        return new Dataset(factory().of(xs, n, size, size), Tensor.on(Backends.get(), DType.INT32).of(ys),
                List.of("circle", "square", "triangle"));
    }

    // ---------------------------------------------------------------- helpers

    private static TensorFactory factory() {
        return Tensor.on(Backends.get()); // the default dtype, as the layers that will consume the set
    }

    /** numpy.linspace(a, b, m)[i], endpoint included. */
    private static double linspace(double a, double b, int m, int i) {
        return m == 1 ? a : a + (b - a) * i / (m - 1);
    }

    private static void addNoise(Rng rng, double[] x, double std) {
        if (std == 0) return;
        for (int i = 0; i < x.length; i++) x[i] += std * rng.nextGaussian();
    }

    /** Rows of {@code x} (width {@code d}) and their labels in a random order, as a dataset. */
    private static Dataset shuffled(Rng rng, double[] x, int d, int[] y, List<String> classNames) {
        int n = y.length;
        int[] perm = rng.permutation(n);
        double[] xs = new double[x.length];
        int[] ys = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, perm[i] * d, xs, i * d, d);
            ys[i] = y[perm[i]];
        }
        return new Dataset(factory().of(xs, n, d), Tensor.on(Backends.get(), DType.INT32).of(ys), classNames);
    }

    private static List<String> numbered(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) names.add(Integer.toString(i));
        return names;
    }

    private static void check(String op, Rng rng, int n, int min) {
        if (rng == null) throw new IllegalArgumentException(op + ": rng must not be null");
        if (n < min) throw new IllegalArgumentException(op + ": expected at least " + min + " samples, got " + n);
    }

    private static void nonNegative(String op, String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(op + ": expected a finite " + name + " >= 0, got " + value);
        }
    }

    private static void finite(String op, String name, double value) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException(op + ": " + name + " must be finite, got " + value);
    }
}
