package dev.descent.core.kernels;

// float32 twin: FloatChannels
/**
 * The per-channel loops of every backend over {@code double[]} viewed as {@code (outer, channels, inner)}: a
 * plane is one outer index of one channel, {@code inner} contiguous elements. The statistics (moments, sums)
 * accumulate in 64 bits in both dtypes and come back as {@code double}; the elementwise map runs in the element
 * type, one loop over each contiguous plane with its channel's constants hoisted, so it vectorises.
 *
 * <p>A float64 template: the build generates its float32 twin {@code FloatChannels} (build-tools'
 * {@code Float32Generator}). Callers have checked the arguments; each method covers channels (or planes)
 * {@code [from, to)} so that the intra-op pool can split them, each channel always taken by one thread in one order.
 */
public final class DoubleChannels {
    private DoubleChannels() {
    }

    /**
     * Mean and biased variance of channels {@code [from, to)}.
     *
     * <p>NOTE: each plane is summed and then its squared deviations from its own mean are summed (the two-pass
     * algorithm: no cancellation, and the second pass reads the plane from cache); the planes of a channel are
     * then combined in order by Chan, Golub and LeVeque's update (1979), {@code M2 = M2a + M2b + delta^2 na nb / n},
     * all in 64 bits. Its error is that of the two-pass algorithm over the whole channel, not that of
     * {@code E[x^2] - E[x]^2}.
     */
    public static void moments(double[] x, int outer, int channels, int inner, @Float64Only double[] mean,
                               @Float64Only double[] variance, int from, int to) {
        for (int c = from; c < to; c++) {
            @Float64Only double m = 0, m2 = 0, count = 0;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + c) * inner;
                @Float64Only double planeMean = sum(x, base, inner) / inner;
                @Float64Only double planeM2 = squaredDeviations(x, base, inner, planeMean);
                @Float64Only double total = count + inner, delta = planeMean - m;
                m += delta * (inner / total);
                m2 += planeM2 + delta * delta * (count * inner / total);
                count = total;
            }
            mean[c] = m;
            variance[c] = m2 / count;
        }
    }

    /** {@code sumA[c] = sum a}, {@code sumAB[c] = sum a (b - center[c])} for channels {@code [from, to)}. */
    public static void sums(double[] a, double[] b, int outer, int channels, int inner, @Float64Only double[] center,
                            @Float64Only double[] sumA, @Float64Only double[] sumAB, int from, int to) {
        for (int c = from; c < to; c++) {
            @Float64Only double sa = 0, sab = 0, shift = center[c];
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + c) * inner;
                sa += sum(a, base, inner);
                sab += centeredDot(a, b, base, inner, 0, shift);
            }
            sumA[c] = sa;
            sumAB[c] = sab;
        }
    }

    /**
     * Planes {@code [from, to)} (plane {@code k} is channel {@code k % channels}) of
     * {@code out = p[c] a + q[c] (x - center[c]) + r[c]}, or without {@code a} (null) {@code q[c] (x - center[c]) +
     * r[c]}, computed in the element type; {@code out} may be {@code a} or {@code x}.
     */
    public static void affine(double[] a, @Float64Only double[] p, double[] x, @Float64Only double[] center,
                              @Float64Only double[] q, @Float64Only double[] r, double[] out, int channels, int inner,
                              int from, int to) {
        for (int k = from; k < to; k++) {
            int c = k % channels, start = k * inner, end = start + inner;
            double cc = (double) center[c], qc = (double) q[c], rc = (double) r[c];
            if (a == null) {
                for (int j = start; j < end; j++) out[j] = qc * (x[j] - cc) + rc;
            } else {
                double pc = (double) p[c];
                for (int j = start; j < end; j++) out[j] = pc * a[j] + qc * (x[j] - cc) + rc;
            }
        }
    }

    /**
     * {@code x[from] + ... + x[from + n - 1]} in 64 bits, in eight interleaved partial sums (eight independent
     * chains of adds keep two adders busy; one chain waits on each add's latency).
     */
    private static @Float64Only double sum(double[] x, int from, int n) {
        @Float64Only double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = from, end = from + n;
        for (; j + 7 < end; j += 8) {
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
            s4 += x[j + 4];
            s5 += x[j + 5];
            s6 += x[j + 6];
            s7 += x[j + 7];
        }
        for (; j < end; j++) s0 += x[j];
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** {@code sum (x[j] - mean)^2} over the {@code n} elements from {@code from}, in 64 bits, as {@link #sum}. */
    private static @Float64Only double squaredDeviations(double[] x, int from, int n, @Float64Only double mean) {
        return centeredDot(x, x, from, n, mean, mean);
    }

    /**
     * {@code sum (a[j] - shiftA) (b[j] - shiftB)} over the {@code n} elements from {@code from}, in 64 bits, in eight
     * interleaved partial sums as {@link #sum}.
     */
    private static @Float64Only double centeredDot(double[] a, double[] b, int from, int n, @Float64Only double shiftA,
                                                 @Float64Only double shiftB) {
        @Float64Only double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = from, end = from + n;
        for (; j + 7 < end; j += 8) {
            s0 += (a[j] - shiftA) * (b[j] - shiftB);
            s1 += (a[j + 1] - shiftA) * (b[j + 1] - shiftB);
            s2 += (a[j + 2] - shiftA) * (b[j + 2] - shiftB);
            s3 += (a[j + 3] - shiftA) * (b[j + 3] - shiftB);
            s4 += (a[j + 4] - shiftA) * (b[j + 4] - shiftB);
            s5 += (a[j + 5] - shiftA) * (b[j + 5] - shiftB);
            s6 += (a[j + 6] - shiftA) * (b[j + 6] - shiftB);
            s7 += (a[j + 7] - shiftA) * (b[j + 7] - shiftB);
        }
        for (; j < end; j++) s0 += (a[j] - shiftA) * (b[j] - shiftB);
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
