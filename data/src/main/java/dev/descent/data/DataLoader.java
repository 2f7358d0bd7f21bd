package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Batches over a dataset, for batch, mini-batch or stochastic gradient descent ({@link BatchMode}). Each iteration
 * ({@link #iterator()}) is one epoch: with shuffling on, the epoch's order is a fresh permutation drawn from the
 * loader's seeded {@link Rng}; without it, samples come in dataset order. Batches are gathered one at a time
 * ({@code indexSelect} of the batch's rows), so an epoch never holds more than one batch copy; in batch mode the
 * single batch is the dataset's own tensors, uncopied (the order of samples does not change a mean loss, so batch
 * mode never shuffles).
 *
 * <p>Without drop-last, every sample appears exactly once per epoch and only the last batch may be smaller; with
 * it, the incomplete last batch is left out (its samples come back in later epochs when shuffling).
 *
 * <p>Not thread-safe: epochs draw from one {@link Rng} in the order their iterators are created; give each thread
 * its own loader (with its own {@code rng.split()}).
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.over(train)
 *         .mode(BatchMode.miniBatch(64))
 *         .shuffle(rng.split())
 *         .build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Batch b : loader) {
 *         step(b.features(), b.labels());
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements Iterable<Batch> {
    private final Tensor features;
    private final Tensor labels;
    private final BatchMode mode;
    private final Rng rng;
    private final boolean dropLast;
    private final int batchSize;
    private int epochs;

    private DataLoader(Builder b) {
        this.features = b.features;
        this.labels = b.labels;
        this.mode = b.mode;
        this.rng = b.rng;
        this.dropLast = b.dropLast;
        this.batchSize = mode.batchSize(features.dim(0));
    }

    /** A loader over a dataset's features and labels. */
    public static Builder over(Dataset dataset) {
        if (dataset == null) throw new IllegalArgumentException("DataLoader.over: dataset must not be null");
        return new Builder(dataset.features(), dataset.labels());
    }

    /** A loader over {@code features (n, ...)} and {@code labels (n, ...)} on one backend. */
    public static Builder over(Tensor features, Tensor labels) {
        new Dataset(features, labels, null); // the same checks, with the same messages
        return new Builder(features, labels);
    }

    /** Configures a loader; the defaults are mini-batches of 32, in dataset order, keeping the last batch. */
    public static final class Builder {
        private final Tensor features;
        private final Tensor labels;
        private BatchMode mode = BatchMode.miniBatch(32);
        private Rng rng;
        private boolean dropLast;

        private Builder(Tensor features, Tensor labels) {
            this.features = features;
            this.labels = labels;
        }

        /** Batch, mini-batch or stochastic. */
        public Builder mode(BatchMode mode) {
            if (mode == null) throw new IllegalArgumentException("DataLoader.mode: mode must not be null");
            this.mode = mode;
            return this;
        }

        /** Shorthand for {@code mode(BatchMode.miniBatch(batchSize))}. */
        public Builder batchSize(int batchSize) {
            return mode(BatchMode.miniBatch(batchSize));
        }

        /** Shuffles every epoch with permutations drawn from {@code rng} (which the loader then owns). */
        public Builder shuffle(Rng rng) {
            if (rng == null) throw new IllegalArgumentException("DataLoader.shuffle: rng must not be null");
            this.rng = rng;
            return this;
        }

        /** Whether to leave out an incomplete last batch. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        public DataLoader build() {
            int n = features.dim(0);
            if (dropLast && mode.kind() == BatchMode.Kind.MINI_BATCH && n > 0 && mode.batchSize(n) > n) {
                throw new IllegalArgumentException("DataLoader: dropLast with batch size " + mode.batchSize(n)
                        + " leaves no batch of " + n + " samples (expected batch size <= " + n + ")");
            }
            return new DataLoader(this);
        }
    }

    /** Number of samples in the dataset. */
    public int size() {
        return features.dim(0);
    }

    public BatchMode mode() {
        return mode;
    }

    /** Samples per full batch. */
    public int batchSize() {
        return batchSize;
    }

    public boolean shuffles() {
        return rng != null && mode.kind() != BatchMode.Kind.BATCH;
    }

    public boolean dropsLast() {
        return dropLast;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        int n = size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Epochs started so far (iterators created). */
    public int epochs() {
        return epochs;
    }

    /** Starts the next epoch; with shuffling on, draws its order from the loader's {@link Rng}. */
    @Override
    public Iterator<Batch> iterator() {
        int n = size();
        int[] order = shuffles() ? rng.permutation(n) : null;
        return new Epoch(order, epochs++, batchesPerEpoch());
    }

    /**
     * The batches in dataset order, without shuffling, without drawing from the loader's {@link Rng} and without
     * counting an epoch: for evaluating on the training data between epochs without changing their order.
     */
    public Iterable<Batch> inOrder() {
        return () -> new Epoch(null, epochs, batchesPerEpoch());
    }

    /** The shuffling generator's state ({@code null} when the loader does not shuffle), for checkpoints. */
    public long[] rngState() {
        return rng == null ? null : rng.state();
    }

    /**
     * Puts the loader back to a checkpoint: its generator's state and the number of epochs started, so the next
     * epochs come in the same order as in the run that was saved.
     */
    public void restore(long[] rngState, int epochsStarted) {
        if (epochsStarted < 0) throw new IllegalArgumentException("DataLoader.restore: epochs must be >= 0, got " + epochsStarted);
        if ((rngState == null) != (rng == null)) {
            throw new IllegalArgumentException("DataLoader.restore: the saved loader " + (rngState == null ? "did not" : "did")
                    + " shuffle, this one " + (rng == null ? "does not" : "does"));
        }
        if (rng != null) rng.restore(rngState);
        epochs = epochsStarted;
    }

    private final class Epoch implements Iterator<Batch> {
        private final int[] order;
        private final int epoch;
        private final int batches;
        private int next;

        Epoch(int[] order, int epoch, int batches) {
            this.order = order;
            this.epoch = epoch;
            this.batches = batches;
        }

        @Override
        public boolean hasNext() {
            return next < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has " + batches + " batches");
            int number = next++;
            int start = number * batchSize;
            int end = Math.min(start + batchSize, size());
            if (mode.kind() == BatchMode.Kind.BATCH) {
                return new Batch(features, labels, range(0, size()), epoch, number);
            }
            if (order == null) {
                return new Batch(features.slice(0, start, end), labels.slice(0, start, end), range(start, end),
                        epoch, number);
            }
            int[] samples = Arrays.copyOfRange(order, start, end);
            Tensor index = Tensor.on(features.backend(), DType.INT32).of(samples);
            return new Batch(features.indexSelect(0, index), labels.indexSelect(0, index), samples, epoch, number);
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    @Override
    public String toString() {
        return "DataLoader[" + mode.description() + ", " + size() + " samples, " + batchesPerEpoch() + " batches per epoch"
                + (shuffles() ? ", shuffled" : "") + (dropLast ? ", drop last" : "") + "]";
    }
}
