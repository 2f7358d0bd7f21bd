package dev.descent.examples.demos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A claim asserted for a majority of seeds: it may fail on at most half of them (rounded down), for demos whose
 * networks are chaotic, so that each backend's and dtype's rounding grows into a different curve. The seeds are tried
 * in their order, and trying stops once the verdict is settled: when all but half of them (rounded down) have shown
 * the claim, the others cannot change the outcome (with three seeds, two that show it settle it), so they are not
 * trained. When the claim fails, every seed is tried, so the message lists each one that misses it.
 *
 * <p>The seeds that are certainly needed are tried at once, one thread each (up to the number of processors): at first
 * the number that settles it, then as many as are still missing. Each seed's run is independent of the others
 * (its own model, data and optimiser, on a backend that is safe for concurrent callers), so the verdict and the seeds
 * tried are those of trying them one by one.
 *
 * <pre>{@code
 * Majority.assertHolds(new long[] {42, 1, 2}, seed -> claimFails(runs(seed)));   // null when the seed shows it
 * }</pre>
 */
final class Majority {
    private Majority() {
    }

    /**
     * Passes when the seeds that miss the claim ({@code whyFails} gives their reason, and null for a seed that shows
     * it) are at most half of {@code seeds}, rounded down; fails listing each one's reason otherwise.
     *
     * @return the number of seeds tried: a prefix of {@code seeds}
     */
    static int assertHolds(long[] seeds, LongFunction<String> whyFails) {
        int allowed = seeds.length / 2, needed = seeds.length - allowed, passed = 0, tried = 0;
        List<String> failed = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1,
                Math.min(needed, Runtime.getRuntime().availableProcessors())));
        try {
            while (tried < seeds.length && passed < needed) {
                // each seed of this round is needed: were they all to show the claim, it would be just settled
                int round = Math.min(needed - passed, seeds.length - tried);
                List<Future<String>> results = new ArrayList<>();
                for (int i = tried; i < tried + round; i++) {
                    long seed = seeds[i];
                    results.add(pool.submit(() -> whyFails.apply(seed)));
                }
                for (int i = 0; i < round; i++) {
                    String why = outcome(results.get(i));
                    if (why == null) passed++;
                    else failed.add("seed " + seeds[tried + i] + ": " + why);
                }
                tried += round;
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(failed.size() <= allowed, "the claim fails on " + failed);
        return tried;
    }

    /** The seed's result, or what its run threw, as it threw it. */
    private static String outcome(Future<String> result) {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a seed trained", e);
        }
    }
}
