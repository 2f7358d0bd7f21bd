package dev.descent.core;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RngTest {

    @Test
    void theSameSeedGivesTheSameSequence() {
        Rng a = new Rng(42), b = new Rng(42);
        for (int i = 0; i < 100; i++) assertEquals(a.nextLong(), b.nextLong());
        assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
    }

    @Test
    void knownFirstValuesPinTheAlgorithm() {
        // xoshiro256** seeded by SplitMix64 from 0: any change to the generator changes checkpoints and datasets.
        Rng r = new Rng(0);
        long first = r.nextLong();
        Rng again = new Rng(0);
        assertEquals(first, again.nextLong());
        // SplitMix64's first output for seed 0 is 0xE220A8397B1DCDAF; the state words start from it.
        assertEquals(0xE220A8397B1DCDAFL, new Rng(0).state()[0]);
    }

    @Test
    void stateRestoresExactly() {
        Rng r = new Rng(7);
        for (int i = 0; i < 13; i++) r.nextGaussian();
        long[] saved = r.state();
        double[] expected = new double[20];
        r.fillNormal(expected, 0, 1);
        Rng restored = Rng.fromState(saved);
        double[] actual = new double[20];
        restored.fillNormal(actual, 0, 1);
        assertArrayEquals(expected, actual);
        Rng other = new Rng(99);
        other.restore(saved);
        assertEquals(Rng.fromState(saved).nextLong(), other.nextLong());
        assertThrows(IllegalArgumentException.class, () -> other.restore(new long[4]));
        assertThrows(IllegalArgumentException.class, () -> Rng.fromState(new long[3]));
        assertThrows(IllegalArgumentException.class, () -> Rng.fromState(new long[4]));
    }

    @Test
    void splitGivesIndependentReproducibleStreams() {
        Rng parent1 = new Rng(5), parent2 = new Rng(5);
        Rng child1 = parent1.split(), child2 = parent2.split();
        assertEquals(child1.nextLong(), child2.nextLong());
        assertEquals(parent1.nextLong(), parent2.nextLong());
        assertNotEquals(new Rng(5).split().nextLong(), new Rng(5).nextLong());
    }

    @Test
    void uniformAndNormalHaveTheRightMoments() {
        Rng r = new Rng(11);
        int n = 200_000;
        double[] u = new double[n];
        r.fillUniform(u, -1, 3);
        double mean = Arrays.stream(u).average().orElseThrow();
        assertEquals(1.0, mean, 0.02);
        assertTrue(Arrays.stream(u).allMatch(x -> x >= -1 && x < 3));
        double[] g = new double[n];
        r.fillNormal(g, 2, 0.5);
        double gm = Arrays.stream(g).average().orElseThrow();
        double var = Arrays.stream(g).map(x -> (x - gm) * (x - gm)).sum() / (n - 1);
        assertEquals(2.0, gm, 0.01);
        assertEquals(0.25, var, 0.005);
    }

    @Test
    void nextIntIsUniformAndInRange() {
        Rng r = new Rng(3);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[r.nextInt(7)]++;
        for (int c : counts) assertEquals(10_000, c, 400);
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = new Rng(9).permutation(50);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
        assertTrue(!Arrays.equals(p, sorted), "a shuffle of 50 elements should move something");
        assertArrayEquals(p, new Rng(9).permutation(50));
    }
}
