package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The all-reduce among tasks (threads here, each with its own sockets on 127.0.0.1, introduced by a real driver-side
 * {@link GradientExchange}) gives every task the driver's partition-order sum bit for bit, and a peer that vanishes
 * or falls silent fails the others within a bounded time.
 */
@Timeout(60)
class AllReduceTest {
    private static final long TIMEOUT = 20_000_000_000L;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private GradientExchange driver;
    private long attempt = 1;

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (driver != null) driver.close();
    }

    private GradientExchange.Address driver(long timeoutNanos) {
        driver = new GradientExchange("127.0.0.1", 0, timeoutNanos);
        return driver.address();
    }

    /** One task's share of a step: its parameters (with gradients where present), rows and loss. */
    record Share(List<Variable> params, long rows, double loss) {
    }

    private static Tensor random(DType dtype, int n, Random rng) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            double u = rng.nextDouble();
            v[j] = u < 0.05 ? -0.0 : u < 0.1 ? 0.0 : rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3);
        }
        return Tensor.on(Backends.get("ejml"), dtype).of(v, n);
    }

    private static List<Variable> zeros(DType[] dtypes, int[] sizes) {
        List<Variable> ps = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) ps.add(Variable.parameter(Tensor.on(Backends.get("ejml"), dtypes[i]).zeros(sizes[i])));
        return ps;
    }

    /** Parameters holding gradients already, as a task's do after computing its share: random values, some none. */
    private static List<Variable> stale(DType[] dtypes, int[] sizes, Random rng) {
        List<Variable> ps = zeros(dtypes, sizes);
        for (int i = 0; i < sizes.length; i++) if (rng.nextInt(4) != 0) ps.get(i).backward(random(dtypes[i], sizes[i], rng));
        return ps;
    }

    /** A random share: some partitions without rows, some parameters without gradient. */
    private static Share share(DType[] dtypes, int[] sizes, Random rng) {
        List<Variable> ps = zeros(dtypes, sizes);
        long rows = rng.nextInt(4) == 0 ? 0 : 1 + rng.nextInt(9);
        if (rows > 0) {
            for (int i = 0; i < sizes.length; i++) if (rng.nextInt(5) != 0) ps.get(i).backward(random(dtypes[i], sizes[i], rng));
        }
        return new Share(ps, rows, rows == 0 ? 0 : rng.nextGaussian());
    }

    /** What a task received in one step: the sum's gradients (added into fresh parameters), rows and loss. */
    record Got(List<Variable> grads, long rows, double loss) {
    }

    /** What each task adds into fresh parameters from the driver's sum: the driver exchange's result. */
    private static List<Variable> viaDriver(List<Share> shares, DType[] dtypes, int[] sizes) {
        GradientSum sum = GradientSum.zero();
        boolean single = true;
        for (Share s : shares) {
            GradientSum g = s.rows() == 0 ? GradientSum.zero() : GradientSum.share(s.params(), s.loss(), s.rows(), 0, 0);
            sum.add(g);
            single &= g.rows == 0 || g.f32 != null;
        }
        GradientSum received = GradientSum.decode(sum.encode(-1, single));
        List<Variable> ps = zeros(dtypes, sizes);
        received.backwardInto(ps);
        List<Variable> set = stale(dtypes, sizes, new Random(sizes.length));
        received.setGrads(set);
        assertSameBits(ps, set, "setGrads against backwardInto into zeroed gradients");
        assertEquals(sum.rows, received.rows());
        assertEquals(Double.doubleToRawLongBits(sum.loss), Double.doubleToRawLongBits(received.loss()));
        return ps;
    }

    private static void assertSameBits(List<Variable> expected, List<Variable> actual, String what) {
        for (int i = 0; i < expected.size(); i++) {
            Tensor e = expected.get(i).grad(), a = actual.get(i).grad();
            if (e == null) {
                assertNull(a, what + ": parameter " + i + " has no gradient in the driver's sum");
                continue;
            }
            assertEquals(e.dtype(), a.dtype(), what);
            double[] x = e.toDoubleArray(), y = a.toDoubleArray();
            for (int j = 0; j < x.length; j++) {
                if (Double.doubleToRawLongBits(x[j]) != Double.doubleToRawLongBits(y[j])) {
                    throw new AssertionError(what + ": parameter " + i + " element " + j + ": driver " + x[j] + ", all-reduce " + y[j]);
                }
            }
        }
    }

    private AllReduce open(GradientExchange.Address at, int partition, int partitions, int[] sizes, int width,
                           long timeoutNanos) throws IOException {
        return AllReduce.open(at, attempt, partition, partitions, "127.0.0.1", sizes, width, timeoutNanos, null);
    }

    @Test
    void everyTaskReceivesTheDriversPartitionOrderSumBitForBit() throws Exception {
        Random rng = new Random(23);
        for (int trial = 0; trial < 16; trial++, attempt++) {
            int partitions = 1 + trial % 4;
            int[] sizes = new int[1 + rng.nextInt(5)];
            DType[] dtypes = new DType[sizes.length];
            boolean mixed = trial % 3 == 2;
            DType dtype = trial % 3 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = 1 + rng.nextInt(trial % 2 == 0 ? 7 : 3000);
                dtypes[i] = mixed && i % 2 == 1 ? DType.FLOAT64 : dtype;
            }
            int width = mixed || dtype == DType.FLOAT64 ? 8 : 4;
            List<List<Share>> steps = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                List<Share> shares = new ArrayList<>();
                for (int q = 0; q < partitions; q++) shares.add(share(dtypes, sizes, rng));
                if (shares.stream().allMatch(s -> s.rows() == 0)) shares.set(0, new Share(shares.get(0).params(), 1, 0.5));
                steps.add(shares);
            }
            GradientExchange.Address at = driver(TIMEOUT);
            List<Future<List<Got>>> tasks = new ArrayList<>();
            for (int q = 0; q < partitions; q++) {
                int partition = q;
                tasks.add(pool.submit(() -> {
                    List<Got> out = new ArrayList<>();
                    try (AllReduce a = open(at, partition, partitions, sizes, width, TIMEOUT)) {
                        for (int k = 0; k < steps.size(); k++) {
                            Share s = steps.get(k).get(partition);
                            BarrierSteps.Total t = a.exchange(s.params(), s.rows(), s.loss(), k, new BarrierSteps.Times());
                            // the sum overwrites whatever gradients the parameters hold, and clears those it has none for
                            List<Variable> ps = stale(dtypes, sizes, new Random(k * 31L + partition));
                            t.setGrads(ps);
                            out.add(new Got(ps, t.rows(), t.loss()));
                        }
                    }
                    return out;
                }));
            }
            for (int q = 0; q < partitions; q++) {
                List<Got> got = tasks.get(q).get(30, TimeUnit.SECONDS);
                for (int k = 0; k < steps.size(); k++) {
                    String what = "trial " + trial + " (" + partitions + " partitions, width " + width + "), step " + k + ", task " + q;
                    assertSameBits(viaDriver(steps.get(k), dtypes, sizes), got.get(k).grads(), what);
                    GradientSum sum = GradientSum.zero();
                    for (Share s : steps.get(k)) {
                        sum.add(s.rows() == 0 ? GradientSum.zero() : GradientSum.share(s.params(), s.loss(), s.rows(), 0, 0));
                    }
                    assertEquals(sum.rows, got.get(k).rows(), what + ": rows");
                    assertEquals(Double.doubleToRawLongBits(sum.loss), Double.doubleToRawLongBits(got.get(k).loss()), what + ": loss");
                }
            }
            driver.close();
        }
    }

    private static Throwable failure(Future<?> f) throws InterruptedException, java.util.concurrent.TimeoutException {
        try {
            f.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the task did not fail");
    }

    @Test
    void aPeerThatClosesItsConnectionsFailsTheOthersAtOnce() throws Exception {
        int[] sizes = {5000};
        DType[] dtypes = {DType.FLOAT32};
        GradientExchange.Address at = driver(TIMEOUT);
        List<Future<?>> others = new ArrayList<>();
        Future<?> leaver = null;
        for (int q = 0; q < 3; q++) {
            int partition = q;
            Future<?> f = pool.submit(() -> {
                try (AllReduce a = open(at, partition, 3, sizes, 4, TIMEOUT)) {
                    if (partition == 1) return null; // gone before its first step
                    Share s = share(dtypes, sizes, new Random(partition));
                    a.exchange(s.params(), Math.max(1, s.rows()), s.loss(), 0, new BarrierSteps.Times());
                }
                return null;
            });
            if (q == 1) leaver = f;
            else others.add(f);
        }
        long start = System.nanoTime();
        leaver.get(15, TimeUnit.SECONDS);
        int namingTheLeaver = 0;
        for (Future<?> f : others) {
            Throwable e = failure(f);
            assertInstanceOf(IOException.class, e);
            // NOTE: "closed the connection" (its FIN) or a reset, if the peer closed with a share unread. A survivor
            // may first see the other survivor, which has already failed on the leaver and closed its connections.
            assertTrue(e.getMessage().matches("(?s).*the connection to partition [012] \\(127\\.0\\.0\\.1:.*")
                    && e.getMessage().contains("failed at step 0"), e.getMessage());
            if (e.getMessage().contains("the connection to partition 1 (")) namingTheLeaver++;
        }
        assertTrue(namingTheLeaver >= 1, "no survivor named the partition that left");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "failed after " + seconds + " s, not at once (the timeout is 20 s)");
    }

    @Test
    void aSilentPeerFailsTheStepAfterTheTimeout() throws Exception {
        int[] sizes = {64, 3};
        long timeout = 1_000_000_000L;
        GradientExchange.Address at = driver(TIMEOUT);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Future<?> silent = pool.submit(() -> {
            try (AllReduce a = open(at, 1, 2, sizes, 8, timeout)) {
                done.await(); // connected, but never sends its share
            }
            return null;
        });
        long start = System.nanoTime();
        Future<?> waiting = pool.submit(() -> {
            try (AllReduce a = open(at, 0, 2, sizes, 8, timeout)) {
                Share s = share(new DType[] {DType.FLOAT64, DType.FLOAT64}, sizes, new Random(3));
                a.exchange(s.params(), 1, 0.25, 0, new BarrierSteps.Times());
            }
            return null;
        });
        Throwable e = failure(waiting);
        double seconds = (System.nanoTime() - start) / 1e9;
        done.countDown();
        silent.get(15, TimeUnit.SECONDS);
        assertTrue(e.getMessage().contains("waited 1000 ms (spark.descent.exchange.timeout)")
                && e.getMessage().contains("step 0 from partition 1 (127.0.0.1:"), e.getMessage());
        assertTrue(seconds >= 1 && seconds < 8, "failed after " + seconds + " s, the timeout is 1 s");
    }

    @Test
    void aPeerThatNeverArrivesFailsTheRendezvousAfterTheTimeout() throws Exception {
        long timeout = 1_000_000_000L;
        GradientExchange.Address at = driver(timeout);
        long start = System.nanoTime();
        Future<?> alone = pool.submit(() -> {
            try (AllReduce a = open(at, 0, 2, new int[] {4}, 4, timeout)) {
                return null;
            }
        });
        Throwable e = failure(alone);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertInstanceOf(IOException.class, e);
        assertTrue(e.getMessage().contains("the rendezvous of partition 0 with the driver at 127.0.0.1:"), e.getMessage());
        assertTrue(seconds < 8, "failed after " + seconds + " s, the timeout is 1 s");
    }
}
