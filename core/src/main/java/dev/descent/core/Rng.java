package dev.descent.core;

import java.util.Arrays;

/**
 * The seeded source of every random number in Descent: initialisers, shuffling, dropout and datasets draw from an
 * {@code Rng}, so one seed gives bit-identical values on every backend and every run.
 *
 * <p>The generator is xoshiro256** (Blackman and Vigna) seeded through SplitMix64; the transcendental functions it
 * uses ({@code StrictMath}) are bit-reproducible across JVMs. {@link #split()} derives an independent stream, and
 * {@link #state()} / {@link #fromState(long[])} save and restore it exactly, so a checkpoint resumes bit for bit.
 * Not thread-safe: give each thread its own {@link #split()}.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * double u = rng.nextDouble();              // [0, 1)
 * int[] order = rng.permutation(10);        // a shuffle of 0..9
 * Rng dropout = rng.split();                // independent stream
 * }</pre>
 */
public final class Rng {
    private long s0, s1, s2, s3;

    /** A generator whose whole sequence is determined by {@code seed}. */
    public Rng(long seed) {
        long x = seed;
        s0 = mix(x += 0x9E3779B97F4A7C15L);
        s1 = mix(x += 0x9E3779B97F4A7C15L);
        s2 = mix(x += 0x9E3779B97F4A7C15L);
        s3 = mix(x + 0x9E3779B97F4A7C15L);
    }

    private Rng(long[] state) {
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }

    /** SplitMix64's finaliser: a bijective mix of 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next 64 uniformly distributed bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A uniform double in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A uniform float in {@code [0, 1)} with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** A uniform integer in {@code [0, bound)}, without modulo bias (Lemire's method). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("Rng.nextInt: bound must be > 0, got " + bound);
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** A standard normal sample (Box–Muller, one of the pair). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** {@code true} with probability {@code p}. */
    public boolean nextBernoulli(double p) {
        return nextDouble() < p;
    }

    /** Fills {@code out} with uniform values in {@code [low, high)}. */
    public void fillUniform(double[] out, double low, double high) {
        double width = high - low;
        for (int i = 0; i < out.length; i++) out[i] = low + width * nextDouble();
    }

    /** Fills {@code out} with normal values of the given mean and standard deviation (Box–Muller, both of each pair). */
    public void fillNormal(double[] out, double mean, double std) {
        for (int i = 0; i < out.length; i += 2) {
            double u1 = 1.0 - nextDouble();
            double u2 = nextDouble();
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            double theta = 2.0 * Math.PI * u2;
            out[i] = mean + std * r * StrictMath.cos(theta);
            if (i + 1 < out.length) out[i + 1] = mean + std * r * StrictMath.sin(theta);
        }
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates). */
    public int[] permutation(int n) {
        if (n < 0) throw new IllegalArgumentException("Rng.permutation: n must be >= 0, got " + n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * An independent generator derived from this one; advances this generator by one draw. Splitting the same
     * state always gives the same child.
     */
    public Rng split() {
        return new Rng(nextLong() ^ 0x5DEECE66DL);
    }

    /** A copy of the generator state (four longs); {@link #fromState(long[])} restores it exactly. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    /** A generator continuing exactly from a saved {@link #state()}. */
    public static Rng fromState(long[] state) {
        if (state == null || state.length != 4) {
            throw new IllegalArgumentException("Rng.fromState: expected 4 longs, got "
                    + (state == null ? "null" : state.length));
        }
        if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) {
            throw new IllegalArgumentException("Rng.fromState: the all-zero state is not a valid xoshiro256** state");
        }
        return new Rng(state);
    }

    /**
     * Puts this generator back to a saved {@link #state()}, in place, so that objects holding it (a dropout layer, a
     * data loader) continue exactly from there.
     */
    public void restore(long[] state) {
        Rng r = fromState(state);
        s0 = r.s0;
        s1 = r.s1;
        s2 = r.s2;
        s3 = r.s3;
    }

    /** An independent copy with the same state: both produce the same sequence from here. */
    public Rng copy() {
        return new Rng(state());
    }

    @Override
    public String toString() {
        return "Rng" + Arrays.toString(state());
    }
}
