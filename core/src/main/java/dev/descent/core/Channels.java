package dev.descent.core;

import dev.descent.core.spi.ChannelKernels;

/**
 * Per-channel statistics and maps of a tensor whose kept axes form one contiguous run, viewed as
 * {@code (outer, channels, inner)} (batch normalisation's {@code (N, C, H, W)} over N, H and W is
 * {@code (N, C, H * W)}): mean and biased variance, the sums {@code sum a} and {@code sum a (b - center)}, and the
 * map {@code p a + q (x - center) + r} with per-channel constants. Each is one pass over memory on a backend with
 * {@link ChannelKernels}; the statistics accumulate in 64 bits and come back as {@code double[]} of
 * {@code channels} elements. On another backend the same formulas run on the values read back (float64).
 *
 * <pre>{@code
 * Channels.Layout l = Channels.Layout.of(x.shape(), new int[] {0, 2, 3});   // (64, 32, 28, 28): (64, 32, 784)
 * Channels.Moments m = Channels.moments(x, l);
 * Tensor y = Channels.affine(null, null, x, m.mean(), invStd, shift, l);   // (x - mean) invStd + shift
 * }</pre>
 */
public final class Channels {
    private Channels() {
    }

    /** A tensor viewed as {@code (outer, channels, inner)}, reduced over {@code outer} and {@code inner}. */
    public record Layout(int outer, int channels, int inner) {
        /** Elements per channel. */
        public int count() {
            return outer * inner;
        }

        /**
         * The layout of {@code shape} reduced over {@code axes} (negative counts from the end), or null when the kept
         * axes do not form one contiguous run (nothing kept is one channel) or an axis is out of range.
         */
        public static Layout of(Shape shape, int[] axes) {
            int rank = shape.rank();
            boolean[] reduced = new boolean[rank];
            for (int a : axes) {
                int i = a < 0 ? a + rank : a;
                if (i < 0 || i >= rank) return null;
                reduced[i] = true;
            }
            int first = 0;
            while (first < rank && reduced[first]) first++;
            int end = first;
            while (end < rank && !reduced[end]) end++;
            for (int i = end; i < rank; i++) if (!reduced[i]) return null;
            return new Layout(shape.sizeOf(0, first), shape.sizeOf(first, end), shape.sizeOf(end, rank));
        }

        void check(String op, Tensor t) {
            Checks.floating(op, t);
            if ((long) outer * channels * inner != t.size()) {
                throw new IllegalArgumentException(op + ": layout (" + outer + ", " + channels + ", " + inner
                        + ") does not cover " + t.shape());
            }
        }
    }

    /** Per-channel mean and biased variance. */
    public record Moments(double[] mean, double[] variance) {
    }

    /** Mean and biased variance of each channel of {@code x}; the layout must have at least one element per channel. */
    public static Moments moments(Tensor x, Layout l) {
        l.check("channel moments", x);
        if (l.count() < 1) throw new IllegalArgumentException("channel moments: no element per channel in " + x.shape());
        double[] mean = new double[l.channels()], variance = new double[l.channels()];
        if (x.backend() instanceof ChannelKernels k) {
            k.channelMoments(x.storage(), l.outer(), l.channels(), l.inner(), mean, variance);
        } else {
            double[] v = x.toDoubleArray();
            for (int c = 0; c < l.channels(); c++) {
                double s = 0;
                for (int o = 0; o < l.outer(); o++) for (int j = 0; j < l.inner(); j++) s += v[at(l, o, c, j)];
                double m = s / l.count(), d2 = 0;
                for (int o = 0; o < l.outer(); o++) {
                    for (int j = 0; j < l.inner(); j++) d2 += (v[at(l, o, c, j)] - m) * (v[at(l, o, c, j)] - m);
                }
                mean[c] = m;
                variance[c] = d2 / l.count();
            }
        }
        return new Moments(mean, variance);
    }

    /** {@code {sum a, sum a (b - center)}} per channel, {@code a} and {@code b} of one shape, backend and dtype. */
    public static double[][] sums(Tensor a, Tensor b, double[] center, Layout l) {
        l.check("channel sums", a);
        Checks.sameKind("channel sums", a, b);
        Checks.shapeEquals("channel sums", a.shape(), b.shape());
        checkLength("channel sums", center, l);
        double[] sumA = new double[l.channels()], sumAB = new double[l.channels()];
        if (a.backend() instanceof ChannelKernels k) {
            k.channelSums(a.storage(), b.storage(), l.outer(), l.channels(), l.inner(), center, sumA, sumAB);
        } else {
            double[] u = a.toDoubleArray(), v = b.toDoubleArray();
            for (int c = 0; c < l.channels(); c++) {
                for (int o = 0; o < l.outer(); o++) {
                    for (int j = 0; j < l.inner(); j++) {
                        int i = at(l, o, c, j);
                        sumA[c] += u[i];
                        sumAB[c] += u[i] * (v[i] - center[c]);
                    }
                }
            }
        }
        return new double[][] {sumA, sumAB};
    }

    /**
     * A new tensor of {@code x}'s shape: {@code p[c] a + q[c] (x - center[c]) + r[c]}, or without {@code a} (null;
     * {@code p} is then ignored) {@code q[c] (x - center[c]) + r[c]}, computed in x's dtype.
     */
    public static Tensor affine(Tensor a, double[] p, Tensor x, double[] center, double[] q, double[] r, Layout l) {
        String op = "channel affine";
        l.check(op, x);
        if (a != null) {
            Checks.sameKind(op, a, x);
            Checks.shapeEquals(op, x.shape(), a.shape());
            checkLength(op, p, l);
        }
        checkLength(op, center, l);
        checkLength(op, q, l);
        checkLength(op, r, l);
        if (x.backend() instanceof ChannelKernels k) {
            Tensor out = Tensor.empty(x.backend(), x.dtype(), x.shape());
            k.channelAffine(a == null ? null : a.storage(), p, x.storage(), center, q, r, l.outer(), l.channels(),
                    l.inner(), out.storage());
            return out;
        }
        double[] u = a == null ? null : a.toDoubleArray(), v = x.toDoubleArray();
        for (int o = 0; o < l.outer(); o++) {
            for (int c = 0; c < l.channels(); c++) {
                for (int j = 0; j < l.inner(); j++) {
                    int i = at(l, o, c, j);
                    v[i] = (u == null ? 0 : p[c] * u[i]) + q[c] * (v[i] - center[c]) + r[c];
                }
            }
        }
        return Tensor.on(x.backend(), DType.FLOAT64).of(v, x.shape().dims()).to(x.dtype());
    }

    private static int at(Layout l, int o, int c, int j) {
        return (o * l.channels() + c) * l.inner() + j;
    }

    private static void checkLength(String op, double[] perChannel, Layout l) {
        if (perChannel == null || perChannel.length != l.channels()) {
            throw new IllegalArgumentException(op + ": expected " + l.channels() + " per-channel values, got "
                    + (perChannel == null ? "null" : perChannel.length));
        }
    }
}
