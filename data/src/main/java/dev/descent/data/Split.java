package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Rng;

import java.util.Arrays;

/**
 * A dataset divided into training, validation and test parts (the validation part may be empty). Splits draw
 * from a seeded {@link Rng}; a stratified split keeps every class's share the same in each part. Scaling is fitted
 * on the training part only and applied to all three ({@link #standardized()}, {@link #minMaxScaled()}), so no
 * statistic of the validation or test data leaks into training.
 *
 * <pre>{@code
 * Split split = Split.stratified(data, 0.15, 0.15, new Rng(3)).standardized();
 * DataLoader loader = DataLoader.over(split.train()).batchSize(32).shuffle(rng).build();
 * double accuracy = evaluate(model, split.test());
 * }</pre>
 *
 * @param train      the samples to fit on
 * @param validation the samples for model selection and early stopping (possibly none)
 * @param test       the samples for the final estimate (possibly none)
 */
public record Split(Dataset train, Dataset validation, Dataset test) {

    public Split {
        if (train == null || validation == null || test == null) {
            throw new IllegalArgumentException("Split: train, validation and test must not be null (use an empty dataset)");
        }
    }

    /**
     * A random split: {@code round(testShare * n)} samples for test, {@code round(validationShare * n)} for
     * validation, the rest (at least one) for training; each part in random order.
     */
    public static Split random(Dataset data, double validationShare, double testShare, Rng rng) {
        checkShares("Split.random", data, validationShare, testShare, rng);
        int n = data.size();
        int[] perm = rng.permutation(n);
        int nTest = (int) Math.round(testShare * n);
        int nVal = (int) Math.round(validationShare * n);
        checkTrain("Split.random", n, nVal, nTest);
        return new Split(data.subset(Arrays.copyOfRange(perm, nTest + nVal, n)),
                data.subset(Arrays.copyOfRange(perm, nTest, nTest + nVal)),
                data.subset(Arrays.copyOfRange(perm, 0, nTest)));
    }

    /**
     * A stratified split (INT32 class labels {@code (n,)}): within each class of {@code m} samples,
     * {@code round(testShare * m)} go to test and {@code round(validationShare * m)} to validation, the rest to
     * training; each part is then shuffled so the classes interleave.
     */
    public static Split stratified(Dataset data, double validationShare, double testShare, Rng rng) {
        checkShares("Split.stratified", data, validationShare, testShare, rng);
        if (data.labels().dtype() != DType.INT32 || data.labels().rank() != 1) {
            throw new IllegalArgumentException("Split.stratified: expected INT32 class labels (n,), got "
                    + data.labels().dtype() + " " + data.labels().shape());
        }
        int[] labels = data.labels().toIntArray();
        int classes = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("Split.stratified: label " + labels[i] + " at sample " + i
                        + " is negative (expected class indices >= 0)");
            }
            classes = Math.max(classes, labels[i] + 1);
        }
        int[][] members = byClass(labels, classes);
        int[] train = new int[labels.length];
        int[] val = new int[labels.length];
        int[] test = new int[labels.length];
        int nTrain = 0, nVal = 0, nTest = 0;
        for (int[] m : members) {
            int[] perm = rng.permutation(m.length);
            int t = (int) Math.round(testShare * m.length);
            int v = (int) Math.round(validationShare * m.length);
            if (t + v > m.length) v = m.length - t;
            for (int i = 0; i < m.length; i++) {
                int s = m[perm[i]];
                if (i < t) test[nTest++] = s;
                else if (i < t + v) val[nVal++] = s;
                else train[nTrain++] = s;
            }
        }
        checkTrain("Split.stratified", labels.length, nVal, nTest);
        return new Split(data.subset(shuffle(train, nTrain, rng)), data.subset(shuffle(val, nVal, rng)),
                data.subset(shuffle(test, nTest, rng)));
    }

    /** The whole dataset for training and nothing held out. */
    public static Split trainOnly(Dataset data) {
        return new Split(data, data.subset(new int[0]), data.subset(new int[0]));
    }

    /**
     * This split with {@code share} of the training part moved to validation (replacing any validation part), as
     * {@link #random} or {@link #stratified} does it; the test part is unchanged.
     */
    public Split withValidation(double share, boolean stratify, Rng rng) {
        Split inner = stratify ? stratified(train, share, 0, rng) : random(train, share, 0, rng);
        return new Split(inner.train, inner.validation, test);
    }

    /** All three parts with their features mapped by {@code scaler}. */
    public Split transform(Scaler scaler) {
        return new Split(apply(scaler, train), apply(scaler, validation), apply(scaler, test));
    }

    /** Standardised with the training part's mean and standard deviation ({@link Scaler#standard}). */
    public Split standardized() {
        return transform(Scaler.standard(train.features()));
    }

    /** Scaled to [0, 1] with the training part's minimum and maximum ({@link Scaler#minMax}). */
    public Split minMaxScaled() {
        return transform(Scaler.minMax(train.features()));
    }

    private static Dataset apply(Scaler scaler, Dataset d) {
        return d.withFeatures(scaler.transform(d.features()));
    }

    private static int[][] byClass(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int l : labels) counts[l]++;
        int[][] members = new int[classes][];
        for (int c = 0; c < classes; c++) members[c] = new int[counts[c]];
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) members[labels[i]][fill[labels[i]]++] = i;
        return members;
    }

    private static int[] shuffle(int[] samples, int count, Rng rng) {
        int[] perm = rng.permutation(count);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) out[i] = samples[perm[i]];
        return out;
    }

    private static void checkShares(String op, Dataset data, double validationShare, double testShare, Rng rng) {
        if (data == null || rng == null) throw new IllegalArgumentException(op + ": data and rng must not be null");
        if (!(validationShare >= 0 && testShare >= 0 && validationShare + testShare < 1)) {
            throw new IllegalArgumentException(op + ": expected validationShare >= 0, testShare >= 0 and a sum below 1, got "
                    + validationShare + " and " + testShare);
        }
    }

    private static void checkTrain(String op, int n, int nVal, int nTest) {
        if (n - nVal - nTest < 1) {
            throw new IllegalArgumentException(op + ": " + n + " samples leave none for training after " + nVal
                    + " for validation and " + nTest + " for test");
        }
    }
}
