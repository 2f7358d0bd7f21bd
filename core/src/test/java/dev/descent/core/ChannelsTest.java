package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.testing.DirectBufferBackend;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-channel kernels against plain float64 loops over the same values, on a backend with the capability
 * (the reference) and on one without (the direct-buffer backend, which takes core's fallback), in both dtypes.
 */
class ChannelsTest {
    private static final List<Backend> BACKENDS = List.of(new ReferenceBackend(), DirectBufferBackend.INSTANCE);

    @Test
    void layoutsViewTheKeptRunAsChannels() {
        assertEquals(new Channels.Layout(64, 32, 784), Channels.Layout.of(Shape.of(64, 32, 28, 28), new int[] {0, 2, 3}));
        assertEquals(new Channels.Layout(1, 12, 10), Channels.Layout.of(Shape.of(4, 3, 5, 2), new int[] {2, -1}));
        assertEquals(new Channels.Layout(8, 1, 1), Channels.Layout.of(Shape.of(2, 4), new int[] {0, 1}));
        assertEquals(new Channels.Layout(5, 3, 1), Channels.Layout.of(Shape.of(5, 3), new int[] {0}));
        assertNull(Channels.Layout.of(Shape.of(3, 2, 2, 2), new int[] {1, 3}));
        assertNull(Channels.Layout.of(Shape.of(3, 2), new int[] {2}));
    }

    @Test
    void momentsSumsAndAffineMatchFloat64LoopsOnEveryPath() {
        for (Backend b : BACKENDS) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                String at = b.name() + " " + dt;
                TensorFactory f = Tensor.on(b, dt);
                Rng rng = new Rng(7);
                int outer = 3, channels = 4, inner = 37;
                Tensor x = f.normal(rng, 2, 3, outer, channels, inner), g = f.normal(rng, 0, 1, outer, channels, inner);
                Channels.Layout l = Channels.Layout.of(x.shape(), new int[] {0, 2});
                double[] xv = x.toDoubleArray(), gv = g.toDoubleArray();
                Channels.Moments m = Channels.moments(x, l);
                double[] center = {0.5, -1, 2, 0}, p = {1, 2, -1, 0.5}, q = {0.25, -3, 1, 2}, r = {1, 0, -2, 0.125};
                double[][] sums = Channels.sums(g, x, center, l);
                double[] y = Channels.affine(g, p, x, center, q, r, l).toDoubleArray();
                double[] y0 = Channels.affine(null, null, x, center, q, r, l).toDoubleArray();
                double tol = dt == DType.FLOAT64 ? 1e-12 : 1e-5;
                for (int c = 0; c < channels; c++) {
                    double s = 0, d2 = 0, sg = 0, sgx = 0;
                    for (int o = 0; o < outer; o++) for (int j = 0; j < inner; j++) s += xv[(o * channels + c) * inner + j];
                    double mean = s / (outer * inner);
                    for (int o = 0; o < outer; o++) {
                        for (int j = 0; j < inner; j++) {
                            int i = (o * channels + c) * inner + j;
                            d2 += (xv[i] - mean) * (xv[i] - mean);
                            sg += gv[i];
                            sgx += gv[i] * (xv[i] - center[c]);
                            double want = p[c] * gv[i] + q[c] * (xv[i] - center[c]) + r[c];
                            assertEquals(want, y[i], tol * (1 + Math.abs(want)), at + " affine " + i);
                            double want0 = q[c] * (xv[i] - center[c]) + r[c];
                            assertEquals(want0, y0[i], tol * (1 + Math.abs(want0)), at + " affine without a " + i);
                        }
                    }
                    // 64-bit statistics in both dtypes: close to the float64 loop's over the same values
                    assertEquals(mean, m.mean()[c], 1e-13 * (1 + Math.abs(mean)), at + " mean " + c);
                    assertEquals(d2 / (outer * inner), m.variance()[c], 1e-12 * d2, at + " variance " + c);
                    assertEquals(sg, sums[0][c], 1e-12 * (outer * inner), at + " sum " + c);
                    assertEquals(sgx, sums[1][c], 1e-12 * (outer * inner), at + " centered sum " + c);
                }
            }
        }
    }

    @Test
    void varianceKeepsItsDigitsUnderALargeMean() {
        // NOTE: E[x^2] - E[x]^2 loses every digit here (mean 1e8, spread 1): the two-pass planes do not.
        for (Backend b : BACKENDS) {
            TensorFactory f = Tensor.on(b, DType.FLOAT64);
            Tensor noise = f.normal(new Rng(11), 0, 1, 8, 2, 300);
            Tensor x = noise.add(1e8);
            Channels.Layout l = Channels.Layout.of(x.shape(), new int[] {0, 2});
            double[] shifted = Channels.moments(noise, l).variance(), raw = Channels.moments(x, l).variance();
            for (int c = 0; c < 2; c++) {
                assertEquals(shifted[c], raw[c], 1e-7 * shifted[c], b.name() + " channel " + c);
            }
        }
    }

    @Test
    void resultsAreTheSameForEveryThreadCount() {
        Tensor x = Tensor.on(new ReferenceBackend(), DType.FLOAT32).normal(new Rng(2), 0, 1, 16, 8, 1024);
        Channels.Layout l = Channels.Layout.of(x.shape(), new int[] {0, 2});
        double[][] seen = new double[2][];
        String before = System.getProperty(Threads.PROPERTY);
        try {
            for (int t = 1; t <= 2; t++) {
                System.setProperty(Threads.PROPERTY, Integer.toString(t));
                seen[t - 1] = Channels.moments(x, l).variance();
            }
        } finally {
            if (before == null) System.clearProperty(Threads.PROPERTY);
            else System.setProperty(Threads.PROPERTY, before);
        }
        assertArrayEquals(seen[0], seen[1], 0);
    }

    @Test
    void badArgumentsNameTheOperation() {
        Tensor x = Tensor.on(new ReferenceBackend(), DType.FLOAT64).zeros(2, 3);
        Channels.Layout l = Channels.Layout.of(x.shape(), new int[] {0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Channels.affine(null, null, x, new double[2], new double[3], new double[3], l));
        assertTrue(e.getMessage().startsWith("channel affine: expected 3 per-channel values, got 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Channels.moments(x, new Channels.Layout(2, 2, 2)));
        assertTrue(e.getMessage().contains("does not cover"), e.getMessage());
    }
}
