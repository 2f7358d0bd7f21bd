package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitTest {

    /** Sample i has label i (so the parts' labels name their samples). */
    private static int[] ids(Dataset d) {
        return d.labels().toIntArray();
    }

    @Test
    void randomSplitPartitionsTheSamples() {
        Dataset d = DataLoaderProperties.numbered(101);
        Split s = Split.random(d, 0.2, 0.1, new Rng(1));
        assertEquals(10, s.test().size(), "round(0.1 * 101)");
        assertEquals(20, s.validation().size(), "round(0.2 * 101)");
        assertEquals(71, s.train().size());
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(ids(s.train())), Arrays.stream(ids(s.validation()))),
                Arrays.stream(ids(s.test()))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 101).toArray(), all, "every sample in exactly one part");
        for (Dataset part : new Dataset[] {s.train(), s.validation(), s.test()}) {
            double[] x = part.features().toDoubleArray();
            int[] y = ids(part);
            for (int i = 0; i < y.length; i++) assertEquals(y[i], x[2 * i], "features travel with their labels");
        }
        assertArrayEquals(ids(s.train()), ids(Split.random(d, 0.2, 0.1, new Rng(1)).train()), "same seed, same split");
        assertNotEquals(Arrays.toString(ids(s.train())), Arrays.toString(ids(Split.random(d, 0.2, 0.1, new Rng(2)).train())));
    }

    @Test
    void stratifiedSplitKeepsEveryClassShare() {
        // classes of 100, 60 and 40 samples, in class order
        int[] labels = IntStream.range(0, 200).map(i -> i < 100 ? 0 : i < 160 ? 1 : 2).toArray();
        Dataset numbered = DataLoaderProperties.numbered(200);
        Dataset skewed = new Dataset(numbered.features(),
                Tensor.on(numbered.labels().backend(), DType.INT32).of(labels), List.of("a", "b", "c"));
        Split s = Split.stratified(skewed, 0.25, 0.1, new Rng(4));
        assertArrayEquals(new int[] {65, 39, 26}, s.train().classCounts());
        assertArrayEquals(new int[] {25, 15, 10}, s.validation().classCounts());
        assertArrayEquals(new int[] {10, 6, 4}, s.test().classCounts());
        int[] testLabels = s.test().labels().toIntArray();
        int[] sorted = testLabels.clone();
        Arrays.sort(sorted);
        assertTrue(!Arrays.equals(sorted, testLabels), "classes interleave within a part");
        double[] x = s.train().features().toDoubleArray();
        int[] trainLabels = s.train().labels().toIntArray();
        for (int i = 0; i < trainLabels.length; i++) assertEquals(labels[(int) x[2 * i]], trainLabels[i], "rows keep their labels");
    }

    @Test
    void withValidationCarvesFromTrainingOnly() {
        Split s = Split.random(DataLoaderProperties.numbered(100), 0, 0.2, new Rng(5));
        assertEquals(0, s.validation().size());
        Split v = s.withValidation(0.25, false, new Rng(6));
        assertEquals(60, v.train().size());
        assertEquals(20, v.validation().size());
        assertArrayEquals(ids(s.test()), ids(v.test()), "the test part is untouched");
        Split t = Split.trainOnly(DataLoaderProperties.numbered(7));
        assertEquals(7, t.train().size());
        assertEquals(0, t.test().size());
    }

    @Test
    void scalingIsFittedOnTheTrainingPartOnly() {
        Dataset d = Datasets.regression(new Rng(7), 400, new double[] {3, -2}, 1, 0.5, 0);
        Dataset shifted = d.withFeatures(d.features().mul(4).add(10));
        Split s = Split.random(shifted, 0.2, 0.2, new Rng(8));
        Split std = s.standardized();
        double[] trainMean = std.train().features().mean(0).toDoubleArray();
        double[] trainVar = std.train().features().variance(new int[] {0}, false, 0).toDoubleArray();
        for (int f = 0; f < 2; f++) {
            assertEquals(0, trainMean[f], 1e-5);
            assertEquals(1, trainVar[f], 1e-4);
        }
        // the test part uses the training statistics, so its mean is close to but not exactly 0
        Scaler fitted = Scaler.standard(s.train().features());
        assertTrue(fitted.transform(s.test().features()).allClose(std.test().features()));
        double testMean = std.test().features().mean(0).toDoubleArray()[0];
        assertTrue(Math.abs(testMean) > 1e-4 && Math.abs(testMean) < 0.5, "test mean " + testMean);

        Split mm = s.minMaxScaled();
        assertEquals(0, mm.train().features().min().item(), 1e-6);
        assertEquals(1, mm.train().features().max().item(), 1e-6);
        assertTrue(mm.train().labels().equal(s.train().labels()), "labels are not scaled");
    }

    @Test
    void badSharesAreRejected() {
        Dataset d = DataLoaderProperties.numbered(10);
        DatasetsTest.assertMessage(() -> Split.random(d, 0.5, 0.5, new Rng(0)), "Split.random", "sum below 1", "0.5 and 0.5");
        DatasetsTest.assertMessage(() -> Split.random(DataLoaderProperties.numbered(2), 0.4, 0.4, new Rng(0)),
                "2 samples leave none for training");
        DatasetsTest.assertMessage(() -> Split.stratified(Datasets.regression(new Rng(0), 10, new double[] {1}, 0, 0, 0),
                0.1, 0.1, new Rng(0)), "Split.stratified", "INT32 class labels", "float32 (10, 1)");
    }
}
