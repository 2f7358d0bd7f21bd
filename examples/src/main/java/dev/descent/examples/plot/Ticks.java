package dev.descent.examples.plot;

/**
 * Round tick values for a linear axis: multiples of 1, 2 or 5 times a power of ten, the step chosen so that about the
 * requested number of ticks falls inside the range.
 *
 * <pre>{@code
 * Ticks.nice(0.03125, 30, 8);   // {0, 5, 10, 15, 20, 25, 30} minus those below 0.03125: {5, 10, ..., 30}
 * }</pre>
 */
public final class Ticks {
    private Ticks() {
    }

    /** The round step (1, 2 or 5 times a power of ten) nearest to {@code rough}, rounding up. */
    public static double step(double rough) {
        if (!(rough > 0) || !Double.isFinite(rough)) throw new IllegalArgumentException("Ticks.step: expected a positive finite step, got " + rough);
        int e = (int) Math.floor(Math.log10(rough));
        double p = e >= 0 ? Math.pow(10, e) : 1 / Math.pow(10, -e); // 1 / 10^4 is exactly the double nearest 1e-4
        double m = rough / p;
        double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
        return nice * p;
    }

    /** Multiples of a round step inside [lo, hi], about {@code count} of them (at least 2 where the range allows). */
    public static double[] nice(double lo, double hi, int count) {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi) || count < 2) {
            throw new IllegalArgumentException("Ticks.nice: expected finite lo < hi and count >= 2, got " + lo + ", " + hi
                    + ", " + count);
        }
        double step = step((hi - lo) / count);
        long first = (long) Math.ceil(lo / step - 1e-9), last = (long) Math.floor(hi / step + 1e-9);
        double[] t = new double[(int) Math.max(0, last - first + 1)];
        for (int i = 0; i < t.length; i++) {
            double v = (first + i) * step;
            // NOTE: rounded to the step's decimals so that 0.1 * 3 prints as 0.3, not 0.30000000000000004.
            t[i] = step >= 1 ? v : Double.parseDouble(String.format(java.util.Locale.ROOT, "%." + decimals(step) + "f", v));
        }
        return t;
    }

    private static int decimals(double step) {
        return Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    }

    /** About one tick per 90 pixels of axis, 4 to 10. */
    static int count(int pixels) {
        return Math.max(4, Math.min(10, pixels / 90));
    }
}
