package dev.descent.autodiff.check;

import dev.descent.core.Shape;

import java.util.Arrays;

/**
 * The outcome of a {@link GradCheck}: how many Jacobian elements were compared and the worst one, named by input,
 * input element, output element, analytic and numeric value.
 *
 * @param order        "first-order" or "second-order"
 * @param compared     number of Jacobian elements compared
 * @param failures     how many exceeded {@code atol + rtol * |numeric|}
 * @param worstRatio   the largest {@code |analytic - numeric| / (atol + rtol * |numeric|)}; below 1 passes
 * @param input        the input of the worst element
 * @param inputIndex   the worst element's index in that input
 * @param outputIndex  the worst element's index in the output
 * @param analytic     the analytic derivative there
 * @param numeric      the finite-difference derivative there
 */
public record GradCheckReport(String order, int compared, int failures, double worstRatio, int input,
                              int[] inputIndex, int[] outputIndex, double analytic, double numeric) {

    public boolean passed() {
        return failures == 0;
    }

    /** The largest absolute difference's relative size, {@code |a - n| / max(|n|, 1e-300)}, at the worst element. */
    public double worstRelativeError() {
        return Math.abs(analytic - numeric) / Math.max(Math.abs(numeric), 1e-300);
    }

    @Override
    public String toString() {
        return "GradCheck " + order + " " + (passed() ? "passed" : "FAILED") + ": " + failures + " of " + compared
                + " Jacobian elements out of tolerance; worst at input " + input + " element "
                + Arrays.toString(inputIndex) + ", output element " + Arrays.toString(outputIndex) + ": analytic "
                + analytic + ", numeric " + numeric + " (" + String.format("%.3g", worstRatio)
                + " x the allowed difference)";
    }

    static final class Builder {
        private final double atol, rtol;
        private int compared, failures, input = -1;
        private double worstRatio = -1, analytic, numeric;
        private int[] inputIndex = new int[0], outputIndex = new int[0];

        Builder(double atol, double rtol) {
            this.atol = atol;
            this.rtol = rtol;
        }

        void compare(int in, Shape inShape, int inFlat, Shape outShape, int outFlat, double a, double n) {
            compared++;
            double allowed = atol + rtol * Math.abs(n);
            double ratio;
            if (Double.isNaN(a) || Double.isNaN(n)) {
                ratio = Double.isNaN(a) && Double.isNaN(n) ? 0 : Double.POSITIVE_INFINITY;
            } else {
                ratio = a == n ? 0 : Math.abs(a - n) / allowed;
            }
            if (ratio > 1) failures++;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                input = in;
                inputIndex = unflatten(inShape, inFlat);
                outputIndex = unflatten(outShape, outFlat);
                analytic = a;
                numeric = n;
            }
        }

        GradCheckReport build(String order) {
            GradCheckReport r = new GradCheckReport(order, compared, failures, Math.max(worstRatio, 0), input,
                    inputIndex, outputIndex, analytic, numeric);
            if (!r.passed()) throw new GradCheckFailure(r);
            return r;
        }

        private static int[] unflatten(Shape s, int flat) {
            int[] idx = new int[s.rank()];
            int[] strides = s.strides();
            for (int i = 0; i < idx.length; i++) {
                idx[i] = flat / strides[i];
                flat %= strides[i];
            }
            return idx;
        }
    }
}
