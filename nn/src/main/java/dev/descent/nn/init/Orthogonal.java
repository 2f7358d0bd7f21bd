package dev.descent.nn.init;

/**
 * The orthonormal factor of a QR decomposition with a positive diagonal in {@code R}, by Householder reflections
 * (the JAMA formulation). It is unique for a matrix of full column rank, which is what makes
 * {@code torch.nn.init.orthogonal_}'s sign correction ({@code Q *= sign(diag(R))}) well defined whatever QR
 * routine computes it.
 */
final class Orthogonal {
    private Orthogonal() {
    }

    /**
     * {@code Q} of {@code A = QR}, {@code diag(R) >= 0}, for a row-major {@code rows x cols} matrix with
     * {@code rows >= cols}; returned row-major {@code rows x cols}. {@code a} is not modified.
     */
    static double[] q(double[] a, int rows, int cols) {
        if (rows < cols) {
            throw new IllegalArgumentException("Orthogonal.q: expected rows >= cols, got " + rows + " x " + cols);
        }
        // Work on columns: column k of the matrix is the contiguous array qr[k].
        double[][] qr = new double[cols][rows];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) qr[k][i] = a[i * cols + k];
        }
        double[] rDiagonal = new double[cols];
        for (int k = 0; k < cols; k++) {
            double[] v = qr[k];
            double norm = 0;
            for (int i = k; i < rows; i++) norm += v[i] * v[i];
            norm = Math.sqrt(norm);
            if (norm != 0) {
                if (v[k] < 0) norm = -norm;
                for (int i = k; i < rows; i++) v[i] /= norm;
                v[k] += 1;
                for (int j = k + 1; j < cols; j++) reflect(v, qr[j], k, rows);
            }
            rDiagonal[k] = -norm;
        }
        double[][] q = new double[cols][rows];
        for (int k = cols - 1; k >= 0; k--) {
            q[k][k] = 1;
            for (int j = k; j < cols; j++) {
                if (qr[k][k] != 0) reflect(qr[k], q[j], k, rows);
            }
        }
        double[] out = new double[rows * cols];
        for (int k = 0; k < cols; k++) {
            // NOTE: torch multiplies by sign(diag(R)), which is 0 for a zero diagonal entry and would zero the
            // column; that has probability 0 for Gaussian input, and +1 keeps Q orthonormal regardless.
            double sign = rDiagonal[k] < 0 ? -1 : 1;
            for (int i = 0; i < rows; i++) out[i * cols + k] = sign * q[k][i];
        }
        return out;
    }

    /** Applies the Householder reflection stored in {@code v[k..]} (with {@code v[k]} its scale) to {@code x[k..]}. */
    private static void reflect(double[] v, double[] x, int k, int rows) {
        double s = 0;
        for (int i = k; i < rows; i++) s += v[i] * x[i];
        s = -s / v[k];
        for (int i = k; i < rows; i++) x[i] += s * v[i];
    }
}
