package dev.descent.nn.init;

import dev.descent.core.Rng;

/**
 * Exact samples of the normal distribution {@code N(mean, std^2)} restricted to {@code [a, b]}, by Robert's
 * rejection samplers (C. P. Robert, "Simulation of truncated normal variables", Statistics and Computing 5, 1995).
 *
 * <p>On the standardised interval {@code [alpha, beta] = [(a - mean)/std, (b - mean)/std]} it proposes, whichever
 * accepts most often: plain normal draws when the interval holds 0 and is wide; uniform draws on the interval when
 * it is narrow; a translated exponential when it lies in one tail. Every method accepts at least about half of its
 * proposals, at any distance in the tails, and uses only {@link Rng} and {@code StrictMath}, so one seed gives the
 * same values everywhere.
 */
final class TruncatedNormal {
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    private TruncatedNormal() {
    }

    /**
     * Fills {@code out} with samples; requires {@code std > 0} and {@code a < b} (either may be infinite).
     * NOTE: like torch.nn.init.trunc_normal_, the result is clamped to [a, b] after scaling, so that rounding in
     * {@code mean + std * z} cannot leave the interval.
     */
    static void fill(double[] out, Rng rng, double mean, double std, double a, double b) {
        double alpha = (a - mean) / std;
        double beta = (b - mean) / std;
        // Sample the side nearer 0 as the left bound: the interval [-beta, -alpha] is its mirror image.
        boolean mirror = alpha < 0 && beta <= 0;
        double lo = mirror ? -beta : alpha;
        double hi = mirror ? -alpha : beta;
        for (int i = 0; i < out.length; i++) {
            double z = standard(rng, lo, hi);
            double x = mean + std * (mirror ? -z : z);
            out[i] = Math.min(Math.max(x, a), b);
        }
    }

    /** One sample of the standard normal on {@code [lo, hi]}, where {@code lo < hi} and {@code hi > 0}. */
    private static double standard(Rng rng, double lo, double hi) {
        if (lo <= 0) {
            return hi - lo >= SQRT_2PI ? byNormal(rng, lo, hi) : byUniform(rng, lo, hi, 0);
        }
        double lambda = optimalRate(lo);
        // Robert's crossover: below this width the uniform proposal accepts more often than the exponential one.
        double width = 2 / (lo + StrictMath.sqrt(lo * lo + 4))
                * StrictMath.exp((lo * lo - lo * StrictMath.sqrt(lo * lo + 4)) / 4 + 0.5);
        return hi - lo < width ? byUniform(rng, lo, hi, lo) : byExponential(rng, lo, hi, lambda);
    }

    private static double byNormal(Rng rng, double lo, double hi) {
        while (true) {
            double z = rng.nextGaussian();
            if (z >= lo && z <= hi) return z;
        }
    }

    /** Uniform proposals accepted with {@code exp((rho^2 - z^2) / 2)}, {@code rho} the point of the interval nearest 0. */
    private static double byUniform(Rng rng, double lo, double hi, double rho) {
        while (true) {
            double z = lo + (hi - lo) * rng.nextDouble();
            // NOTE: (rho - z)(rho + z) rather than rho^2 - z^2: no cancellation far in the tail.
            double logAccept = (rho - z) * (rho + z) / 2;
            if (rng.nextDouble() <= StrictMath.exp(logAccept)) return z;
        }
    }

    /** {@code lo + Exp(lambda)} proposals accepted with {@code exp(-(z - lambda)^2 / 2)} when {@code z <= hi}. */
    private static double byExponential(Rng rng, double lo, double hi, double lambda) {
        while (true) {
            double z = lo - StrictMath.log(1 - rng.nextDouble()) / lambda;
            double d = z - lambda;
            if (rng.nextDouble() <= StrictMath.exp(-d * d / 2) && z <= hi) return z;
        }
    }

    /** Robert's optimal exponential rate for the tail {@code [lo, inf)}. */
    private static double optimalRate(double lo) {
        return (lo + StrictMath.sqrt(lo * lo + 4)) / 2;
    }
}
