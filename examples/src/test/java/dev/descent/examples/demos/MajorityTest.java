package dev.descent.examples.demos;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MajorityTest {
    private static long[] seeds(int n) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) s[i] = 100 + i;
        return s;
    }

    /**
     * For every pattern of outcomes over 1 to 6 seeds: the verdict of trying them all (failures at most n / 2), and
     * the seeds tried are those that trying them one by one, up to the verdict, would try.
     */
    @Test
    void theVerdictIsThatOfTryingEverySeedForEveryPatternOfOutcomes() {
        for (int n = 1; n <= 6; n++) {
            long[] seeds = seeds(n);
            for (int pattern = 0; pattern < 1 << n; pattern++) {
                int fails = Integer.bitCount(pattern), p = pattern;
                Set<Long> tried = ConcurrentHashMap.newKeySet(); // a round's seeds train at once
                Runnable check = () -> Majority.assertHolds(seeds, seed -> {
                    tried.add(seed);
                    return (p >> (int) (seed - 100) & 1) == 1 ? "missed" : null;
                });
                if (fails <= n / 2) {
                    assertDoesNotThrow(check::run, n + " seeds, pattern " + Integer.toBinaryString(pattern));
                    assertEquals(oneByOne(n, pattern), tried.size(), "pattern " + Integer.toBinaryString(pattern));
                } else {
                    AssertionError e = assertThrows(AssertionError.class, check::run);
                    assertEquals(n, tried.size(), "a failing claim tries every seed");
                    assertTrue(e.getMessage().contains("seed " + (100 + Integer.numberOfTrailingZeros(pattern)) + ": missed"),
                            e.getMessage());
                }
                for (int i = 0; i < tried.size(); i++) assertTrue(tried.contains(seeds[i]), "a prefix of the seeds");
            }
        }
    }

    /** How many seeds trying them in order takes until n - n / 2 have shown the claim (bit i: seed i fails). */
    private static int oneByOne(int n, int pattern) {
        int passed = 0;
        for (int i = 0; i < n; i++) {
            if ((pattern >> i & 1) == 0 && ++passed == n - n / 2) return i + 1;
        }
        return n;
    }

    @Test
    void triesStopOnceMoreThanHalfShowTheClaim() {
        assertEquals(2, Majority.assertHolds(seeds(3), seed -> null));
        assertEquals(3, Majority.assertHolds(seeds(5), seed -> null));
        assertEquals(3, Majority.assertHolds(seeds(3), seed -> seed == 100 ? "missed" : null));
        assertEquals(4, Majority.assertHolds(seeds(5), seed -> seed == 101 ? "missed" : null));
    }

    @Test
    void whatASeedsRunThrowsIsThrownAsItIs() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Majority.assertHolds(seeds(3), seed -> {
            if (seed == 101) throw new IllegalStateException("diverged into an exception");
            return null;
        }));
        assertEquals("diverged into an exception", e.getMessage());
    }
}
