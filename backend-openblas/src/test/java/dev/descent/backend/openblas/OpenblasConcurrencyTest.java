package dev.descent.backend.openblas;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;
import org.junit.jupiter.api.Test;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrent GEMMs on OpenBLAS equal the single-threaded products bit for bit: three threads, each running every
 * case in its own order (so products of different shapes and dtypes overlap, and each thread's buffers grow and
 * are reused), on shapes that include those where jBLAS's OpenBLAS fails under concurrent callers (16x64 . 64x256,
 * 16x256 . 256x256) and one large enough for OpenBLAS to split over its own threads.
 */
class OpenblasConcurrencyTest {
    private static final int THREADS = 3;
    /** Each thread runs every case this many times. */
    private static final int ROUNDS = 6;
    private static final int[][] SHAPES = {{16, 64, 256}, {16, 256, 256}, {3, 5, 7}, {160, 192, 176}};

    /** One product: row-major a (m x k) times b (k x n) into a fresh c, and its single-threaded result. */
    private record Case(DType dtype, int m, int k, int n, Storage a, Storage b, double[] expected) {
        double[] run(Backend backend) {
            Storage c = backend.allocate(dtype, m * n);
            backend.fill(c, Double.NaN); // beta 0 must ignore it
            backend.gemm(false, false, m, n, k, 1.0, a, 0, b, 0, 0.0, c, 0);
            double[] out = new double[m * n];
            for (int i = 0; i < out.length; i++) out[i] = backend.get(c, i);
            return out;
        }
    }

    private static Storage values(Backend backend, DType dtype, Rng rng, int size) {
        double[] d = new double[size];
        for (int i = 0; i < size; i++) d[i] = dtype == DType.FLOAT32 ? (float) rng.nextGaussian() : rng.nextGaussian();
        Storage s = backend.allocate(dtype, size);
        if (dtype == DType.FLOAT64) backend.write(DoubleBuffer.wrap(d), s, 0);
        else {
            float[] f = new float[size];
            for (int i = 0; i < size; i++) f[i] = (float) d[i];
            backend.write(java.nio.FloatBuffer.wrap(f), s, 0);
        }
        return s;
    }

    @Test
    void concurrentProductsEqualTheSingleThreadedOnesBitForBit() throws InterruptedException {
        Backend backend = OpenblasConformanceTest.openblas();
        List<Case> cases = new ArrayList<>();
        Rng rng = new Rng(23);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] s : SHAPES) {
                Storage a = values(backend, dtype, rng, s[0] * s[1]), b = values(backend, dtype, rng, s[1] * s[2]);
                Case without = new Case(dtype, s[0], s[1], s[2], a, b, null);
                cases.add(new Case(dtype, s[0], s[1], s[2], a, b, without.run(backend)));
            }
        }
        AtomicLong calls = new AtomicLong(), wrong = new AtomicLong();
        List<Throwable> failures = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = first; i < first + ROUNDS * cases.size(); i++) {
                        Case p = cases.get(i % cases.size());
                        if (!Arrays.equals(p.expected(), p.run(backend))) wrong.incrementAndGet();
                        calls.incrementAndGet();
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "gemm-" + t);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) thread.join(120_000);
        assertEquals(List.of(), failures, "no call may throw");
        System.out.printf("OpenBLAS concurrent gemm: %d threads, %d calls in %d ms%n", THREADS, calls.get(),
                (System.nanoTime() - t0) / 1_000_000);
        assertEquals((long) THREADS * ROUNDS * cases.size(), calls.get(), "every call returned");
        assertEquals(0, wrong.get(), "wrong products of " + calls.get() + " concurrent calls");
    }
}
