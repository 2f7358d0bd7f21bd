package dev.descent.core.spi;

/**
 * An optional capability of a {@link Backend}: the per-channel reductions and maps of a tensor viewed as
 * {@code (outer, channels, inner)}, each channel reduced over its {@code outer * inner} elements (NCHW's batch
 * normalisation statistics over N, H and W: {@code (N, C, H * W)}; a layer normalisation's rows: {@code (1, rows,
 * D)}). Each kernel is one pass over memory; the statistics come back as {@code double}, accumulated in 64 bits for
 * every dtype. Core ({@code dev.descent.core.Channels}) uses it when the backend implements it and otherwise computes
 * the same formulas from the values read back.
 *
 * <p>The per-channel arrays have {@code channels} elements; storages are this backend's, of one floating dtype, with
 * {@code outer * channels * inner} elements. Results are deterministic and the same for every thread count.
 */
public interface ChannelKernels {
    /**
     * The mean and the biased variance of each channel of {@code x}: {@code mean[c] = sum x / n},
     * {@code variance[c] = sum (x - mean[c])^2 / n} with {@code n = outer * inner >= 1}.
     */
    void channelMoments(Storage x, int outer, int channels, int inner, double[] mean, double[] variance);

    /** {@code sumA[c] = sum a} and {@code sumAB[c] = sum a (b - center[c])} over each channel. */
    void channelSums(Storage a, Storage b, int outer, int channels, int inner, double[] center, double[] sumA,
                     double[] sumAB);

    /**
     * {@code out = p[c] a + q[c] (x - center[c]) + r[c]} elementwise, in the storage's dtype, with {@code c} each
     * element's channel; without {@code a} (null, and {@code p} ignored) {@code out = q[c] (x - center[c]) + r[c]}.
     * Every element of {@code out} is written; {@code out} may be {@code a} or {@code x}.
     */
    void channelAffine(Storage a, double[] p, Storage x, double[] center, double[] q, double[] r, int outer,
                       int channels, int inner, Storage out);
}
