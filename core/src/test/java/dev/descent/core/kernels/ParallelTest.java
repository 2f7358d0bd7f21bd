package dev.descent.core.kernels;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.Threads;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The intra-op pool: elementwise kernels give the same bits at 1, 2 and 3 threads on sizes that do not divide
 * evenly, reductions give the same value on every run (and, by their fixed blocks, at every thread count), and the
 * pool's threads are named daemons that run nested calls inline.
 */
class ParallelTest {
    private static final String BEFORE = System.getProperty(Threads.PROPERTY);

    @AfterEach
    void restore() {
        if (BEFORE == null) System.clearProperty(Threads.PROPERTY);
        else System.setProperty(Threads.PROPERTY, BEFORE);
    }

    private static <T> T at(int threads, java.util.function.Supplier<T> work) {
        System.setProperty(Threads.PROPERTY, Integer.toString(threads));
        return work.get();
    }

    /** {@code f} at 1, 2 and 3 threads: the bits of the three results. */
    private static List<int[]> atThreeCounts(Function<Tensor, Tensor> f, Tensor x) {
        List<int[]> out = new ArrayList<>();
        for (int t = 1; t <= 3; t++) {
            float[] v = at(t, () -> f.apply(x)).toFloatArray();
            int[] bits = new int[v.length];
            for (int i = 0; i < v.length; i++) bits[i] = Float.floatToRawIntBits(v[i]);
            out.add(bits);
        }
        return out;
    }

    @Test
    void elementwiseResultsAreBitIdenticalAtOneTwoAndThreeThreads() {
        var f = Tensor.on(ReferenceBackend.INSTANCE, DType.FLOAT32);
        int rows = 1_037, cols = 131; // 135,847 elements: above the threshold, no count divides it evenly
        Tensor x = f.normal(new Rng(3), 0, 2, rows, cols), y = f.normal(new Rng(4), 0, 1, rows, cols);
        Tensor row = f.normal(new Rng(5), 0, 1, cols), positive = x.abs();
        assertTrue((long) rows * cols >= Parallel.THRESHOLD);
        List<Function<Tensor, Tensor>> ops = List.of(Tensor::exp, t -> positive.log(), Tensor::tanh, Tensor::sigmoid,
                Tensor::relu, t -> t.add(y), t -> t.add(row), t -> row.sub(t), t -> t.mul(2.5));
        for (Function<Tensor, Tensor> op : ops) {
            List<int[]> r = atThreeCounts(op, x);
            assertArrayEquals(r.get(0), r.get(1), "1 against 2 threads");
            assertArrayEquals(r.get(0), r.get(2), "1 against 3 threads");
        }
    }

    @Test
    void reductionsAreTheSameOnEveryRunAndAtEveryThreadCount() {
        var f = Tensor.on(ReferenceBackend.INSTANCE, DType.FLOAT32);
        Tensor x = f.normal(new Rng(6), 1, 3, 701, 389), flat = x.reshape(-1); // 272,689: 17 blocks, one partial
        float total = at(2, () -> flat.sum()).toFloatArray()[0];
        float[] columns = at(2, () -> x.sum(0)).toFloatArray();
        for (int run = 0; run < 5; run++) {
            assertEquals(Float.floatToRawIntBits(total), Float.floatToRawIntBits(at(2, () -> flat.sum()).toFloatArray()[0]));
            assertArrayEquals(columns, at(2, () -> x.sum(0)).toFloatArray());
        }
        for (int t : new int[] {1, 3}) {
            assertEquals(Float.floatToRawIntBits(total), Float.floatToRawIntBits(at(t, () -> flat.sum()).toFloatArray()[0]));
            assertEquals(at(2, () -> x.sum()).item(), at(t, () -> x.sum()).item());
            assertArrayEquals(columns, at(t, () -> x.sum(0)).toFloatArray());
        }
        // the fixed blocks, summed one after the other on this thread, are exactly what the pool computed
        float[] v = flat.toFloatArray();
        float expected = 0;
        for (int b = 0; b < v.length; b += Parallel.BLOCK) {
            float s = 0;
            for (int i = b; i < Math.min(v.length, b + Parallel.BLOCK); i++) s += v[i];
            expected += s;
        }
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(total));
        assertEquals(at(1, () -> x.max()).item(), v[argmax(v)]);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    @Test
    void partsRunOnNamedDaemonThreadsAndNestedCallsRunInline() {
        System.setProperty(Threads.PROPERTY, "2");
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Set<String> nestedMismatch = ConcurrentHashMap.newKeySet();
        CountDownLatch both = new CountDownLatch(2);
        Thread[] caller = new Thread[1]; // assertTimeoutPreemptively makes the call on a thread of its own
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            caller[0] = Thread.currentThread();
            Parallel.forRange(2 * Parallel.THRESHOLD, 1, (from, to) -> {
                Thread self = Thread.currentThread();
                seen.add(self);
                both.countDown();
                try {
                    both.await(10, TimeUnit.SECONDS); // both parts run at once: one of them on a helper
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                Parallel.forRange(4 * Parallel.THRESHOLD, 1, (a, b) -> {
                    if (Thread.currentThread() != self) nestedMismatch.add(Thread.currentThread().getName());
                });
            });
        });
        assertEquals(2, seen.size(), "two threads ran the two parts");
        Thread helper = seen.stream().filter(t -> t != caller[0]).findFirst().orElseThrow();
        assertTrue(helper.getName().startsWith("descent-intra-op-"), helper.getName());
        assertTrue(helper.isDaemon());
        assertEquals(Set.of(), nestedMismatch, "nested calls ran on the thread of their part");
    }

    @Test
    void smallWorkAndOneThreadRunInOneCallOnTheCaller() {
        System.setProperty(Threads.PROPERTY, "3");
        assertEquals(1, Parallel.parts(Parallel.THRESHOLD - 1, 1));
        assertEquals(3, Parallel.parts(Parallel.THRESHOLD, 1));
        assertEquals(2, Parallel.parts(2, Parallel.THRESHOLD));
        System.setProperty(Threads.PROPERTY, "1");
        List<Thread> ran = new ArrayList<>();
        Parallel.forRange(10 * Parallel.THRESHOLD, 1, (a, b) -> ran.add(Thread.currentThread()));
        assertEquals(List.of(Thread.currentThread()), ran);
    }

    @Test
    void partsCoverTheRangeOnceAndAFailureReachesTheCaller() {
        System.setProperty(Threads.PROPERTY, "3");
        int n = 3 * Parallel.THRESHOLD + 5;
        int[] hits = new int[n];
        Parallel.forRange(n, 1, (a, b) -> {
            for (int i = a; i < b; i++) hits[i]++;
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits[i], "element " + i);
        IllegalArgumentException boom = new IllegalArgumentException("part failed");
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(n, 1, (a, b) -> {
            if (a == 0) throw boom;
        })));
        assertNotEquals(0, Parallel.blocks(Parallel.THRESHOLD) - 1);
        assertEquals(1, Parallel.blocks(Parallel.THRESHOLD - 1));
    }
}
