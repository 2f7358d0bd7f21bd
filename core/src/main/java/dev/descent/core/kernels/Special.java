package dev.descent.core.kernels;

/** Special functions the JDK lacks, in float64. */
public final class Special {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;

    private Special() {
    }

    /**
     * The error function {@code erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt}, within 2 ulps.
     *
     * <p>NOTE: three ranges. Below 0.5 the Maclaurin series {@code 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))},
     * whose alternating terms shrink fast there. Up to 2.5 the series {@code erf(x) = 2/sqrt(pi) exp(-x^2)
     * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))}, which has only positive terms (Abramowitz and Stegun 7.1.6). Above,
     * {@code erf = 1 - erfc} with erfc from its continued fraction (Abramowitz and Stegun 7.1.14), by the modified Lentz method;
     * beyond 6, erf rounds to 1. {@code exp(-x^2)} is taken with the rounding error of {@code x^2} corrected
     * ({@link #expMinusSquare}), which would otherwise cost up to {@code x^2} ulps.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax < 0.5) {
            double x2 = ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 40; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < Math.abs(sum) * 1e-17) break;
            }
            r = TWO_OVER_SQRT_PI * sum;
        } else if (ax < 2.5) {
            double x2 = ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= 2.0 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            r = TWO_OVER_SQRT_PI * expMinusSquare(ax) * sum;
        } else if (ax < 6.0) {
            r = 1.0 - erfcContinuedFraction(ax);
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    /** {@code exp(-x*x)} with the rounding error of {@code x*x} folded back in. */
    private static double expMinusSquare(double x) {
        double x2 = x * x;
        double lo = Math.fma(x, x, -x2); // x*x = x2 + lo exactly
        return Math.exp(-x2) * (1 - lo);
    }

    /**
     * {@code erfc(x)} for {@code x >= 2.5}: {@code exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}.
     */
    private static double erfcContinuedFraction(double x) {
        final double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 300; n++) {
            double a = n * 0.5;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) break;
        }
        return ONE_OVER_SQRT_PI * expMinusSquare(x) / f;
    }
}
