package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

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

    @Property(tries = 150)
    void withoutDropLastEverySampleOnceAndOnlyTheLastBatchSmaller(@ForAll @IntRange(min = 0, max = 150) int n,
                                                                 @ForAll @IntRange(min = 1, max = 40) int batch,
                                                                 @ForAll boolean shuffle, @ForAll long seed) {
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

    @Property(tries = 150)
    void dropLastGivesOnlyFullBatchesOfDistinctSamples(@ForAll @IntRange(min = 1, max = 150) int n,
                                                       @ForAll @IntRange(min = 1, max = 40) int batch,
                                                       @ForAll long seed) {
        if (batch > n) batch = n;
        DataLoader loader = DataLoader.over(numbered(n)).batchSize(batch).dropLast(true).shuffle(new Rng(seed)).build();
        List<int[]> batches = epoch(loader);
        assertEquals(n / batch, batches.size());
        for (int[] s : batches) assertEquals(batch, s.length);
        int[] all = batches.stream().flatMapToInt(Arrays::stream).toArray();
        assertEquals(all.length, Arrays.stream(all).distinct().count(), "no sample twice");
        assertEquals(n % batch, n - all.length, "only the incomplete batch is left out");
    }

    @Property(tries = 60)
    void sameSeedSameOrderAndEachEpochReshuffles(@ForAll @IntRange(min = 12, max = 100) int n,
                                                 @ForAll @IntRange(min = 1, max = 16) int batch, @ForAll long seed) {
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

    @Property(tries = 40)
    void stochasticModeIsBatchesOfOne(@ForAll @IntRange(min = 0, max = 60) int n, @ForAll long seed) {
        DataLoader loader = DataLoader.over(numbered(n)).mode(BatchMode.stochastic()).shuffle(new Rng(seed)).build();
        List<int[]> batches = epoch(loader);
        assertEquals(n, batches.size());
        assertTrue(batches.stream().allMatch(s -> s.length == 1));
        assertEquals(n, batches.stream().mapToInt(s -> s[0]).distinct().count());
    }
}
