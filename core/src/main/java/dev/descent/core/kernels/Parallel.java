package dev.descent.core.kernels;

import dev.descent.core.Threads;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The intra-op thread pool: one per JVM, shared by every backend on JVM arrays, of daemon threads named
 * {@code descent-intra-op-N}, with as many threads as Descent's one setting ({@link Threads#count()}, read on each
 * call) minus the calling thread, which always takes part.
 *
 * <p>{@link #forRange} splits {@code [0, n)} into at most {@code Threads.count()} contiguous parts when the work
 * reaches {@link #THRESHOLD} elements. Parts are claimed from a counter by the caller and the helpers alike, so the
 * caller finishes every part itself when no helper is free: nothing waits on a queued task, and a call made from
 * inside a part (a nested call) runs inline on its thread. Elementwise kernels compute each element with the same
 * operations whatever the split, so their results are bit-identical for every thread count. A reduction splits
 * its work into {@link #BLOCK}-element blocks that depend only on its shape, never on the thread count or on
 * which thread ran what, and combines the blocks' results in block order ({@link #blocks}).
 *
 * <pre>{@code
 * Parallel.forRange(n, 1, (from, to) -> DoubleKernels.map(op, x, out, from, to, p, q));
 * }</pre>
 */
public final class Parallel {
    /**
     * Elements from which a kernel is split over threads. NOTE: a part handed to a parked helper thread costs its
     * wake-up, some microseconds; 65,536 elements take 6-8 us in the cheapest vectorised loop (add, relu, at about
     * 0.1 ns per element) and far longer in exp, log, tanh or sigmoid. {@code KernelBenchmark} at 1e5 and 1e7
     * elements with {@code -Ddescent.threads=1} and {@code =2} measures what it gains.
     */
    public static final int THRESHOLD = 1 << 16;
    /** Elements per block of a split reduction: its partial results combine in block order. */
    public static final int BLOCK = 1 << 14;
    /** Parts start at multiples of this many units, so each part's loops start on a cache line. */
    private static final int ALIGN = 64;

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static ThreadPoolExecutor pool;

    private Parallel() {
    }

    /** A body over the units {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)}: in one call on this thread when {@code n * unitSize} is below
     * {@link #THRESHOLD}, when the setting is 1 thread or when this is a nested call; otherwise in contiguous parts
     * over the pool and this thread, returning when all have run. The first exception of a part is rethrown.
     *
     * @param unitSize elements per unit (1 for an element, the row length for rows)
     */
    public static void forRange(int n, int unitSize, Range body) {
        int parts = parts(n, unitSize);
        if (parts <= 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        int step = (n + parts - 1) / parts;
        if (unitSize == 1) step = (step + ALIGN - 1) / ALIGN * ALIGN;
        int size = step;
        run((n + size - 1) / size, p -> body.run(p * size, Math.min(n, p * size + size)));
    }

    /** How many parts {@link #forRange} makes of {@code n} units of {@code unitSize} elements now. */
    static int parts(int n, int unitSize) {
        if ((long) n * unitSize < THRESHOLD || n < 2 || INSIDE.get()) return 1;
        return Math.min(Threads.count(), n);
    }

    /** The number of {@link #BLOCK}-element blocks of a reduction over {@code n} elements (1 below the threshold). */
    public static int blocks(long n) {
        return n < THRESHOLD ? 1 : (int) ((n + BLOCK - 1) / BLOCK);
    }

    /** A body for part {@code p}. */
    @FunctionalInterface
    interface Part {
        void run(int p);
    }

    /** Runs parts {@code 0..parts-1}, each once, over the pool and this thread; {@code parts >= 1}. */
    static void run(int parts, Part body) {
        int threads = Math.min(parts, INSIDE.get() ? 1 : Threads.count());
        if (threads <= 1) {
            for (int p = 0; p < parts; p++) body.run(p);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(parts);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            boolean outer = INSIDE.get();
            INSIDE.set(Boolean.TRUE);
            try {
                for (int p; (p = next.getAndIncrement()) < parts; ) {
                    try {
                        if (failure.get() == null) body.run(p);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        done.countDown();
                    }
                }
            } finally {
                INSIDE.set(outer);
            }
        };
        ThreadPoolExecutor helpers = pool(threads - 1);
        for (int h = 0; h < threads - 1; h++) helpers.execute(worker);
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the parts still write into the caller's arrays: wait for them
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException("intra-op part failed", t);
    }

    /** The shared pool with at least {@code helpers} threads. */
    private static synchronized ThreadPoolExecutor pool(int helpers) {
        if (pool == null) {
            pool = new ThreadPoolExecutor(helpers, helpers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "descent-intra-op-" + NAMES.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
        } else if (pool.getMaximumPoolSize() < helpers) {
            pool.setMaximumPoolSize(helpers);
            pool.setCorePoolSize(helpers);
        }
        return pool;
    }
}
