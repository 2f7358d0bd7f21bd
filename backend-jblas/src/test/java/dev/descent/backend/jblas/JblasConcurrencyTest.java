package dev.descent.backend.jblas;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.spi.Backend;
import org.jblas.NativeBlas;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent GEMMs on jBLAS equal the single-threaded products bit for bit.
 *
 * <p>The shapes are those on which jBLAS's bundled OpenBLAS gives wrong products under concurrent callers
 * (16x64 . 64x256 and 16x256 . 256x256, float32 and float64). The same calls made straight to
 * {@code org.jblas.NativeBlas} from the same threads are counted first and printed, not asserted: without the
 * backend's lock the failures are real but rare and timing-dependent.
 */
class JblasConcurrencyTest {
    private static final int THREADS = 2;
    /** Per shape and dtype, and per way of calling: 4 cases x 2 ways x 400 ms. */
    private static final long MILLIS = 400;
    private static final int[][] SHAPES = {{16, 64, 256}, {16, 256, 256}};

    /** One product: row-major a (m x k) times b (k x n), and its single-threaded result. */
    private record Case(DType dtype, int m, int k, int n, Object a, Object b, Object expected) {
        Object output() {
            return dtype == DType.FLOAT64 ? new double[m * n] : new float[m * n];
        }

        boolean matches(Object c) {
            return dtype == DType.FLOAT64 ? Arrays.equals((double[]) expected, (double[]) c)
                    : Arrays.equals((float[]) expected, (float[]) c);
        }
    }

    private interface Gemm {
        void run(Case p, Object c);
    }

    private static List<Case> cases(JblasBackend backend) {
        List<Case> cases = new ArrayList<>();
        Rng rng = new Rng(17);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] s : SHAPES) {
                int m = s[0], k = s[1], n = s[2];
                Object a = values(dtype, rng, m * k), b = values(dtype, rng, k * n);
                Object c = dtype == DType.FLOAT64 ? new double[m * n] : new float[m * n];
                gemm(backend, dtype, m, n, k, a, b, c);
                cases.add(new Case(dtype, m, k, n, a, b, c));
            }
        }
        return cases;
    }

    /** The backend's GEMM on the arrays (its typed hook, where the lock is). */
    private static void gemm(JblasBackend backend, DType dtype, int m, int n, int k, Object a, Object b, Object c) {
        if (dtype == DType.FLOAT64) {
            backend.gemm(false, false, m, n, k, 1.0, (double[]) a, 0, (double[]) b, 0, 0.0, (double[]) c, 0);
        } else {
            backend.gemm(false, false, m, n, k, 1f, (float[]) a, 0, (float[]) b, 0, 0f, (float[]) c, 0);
        }
    }

    private static Object values(DType dtype, Rng rng, int size) {
        double[] d = new double[size];
        for (int i = 0; i < size; i++) d[i] = rng.nextGaussian();
        if (dtype == DType.FLOAT64) return d;
        float[] f = new float[size];
        for (int i = 0; i < size; i++) f[i] = (float) d[i];
        return f;
    }

    /** Runs {@code gemm} on each case from {@link #THREADS} threads for {@link #MILLIS} ms; returns {calls, mismatches}. */
    private static long[] hammer(List<Case> cases, Gemm gemm) throws InterruptedException {
        long[] total = new long[2];
        for (Case p : cases) {
            long[] one = hammer(p, gemm);
            total[0] += one[0];
            total[1] += one[1];
        }
        return total;
    }

    private static long[] hammer(Case p, Gemm gemm) throws InterruptedException {
        AtomicLong calls = new AtomicLong(), wrong = new AtomicLong();
        List<Throwable> failures = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        long end = System.nanoTime() + MILLIS * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    while (System.nanoTime() < end) {
                        Object c = p.output();
                        gemm.run(p, c);
                        calls.incrementAndGet();
                        if (!p.matches(c)) wrong.incrementAndGet();
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
        for (Thread thread : threads) thread.join(MILLIS + 30_000);
        assertEquals(List.of(), failures, "no call may throw");
        return new long[] {calls.get(), wrong.get()};
    }

    /** The call the backend makes for a row-major product without transposes (see JblasBackend). */
    private static void direct(Case p, Object c) {
        if (p.dtype() == DType.FLOAT64) {
            NativeBlas.dgemm('N', 'N', p.n(), p.m(), p.k(), 1.0, (double[]) p.b(), 0, p.n(), (double[]) p.a(), 0, p.k(),
                    0.0, (double[]) c, 0, p.n());
        } else {
            NativeBlas.sgemm('N', 'N', p.n(), p.m(), p.k(), 1f, (float[]) p.b(), 0, p.n(), (float[]) p.a(), 0, p.k(),
                    0f, (float[]) c, 0, p.n());
        }
    }

    @Test
    void concurrentProductsEqualTheSingleThreadedOnesBitForBit() throws InterruptedException {
        JblasBackend backend = (JblasBackend) JblasConformanceTest.jblas();
        List<Case> cases = cases(backend);
        long[] before = hammer(cases, JblasConcurrencyTest::direct);
        long[] after = hammer(cases, (p, c) -> gemm(backend, p.dtype(), p.m(), p.n(), p.k(), p.a(), p.b(), c));
        System.out.printf("jBLAS concurrent gemm, %d threads, %d ms per case: NativeBlas directly %d wrong of %d calls; "
                + "through the backend %d wrong of %d calls%n", THREADS, MILLIS, before[1], before[0], after[1], after[0]);
        assertTrue(after[0] >= 400, "too few calls to tell (a very loaded machine?): " + after[0]);
        assertEquals(0, after[1], "wrong products through the backend, of " + after[0] + " calls");
    }
}
