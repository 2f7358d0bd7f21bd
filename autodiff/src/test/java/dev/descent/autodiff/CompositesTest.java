package dev.descent.autodiff;

import dev.descent.core.Backends;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositesTest {
    private static final TensorFactory F = Tensor.on(Backends.get(), DType.FLOAT64);
    private static final MathContext MC = new MathContext(60);
    private static final int COLUMNS = 5;

    /** Rows of logits up to 1e7 in magnitude, some far apart, some a fraction apart, some tied. */
    private static double[][] rows() {
        List<double[]> rows = new ArrayList<>(List.of(
                new double[] {-1e7, -1e7 + 1, -1e7 + 2.5, -1e7 - 3, -1e7 + 0.125},
                new double[] {1e7, 1e7 - 0.25, 1e7 - 40, -1e7, 1e7 - 1e-3},
                new double[] {-1e6, -1e6 - 1e-3, -1e6 + 7, -1e6 + 7.5, -1e6 - 30},
                new double[] {0, -40, -745, -1e7, -300},        // the max entry's exact value is -4.25e-18
                new double[] {5, 5, 5, -1e7, 4.5},              // ties at the max
                new double[] {1e7, 9999999.5, 9999990, 9999999.75, 9999999.875},
                new double[] {-9999999.0, -9999999.5, -1e7, -9999998.0, -9999999.999}));
        Rng rng = new Rng(17);
        for (int r = 0; r < 25; r++) {
            double base = (rng.nextDouble() * 2 - 1) * 1e7;
            double spread = new double[] {1e-3, 1, 30, 1e4}[r % 4];
            double[] row = new double[COLUMNS];
            for (int c = 0; c < COLUMNS; c++) row[c] = base + (rng.nextDouble() * 2 - 1) * spread;
            rows.add(row);
        }
        return rows.toArray(new double[0][]);
    }

    @Test
    void logSoftmaxIsAccurateToOneInATrillionForLogitsUpTo1e7() {
        double[][] rows = rows();
        double[] flat = new double[rows.length * COLUMNS];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, flat, r * COLUMNS, COLUMNS);
        Tensor byRow = Variable.constant(F.of(flat, rows.length, COLUMNS)).logSoftmax(1).value();
        // the same logits along axis 0 exercise the other reduction direction
        Tensor byColumn = Variable.constant(F.of(flat, rows.length, COLUMNS).transpose()).logSoftmax(0).value()
                .transpose();
        double worst = 0;
        for (int r = 0; r < rows.length; r++) {
            BigDecimal[] exact = exactLogSoftmax(rows[r]);
            for (int c = 0; c < COLUMNS; c++) {
                for (Tensor got : List.of(byRow, byColumn)) {
                    double v = got.get(r, c);
                    // relative to the exact value, or to the smallest normal double for an exact value that underflows
                    BigDecimal scale = exact[c].abs().max(new BigDecimal(Double.MIN_NORMAL));
                    double error = new BigDecimal(v).subtract(exact[c]).abs().divide(scale, MC).doubleValue();
                    worst = Math.max(worst, error);
                    int rr = r, cc = c;
                    assertTrue(error <= 1e-12, () -> "row " + rr + " column " + cc + ": " + v + " against exact "
                            + exact[cc].round(new MathContext(20)) + ", relative error " + error);
                }
            }
        }
        System.out.println("logSoftmax: worst relative error " + worst + " over " + rows.length * COLUMNS
                + " logits up to 1e7");
        // the entry at the max of [0, -40, ...] keeps its tiny value: exp(-40) - exp(-80)/2 + ...
        assertEquals(-Math.exp(-40), byRow.get(3, 0), 1e-32);
    }

    @Test
    void softmaxAndCrossEntropyTermsOfHugeLogitsAgreeWithTheExactValues() {
        double[] row = {1e7, 1e7 - 0.25, 1e7 - 40, -1e7, 1e7 - 1e-3};
        Tensor p = Variable.constant(F.of(row, 1, COLUMNS)).softmax(1).value();
        BigDecimal[] exact = exactLogSoftmax(row);
        for (int c = 0; c < COLUMNS; c++) {
            double want = Math.exp(exact[c].doubleValue());
            assertEquals(want, p.get(0, c), 1e-15 * want + 1e-300, "softmax column " + c);
        }
    }

    @Test
    void logSoftmaxGradientIsTheSoftmaxIdentityAtHugeLogitsAndGradientChecksAtTies() {
        double[] row = {1e7, 1e7 - 0.25, 1e7 - 3, -1e7, 1e7 - 0.5};
        double[] w = {0.5, -1, 2, 0.25, 1};
        Variable x = Variable.parameter(F.of(row, 1, COLUMNS));
        x.logSoftmax(1).mul(F.of(w, 1, COLUMNS)).sum().backward();
        // d/dx_j sum_i w_i logSoftmax_i = w_j - p_j sum_i w_i
        BigDecimal[] exact = exactLogSoftmax(row);
        double sumW = 0;
        for (double v : w) sumW += v;
        for (int j = 0; j < COLUMNS; j++) {
            double want = w[j] - Math.exp(exact[j].doubleValue()) * sumW;
            assertEquals(want, x.grad().get(0, j), 1e-14, "gradient column " + j);
        }
        // ties at the max, and a max that moves under the central differences
        Variable tied = Variable.parameter(F.of(new double[] {2, 2, -1, 0.5, 2, 1e-7}, 2, 3));
        assertTrue(GradCheck.check(in -> in[0].logSoftmax(1).mul(in[0].sin()), tied).passed());
        assertTrue(GradCheck.check(in -> in[0].logSoftmax(0).mul(in[0]), tied).passed());
        assertTrue(GradCheck.checkSecondOrder(in -> in[0].logSoftmax(1).mul(in[0].sin()), tied).passed());
    }

    @Test
    void logSoftmaxOfInfiniteLogitsIsNaNAsInPyTorch() {
        // torch 1.13: log_softmax([-inf, -inf]) = [nan, nan]; log_softmax([inf, 1]) = [nan, nan]
        Tensor v = Variable.constant(F.of(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY, 1}, 2, 2)).logSoftmax(1).value();
        for (double e : v.toDoubleArray()) assertTrue(Double.isNaN(e), v::toString);
        // a -inf logit beside finite ones has probability 0: log_softmax([-inf, 0]) = [-inf, 0]
        Tensor w = Variable.constant(F.of(new double[] {Double.NEGATIVE_INFINITY, 0})).logSoftmax(0).value();
        assertEquals(Double.NEGATIVE_INFINITY, w.get(0));
        assertEquals(0.0, w.get(1));
    }

    @Test
    void varianceWithACorrectionOfAtLeastNDividesByZeroAsTorchVar() {
        // torch 1.13, float64: torch.var(torch.arange(1., 7.), dim=0, correction=c) gives 17.5 for c = 5 and inf for
        // c = 6, 7, 10; the same with torch.zeros(6) gives nan for c = 6 and 10
        Variable x = Variable.parameter(F.of(new double[] {1, 2, 3, 4, 5, 6}));
        assertEquals(17.5, x.variance(new int[] {0}, false, 5).value().item());
        for (int c : new int[] {6, 7, 10}) {
            assertEquals(Double.POSITIVE_INFINITY, x.variance(new int[] {0}, false, c).value().item(), "correction " + c);
        }
        Variable zeros = Variable.constant(F.zeros(6));
        for (int c : new int[] {6, 10}) {
            assertTrue(Double.isNaN(zeros.variance(new int[] {0}, false, c).value().item()), "correction " + c);
        }
    }

    /** {@code (x_i - m) - ln(1 + t)} with {@code t} the sum of {@code exp(x_j - m)} over all but one maximum, in 60 digits. */
    private static BigDecimal[] exactLogSoftmax(double[] x) {
        int k = 0;
        for (int j = 1; j < x.length; j++) if (x[j] > x[k]) k = j;
        BigDecimal m = new BigDecimal(x[k]);
        BigDecimal t = BigDecimal.ZERO;
        for (int j = 0; j < x.length; j++) if (j != k) t = t.add(exp(new BigDecimal(x[j]).subtract(m)), MC);
        BigDecimal log = log1p(t);
        BigDecimal[] out = new BigDecimal[x.length];
        for (int j = 0; j < x.length; j++) out[j] = new BigDecimal(x[j]).subtract(m).subtract(log, MC);
        return out;
    }

    /** {@code exp(d)} for {@code d <= 0}: {@code 1 / exp(-d)}, halving the argument below 1/2 and squaring back. */
    private static BigDecimal exp(BigDecimal d) {
        BigDecimal y = d.negate();
        int halvings = 0;
        while (y.compareTo(new BigDecimal("0.5")) > 0) {
            y = y.divide(BigDecimal.valueOf(2), MC);
            halvings++;
        }
        BigDecimal sum = BigDecimal.ONE, term = BigDecimal.ONE;
        for (int n = 1; n < 80; n++) {
            term = term.multiply(y, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
        }
        for (int i = 0; i < halvings; i++) sum = sum.multiply(sum, MC);
        return BigDecimal.ONE.divide(sum, MC);
    }

    /** {@code ln(1 + t) = 2 atanh(t / (2 + t))} for {@code t >= 0}, exact in relative terms for tiny t too. */
    private static BigDecimal log1p(BigDecimal t) {
        if (t.signum() == 0) return BigDecimal.ZERO;
        BigDecimal z = t.divide(t.add(BigDecimal.valueOf(2)), MC);
        BigDecimal z2 = z.multiply(z, MC);
        BigDecimal power = z, sum = BigDecimal.ZERO;
        for (int n = 1; n < 4000; n += 2) {
            BigDecimal term = power.divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
            if (term.compareTo(sum.ulp().multiply(BigDecimal.TEN.pow(-2, MC))) < 0 && n > 3) break;
            power = power.multiply(z2, MC);
        }
        return sum.multiply(BigDecimal.valueOf(2), MC);
    }
}
