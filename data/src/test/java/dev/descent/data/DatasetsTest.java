package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.DefaultDType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {

    /** Column-wise view: xs[i] = {x, y} of sample i. */
    private static double[][] points(Dataset d) {
        double[] f = d.features().toDoubleArray();
        int w = d.features().dim(1);
        double[][] p = new double[d.size()][];
        for (int i = 0; i < p.length; i++) p[i] = Arrays.copyOfRange(f, i * w, i * w + w);
        return p;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(a -> (a - m) * (a - m)).sum() / v.length);
    }

    /** Distances from {@code (cx, cy)} of the samples of class {@code label}. */
    private static double[] radii(Dataset d, int label, double cx, double cy) {
        double[][] p = points(d);
        int[] y = d.labels().toIntArray();
        return java.util.stream.IntStream.range(0, p.length).filter(i -> y[i] == label)
                .mapToDouble(i -> Math.hypot(p[i][0] - cx, p[i][1] - cy)).toArray();
    }

    private static void assertShapes(Dataset d, int n, int features) {
        assertEquals(Shape.of(n, features), d.features().shape());
        assertEquals(DType.FLOAT32, d.features().dtype());
        assertEquals(Shape.of(n), d.labels().shape());
        assertEquals(DType.INT32, d.labels().dtype());
    }

    @Test
    void generatedSetsFollowTheDefaultDtypeAsTheLayersDo() {
        Dataset f32 = Datasets.moons(new Rng(1), 10, 0.1);
        assertEquals(DType.FLOAT32, f32.features().dtype());
        try (DefaultDType scope = DefaultDType.scope(DType.FLOAT64)) {
            Dataset f64 = Datasets.moons(new Rng(1), 10, 0.1);
            assertEquals(DType.FLOAT64, f64.features().dtype());
            assertEquals(DType.INT32, f64.labels().dtype());
            assertEquals(f32.features().get(3, 1), (float) f64.features().get(3, 1), "the same set, unrounded");
        }
    }

    @Test
    void moonsLieOnTheirArcsWithSklearnClassSizes() {
        Dataset d = Datasets.moons(new Rng(1), 301, 0);
        assertShapes(d, 301, 2);
        assertArrayEquals(new int[] {150, 151}, d.classCounts());
        for (double r : radii(d, 0, 0, 0)) assertEquals(1, r, 1e-6);
        for (double r : radii(d, 1, 1, 0.5)) assertEquals(1, r, 1e-6);
        double[][] p = points(d);
        int[] y = d.labels().toIntArray();
        for (int i = 0; i < p.length; i++) {
            if (y[i] == 0) assertTrue(p[i][1] >= -1e-6, "upper arc has y >= 0");
            else assertTrue(p[i][1] <= 0.5 + 1e-6, "lower arc has y <= 0.5");
        }
    }

    @Test
    void moonsNoiseHasTheRequestedStandardDeviation() {
        Dataset d = Datasets.moons(new Rng(2), 4000, 0.1);
        double[] residual = Arrays.stream(radii(d, 0, 0, 0)).map(r -> r - 1).toArray();
        assertEquals(0.1, std(residual), 0.01);
        assertEquals(0, mean(residual), 0.015);
    }

    @Test
    void circlesHaveRadiusOneAndFactor() {
        Dataset d = Datasets.circles(new Rng(3), 300, 0, 0.5);
        assertShapes(d, 300, 2);
        assertArrayEquals(new int[] {150, 150}, d.classCounts());
        for (double r : radii(d, 0, 0, 0)) assertEquals(1, r, 1e-6);
        for (double r : radii(d, 1, 0, 0)) assertEquals(0.5, r, 1e-6);
        assertEquals(List.of("outer", "inner"), d.classNames());
    }

    @Test
    void circlesNoiseSpreadsTheRadii() {
        Dataset d = Datasets.circles(new Rng(4), 4000, 0.05, 0.3);
        double[] outer = radii(d, 0, 0, 0);
        double[] inner = radii(d, 1, 0, 0);
        assertEquals(1, mean(outer), 0.01);
        assertEquals(0.3, mean(inner), 0.01);
        assertEquals(0.05, std(outer), 0.005);
        assertEquals(0.05, std(inner), 0.005);
        assertEquals(0.8, radii(Datasets.circles(new Rng(4), 10, 0), 1, 0, 0)[0], 1e-6, "default factor 0.8");
    }

    @Test
    void spiralArmsFollowRadiusAndAngle() {
        Dataset d = Datasets.spiral(new Rng(5), 100, 3, 0);
        assertShapes(d, 300, 2);
        assertArrayEquals(new int[] {100, 100, 100}, d.classCounts());
        double[][] p = points(d);
        int[] y = d.labels().toIntArray();
        for (int i = 0; i < p.length; i++) {
            double r = Math.hypot(p[i][0], p[i][1]);
            double t = 4 * y[i] + 4 * r; // r = i / (N - 1) and t = 4j + 4 i / (N - 1)
            assertTrue(r <= 1 + 1e-6);
            assertEquals(r * Math.sin(t), p[i][0], 1e-5);
            assertEquals(r * Math.cos(t), p[i][1], 1e-5);
        }
        double[] sorted = radii(d, 2, 0, 0);
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i / 99.0, sorted[i], 1e-6);
    }

    @Test
    void flowerPointsLieOnTheRose() {
        Dataset d = Datasets.flower(new Rng(6), 400, 0);
        assertShapes(d, 400, 2);
        assertArrayEquals(new int[] {200, 200}, d.classCounts());
        for (double[] q : points(d)) {
            double r = Math.hypot(q[0], q[1]);
            double theta = Math.atan2(q[0], q[1]);
            assertTrue(r <= 4 + 1e-5);
            assertEquals(Math.abs(4 * Math.sin(4 * theta)), r, 1e-4, "r = |4 sin 4 theta| at " + Arrays.toString(q));
        }
        Dataset noisy = Datasets.flower(new Rng(6), 400, 0.2);
        double maxR = Arrays.stream(points(noisy)).mapToDouble(q -> Math.hypot(q[0], q[1])).max().orElseThrow();
        assertTrue(maxR > 3.5 && maxR < 5.5, "petals reach about 4, got " + maxR);
    }

    @Test
    void blobsClusterAroundTheirCenters() {
        double[][] centers = {{0, 0}, {5, 5}, {-5, 5}};
        Dataset d = Datasets.blobs(new Rng(7), 3000, centers, 0.5);
        assertShapes(d, 3000, 2);
        assertArrayEquals(new int[] {1000, 1000, 1000}, d.classCounts());
        double[][] p = points(d);
        int[] y = d.labels().toIntArray();
        for (int c = 0; c < 3; c++) {
            for (int f = 0; f < 2; f++) {
                int cc = c, ff = f;
                double[] v = java.util.stream.IntStream.range(0, p.length).filter(i -> y[i] == cc)
                        .mapToDouble(i -> p[i][ff]).toArray();
                assertEquals(centers[c][f], mean(v), 0.06);
                assertEquals(0.5, std(v), 0.05);
            }
        }
        assertArrayEquals(new int[] {4, 3, 3}, Datasets.blobs(new Rng(7), 10, 3, 2, 1).classCounts(),
                "the first n % k centers get one more");
        for (double v : Datasets.blobs(new Rng(7), 6, 6, 3, 0).features().toDoubleArray()) {
            assertTrue(v >= -10 && v < 10, "random centers lie in [-10, 10)");
        }
    }

    @Test
    void gaussianQuantilesAreNestedShells() {
        Dataset d = Datasets.gaussianQuantiles(new Rng(8), 1000, 2, 3, 0.5);
        assertShapes(d, 1000, 2);
        assertArrayEquals(new int[] {333, 333, 334}, d.classCounts(), "the remainder joins the outermost class");
        double[] max = new double[3];
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int c = 0; c < 3; c++) {
            for (double r : radii(d, c, 0, 0)) {
                max[c] = Math.max(max[c], r);
                min[c] = Math.min(min[c], r);
            }
        }
        assertTrue(max[0] <= min[1] && max[1] <= min[2], "shells " + Arrays.toString(min) + " " + Arrays.toString(max));
        assertEquals(0.5, std(d.features().toDoubleArray()) * std(d.features().toDoubleArray()), 0.05, "variance");
    }

    @Test
    void xorLabelsAreTheSignsOfTheProduct() {
        Dataset d = Datasets.xor(new Rng(9), 400, 0);
        assertShapes(d, 400, 2);
        assertArrayEquals(new int[] {200, 200}, d.classCounts());
        double[][] p = points(d);
        int[] y = d.labels().toIntArray();
        int[] quadrants = new int[4];
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i][0] * p[i][1] < 0 ? 1 : 0, y[i]);
            assertTrue(Math.abs(p[i][0]) <= 1 && Math.abs(p[i][1]) <= 1);
            quadrants[(p[i][0] > 0 ? 0 : 2) + (p[i][1] > 0 ? 0 : 1)]++;
        }
        assertArrayEquals(new int[] {100, 100, 100, 100}, quadrants);
    }

    @Test
    void regressionIsLinearWithExactlyTheRequestedOutliers() {
        double[] w = {2, -1};
        double bias = 0.5;
        Dataset clean = Datasets.regression(new Rng(10), 1000, w, bias, 0, 0);
        assertEquals(Shape.of(1000, 2), clean.features().shape());
        assertEquals(Shape.of(1000, 1), clean.labels().shape());
        assertEquals(0, clean.numClasses());
        double[] res = residuals(clean, w, bias);
        for (double r : res) assertEquals(0, r, 1e-5);

        Dataset noisy = Datasets.regression(new Rng(11), 4000, w, bias, 0.3, 0.1);
        double sigma = Math.sqrt(4 + 1 + 0.09);
        double[] r = residuals(noisy, w, bias);
        double[] outliers = Arrays.stream(r).filter(v -> Math.abs(v) > 3 * sigma).toArray();
        double[] inliers = Arrays.stream(r).filter(v -> Math.abs(v) <= 3 * sigma).toArray();
        assertEquals(400, outliers.length, "10 % of 4000 samples");
        for (double v : outliers) assertTrue(Math.abs(v) >= 5 * sigma - 2 && Math.abs(v) <= 10 * sigma + 2);
        long positive = Arrays.stream(outliers).filter(v -> v > 0).count();
        assertTrue(positive > 150 && positive < 250, "random signs, got " + positive + " positive of 400");
        assertEquals(0.3, std(inliers), 0.02);
        assertEquals(1, std(noisy.features().toDoubleArray()), 0.05, "X ~ N(0, 1)");
    }

    private static double[] residuals(Dataset d, double[] w, double bias) {
        double[] x = d.features().toDoubleArray();
        double[] y = d.labels().toDoubleArray();
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double t = bias;
            for (int f = 0; f < w.length; f++) t += w[f] * x[i * w.length + f];
            r[i] = y[i] - t;
        }
        return r;
    }

    @Test
    void shapesAreBalancedImagesWhoseFillRatioNamesTheShape() {
        int size = 16;
        Dataset d = Datasets.shapes(new Rng(12), 600, size, 0);
        assertEquals(Shape.of(600, size, size), d.features().shape());
        assertEquals(List.of("circle", "square", "triangle"), d.classNames());
        assertArrayEquals(new int[] {200, 200, 200}, d.classCounts());
        float[] px = d.features().toFloatArray();
        int[] y = d.labels().toIntArray();
        double[] fill = new double[3];
        for (int i = 0; i < d.size(); i++) {
            int minX = size, maxX = -1, minY = size, maxY = -1, on = 0;
            for (int r = 0; r < size; r++) {
                for (int c = 0; c < size; c++) {
                    float v = px[i * size * size + r * size + c];
                    assertTrue(v >= 0 && v <= 1);
                    if (v >= 0.5f) {
                        on++;
                        minX = Math.min(minX, c);
                        maxX = Math.max(maxX, c);
                        minY = Math.min(minY, r);
                        maxY = Math.max(maxY, r);
                    }
                }
            }
            assertTrue(on >= 9, "every shape is visible, image " + i + " has " + on + " pixels on");
            fill[y[i]] += (double) on / ((maxX - minX + 1) * (maxY - minY + 1)) / 200;
        }
        // a disc fills pi/4 of its bounding box, a square all of it, a triangle half; pixels at the tips of a
        // triangle fall under the 0.5 threshold, so its measured box is tighter and its ratio higher
        assertEquals(Math.PI / 4, fill[0], 0.06, "circle");
        assertEquals(1.0, fill[1], 0.06, "square");
        assertTrue(fill[2] > 0.45 && fill[2] < 0.65, "triangle " + fill[2]);
        assertTrue(fill[2] < fill[0] - 0.1 && fill[0] < fill[1] - 0.1, Arrays.toString(fill));
    }

    @Test
    void shapesNoiseIsClampedGaussianOverTheSameShapes() {
        double sigma = 0.1;
        Dataset clean = Datasets.shapes(new Rng(13), 90, 16, 0);
        Dataset noisy = Datasets.shapes(new Rng(13), 90, 16, sigma);
        assertTrue(clean.labels().equal(noisy.labels()), "the same shapes in the same order at every noise level");
        float[] c = clean.features().toFloatArray();
        float[] v = noisy.features().toFloatArray();
        // background pixels become max(0, N(0, sigma)); pixels of partial coverage get the full, unclamped noise
        int background = 0, zeros = 0;
        double positiveSum = 0;
        java.util.List<Double> partial = new java.util.ArrayList<>();
        for (int i = 0; i < c.length; i++) {
            assertTrue(v[i] >= 0 && v[i] <= 1);
            if (c[i] == 0) {
                background++;
                if (v[i] == 0) zeros++;
                else positiveSum += v[i];
            } else if (c[i] >= 0.4 && c[i] <= 0.6) {
                partial.add((double) (v[i] - c[i]));
            }
        }
        assertEquals(0.5, (double) zeros / background, 0.02, "half the background stays black");
        assertEquals(sigma * Math.sqrt(2 / Math.PI), positiveSum / (background - zeros), 0.005, "half-normal mean");
        assertEquals(sigma, std(partial.stream().mapToDouble(Double::doubleValue).toArray()), 0.02);
    }

    static Stream<Function<Rng, Dataset>> generators() {
        return Stream.of(
                r -> Datasets.moons(r, 50, 0.1),
                r -> Datasets.circles(r, 50, 0.1, 0.5),
                r -> Datasets.spiral(r, 20, 3),
                r -> Datasets.flower(r, 40, 0.2),
                r -> Datasets.blobs(r, 50, 4, 3, 1.0),
                r -> Datasets.gaussianQuantiles(r, 50, 2, 3, 1.0),
                r -> Datasets.xor(r, 50, 0.1),
                r -> Datasets.regression(r, 50, new double[] {1, 2}, 3, 0.1, 0.1),
                r -> Datasets.shapes(r, 12, 16, 0.05));
    }

    @ParameterizedTest
    @MethodSource("generators")
    void sameSeedSameSetOtherSeedOtherSet(Function<Rng, Dataset> generator) {
        Dataset a = generator.apply(new Rng(99));
        Dataset b = generator.apply(new Rng(99));
        Dataset c = generator.apply(new Rng(100));
        assertTrue(a.features().equal(b.features()) && a.labels().equal(b.labels()), "same seed, same set");
        assertFalse(a.features().equal(c.features()), "another seed, another set");
    }

    @ParameterizedTest
    @MethodSource("generators")
    void samplesComeShuffled(Function<Rng, Dataset> generator) {
        Dataset d = generator.apply(new Rng(5));
        if (d.numClasses() == 0) return; // regression: no class order to check
        int[] y = d.labels().toIntArray();
        int[] sorted = y.clone();
        Arrays.sort(sorted);
        assertFalse(Arrays.equals(sorted, y), "labels are not in class order");
    }

    @Test
    void badArgumentsNameTheOperationAndTheValue() {
        Rng rng = new Rng(0);
        assertMessage(() -> Datasets.moons(rng, 1, 0), "moons", "at least 2", "got 1");
        assertMessage(() -> Datasets.circles(rng, 10, 0, 1.0), "circles", "factor < 1", "got 1.0");
        assertMessage(() -> Datasets.moons(rng, 10, -0.1), "moons", "noise", "-0.1");
        assertMessage(() -> Datasets.flower(rng, 11, 0), "flower", "even", "11");
        assertMessage(() -> Datasets.blobs(rng, 10, new double[][] {{0, 0}, {1}}, 1), "blobs", "center 1", "1 coordinates");
        assertMessage(() -> Datasets.gaussianQuantiles(rng, 2, 2, 3, 1), "gaussianQuantiles", "at least 3", "got 2");
        assertMessage(() -> Datasets.regression(rng, 10, new double[] {1}, 0, 0, 1.5), "regression", "outlierShare", "1.5");
        assertMessage(() -> Datasets.shapes(rng, 10, 4, 0), "shapes", "size", "got 4");
        assertMessage(() -> Datasets.spiral(null, 10, 2), "spiral", "rng");
    }

    static void assertMessage(Runnable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
    }
}
