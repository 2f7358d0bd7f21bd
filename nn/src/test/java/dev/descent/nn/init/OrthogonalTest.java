package dev.descent.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.testing.Props;
import org.junit.jupiter.api.Test;

/**
 * {@code orthogonal}: {@code WᵀW = gain²·I} for a tall {@code W}, {@code WWᵀ = gain²·I} for a wide one, to 1e-10 in
 * float64; and torch's construction: {@code W} is the Q of the seeded Gaussian matrix with {@code diag(R) > 0}.
 */
class OrthogonalTest {
    @Test
    void orthonormalUpToTheGain() {
        Props.tries(150).forAll(Props.ints(1, 60), Props.ints(1, 60), Props.decimals(-3, 3, 2), Props.ints(0, 1000))
                .checkAssert(OrthogonalTest::orthonormal);
    }

    static void orthonormal(int rows, int cols, double gain, int seed) {
        double[] w = Initializers.orthogonal(gain)
                .initialize(Samples.f64(), Shape.of(rows, cols), rows, cols, new Rng(seed)).toDoubleArray();
        assertGram(w, rows, cols, gain * gain, 1e-10 * Math.max(1, gain * gain));
    }

    @Test
    void theQOfTheSeededGaussianMatrixWithPositiveDiagonal() {
        Props.tries(100).forAll(Props.ints(1, 40), Props.ints(1, 40), Props.ints(0, 1000))
                .checkAssert(OrthogonalTest::qOfTheSeededGaussian);
    }

    static void qOfTheSeededGaussian(int rows, int cols, int seed) {
        double gain = 2;
        double[] w = Initializers.orthogonal(gain)
                .initialize(Samples.f64(), Shape.of(rows, cols), rows, cols, new Rng(seed)).toDoubleArray();
        double[] a = new double[rows * cols];
        new Rng(seed).fillNormal(a, 0, 1);
        // Tall: A = QR, so WᵀA = gain·R. Wide: Aᵀ = QR and W = Qᵀ, so W·Aᵀ = gain·R. R: upper triangular, diag > 0.
        boolean tall = rows >= cols;
        int k = Math.min(rows, cols);
        int n = tall ? cols : rows;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                double r = 0;
                for (int t = 0; t < (tall ? rows : cols); t++) {
                    r += tall ? w[t * cols + i] * a[t * cols + j] : w[i * cols + t] * a[j * cols + t];
                }
                if (i > j) assertEquals(0, r, 1e-9, "R[" + i + "][" + j + "] below the diagonal");
                if (i == j) assertTrue(r > 0, "R[" + i + "][" + i + "] = " + r + " must be > 0");
            }
        }
    }

    @Test
    void higherRankTensorsAreFlattenedAfterTheFirstDimension() {
        Tensor t = Initializers.orthogonal().initialize(Samples.f64(), Shape.of(6, 2, 3, 2), 6, 12, new Rng(5));
        assertEquals(Shape.of(6, 2, 3, 2), t.shape());
        assertGram(t.toDoubleArray(), 6, 12, 1, 1e-10);
    }

    @Test
    void squareMatricesAreOrthogonalBothWays() {
        double[] w = Initializers.orthogonal().initialize(Samples.f64(), Shape.of(50, 50), 50, 50, new Rng(9))
                .toDoubleArray();
        assertGram(w, 50, 50, 1, 1e-10);
        assertGram(transpose(w, 50, 50), 50, 50, 1, 1e-10);
    }

    @Test
    void float32IsOrthogonalToSinglePrecision() {
        Tensor t = Initializers.orthogonal().initialize(Samples.factory(Samples.OTHER, DType.FLOAT32),
                Shape.of(64, 32), 64, 32, new Rng(4));
        assertEquals(DType.FLOAT32, t.dtype());
        assertGram(t.toDoubleArray(), 64, 32, 1, 1e-5);
    }

    @Test
    void emptyTensorsStayEmpty() {
        Tensor t = Initializers.orthogonal().initialize(Samples.f64(), Shape.of(0, 4), 0, 4, new Rng(1));
        assertArrayEquals(new int[] {0, 4}, t.shape().dims());
    }

    @Test
    void vectorsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializers.orthogonal()
                .initialize(Samples.f64(), Shape.of(5), 5, 1, new Rng(1)));
        assertTrue(e.getMessage().contains("orthogonal") && e.getMessage().contains("rank >= 2")
                && e.getMessage().contains(Shape.of(5).toString()), e.getMessage());
    }

    /** Asserts {@code WᵀW} (tall) or {@code WWᵀ} (wide) equals {@code scale·I} within {@code tol}. */
    private static void assertGram(double[] w, int rows, int cols, double scale, double tol) {
        boolean tall = rows >= cols;
        int k = Math.min(rows, cols);
        double worst = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < (tall ? rows : cols); t++) {
                    s += tall ? w[t * cols + i] * w[t * cols + j] : w[i * cols + t] * w[j * cols + t];
                }
                worst = Math.max(worst, Math.abs(s - (i == j ? scale : 0)));
            }
        }
        assertTrue(worst <= tol, "Gram matrix of " + rows + "x" + cols + " is off by " + worst + " > " + tol);
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        }
        return t;
    }
}
