package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.testing.Props;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loader invariants over random sizes, batch sizes, seeds and options. */
class DataLoaderProperties {

    /** Sample i has features (i, -i) and label i, so every batch row says which sample it is. */
    static Dataset numbered(int n) {
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i;
        }
        var backend = Backends.get();
        return new Dataset(Tensor.on(backend).of(x, n, 2), Tensor.on(backend, DType.INT32).of(y), List.of());
    }

    /** Checks that each row of the batch is the sample it claims, and returns the samples. */
    static int[] checkedSamples(Batch b) {
        int[] samples = b.samples();
        assertArrayEquals(samples, b.labels().toIntArray());
        double[] x = b.features().toDoubleArray();
        for (int r = 0; r < samples.length; r++) {
            assertEquals(samples[r], x[2 * r]);
            assertEquals(-samples[r], x[2 * r + 1]);
        }
        return samples;
    }

    static List<int[]> epoch(DataLoader loader) {
        List<int[]> batches = new ArrayList<>();
        for (Batch b : loader) batches.add(checkedSamples(b));
        return batches;
    }

    @Test
    void withoutDropLastEverySampleOnceAndOnlyTheLastBatchSmaller() {
        Props.tries(150).forAll(Props.ints(0, 150), Props.ints(1, 40), Props.bools(), Props.anyLong())
                .checkAssert(DataLoaderProperties::withoutDropLast);
    }

    static void withoutDropLast(int n, int batch, boolean shuffle, long seed) {
        DataLoader.Builder b = DataLoader.over(numbered(n)).batchSize(batch);
        if (shuffle) b.shuffle(new Rng(seed));
        DataLoader loader = b.build();
        int expectedBatches = (n + batch - 1) / batch;
        assertEquals(expectedBatches, loader.batchesPerEpoch());
        for (int e = 0; e < 2; e++) {
            List<int[]> batches = epoch(loader);
            assertEquals(expectedBatches, batches.size());
            int[] all = batches.stream().flatMapToInt(Arrays::stream).toArray();
            for (int i = 0; i < batches.size(); i++) {
                int expected = i < batches.size() - 1 ? batch : n - batch * (expectedBatches - 1);
                assertEquals(expected, batches.get(i).length, "batch " + i);
            }
            int[] sorted = all.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "every sample exactly once");
            if (!shuffle) assertArrayEquals(sorted, all, "dataset order without shuffling");
        }
        assertEquals(2, loader.epochs());
    }

    @Test
    void dropLastGivesOnlyFullBatchesOfDistinctSamples() {
        Props.tries(150).forAll(Props.ints(1, 150), Props.ints(1, 40), Props.anyLong())
                .checkAssert(DataLoaderProperties::dropLast);
    }

    static void dropLast(int n, int batch, long seed) {
        if (batch > n) batch = n;
        DataLoader loader = DataLoader.over(numbered(n)).batchSize(batch).dropLast(true).shuffle(new Rng(seed)).build();
        List<int[]> batches = epoch(loader);
        assertEquals(n / batch, batches.size());
        for (int[] s : batches) assertEquals(batch, s.length);
        int[] all = batches.stream().flatMapToInt(Arrays::stream).toArray();
        assertEquals(all.length, Arrays.stream(all).distinct().count(), "no sample twice");
        assertEquals(n % batch, n - all.length, "only the incomplete batch is left out");
    }

    @Test
    void sameSeedSameOrderAndEachEpochReshuffles() {
        Props.tries(60).forAll(Props.ints(12, 100), Props.ints(1, 16), Props.anyLong())
                .checkAssert(DataLoaderProperties::sameSeedSameOrder);
    }

    static void sameSeedSameOrder(int n, int batch, long seed) {
        DataLoader a = DataLoader.over(numbered(n)).batchSize(batch).shuffle(new Rng(seed)).build();
        DataLoader b = DataLoader.over(numbered(n)).batchSize(batch).shuffle(new Rng(seed)).build();
        int[] previous = null;
        for (int e = 0; e < 3; e++) {
            int[] first = epoch(a).stream().flatMapToInt(Arrays::stream).toArray();
            int[] second = epoch(b).stream().flatMapToInt(Arrays::stream).toArray();
            assertArrayEquals(first, second, "same seed, same order in epoch " + e);
            // two equal permutations of 12 or more samples have probability <= 1 / 12! (about 2e-9)
            if (previous != null) assertFalse(Arrays.equals(previous, first), "epoch " + e + " reshuffles");
            previous = first;
        }
    }

    @Test
    void stochasticModeIsBatchesOfOne() {
        Props.tries(40).forAll(Props.ints(0, 60), Props.anyLong()).checkAssert(DataLoaderProperties::stochastic);
    }

    static void stochastic(int n, long seed) {
        DataLoader loader = DataLoader.over(numbered(n)).mode(BatchMode.stochastic()).shuffle(new Rng(seed)).build();
        List<int[]> batches = epoch(loader);
        assertEquals(n, batches.size());
        assertTrue(batches.stream().allMatch(s -> s.length == 1));
        assertEquals(n, batches.stream().mapToInt(s -> s[0]).distinct().count());
    }
}
