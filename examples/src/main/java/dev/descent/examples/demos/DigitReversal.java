package dev.descent.examples.demos;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.data.Dataset;
import dev.descent.optim.train.Metric;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The generated sequence task of the {@code sequence} demo: reverse a sequence of {@code length} random digits.
 * A model reads the digits and then {@code length} query tokens ({@value #QUERY}), and must answer the digits in
 * reverse order at the query positions:
 *
 * <pre>
 *   input   3 1 4 1 5 9 = = = = = =        (tokens 0-9 and the query token 10; shape (n, 2 length))
 *   target              9 5 1 4 1 3        (shape (n, length))
 * </pre>
 *
 * <p>The training and test sequences are drawn without repetition from all {@code 10^length}, so every test
 * sequence is held out: none of them is seen in training.
 *
 * <pre>{@code
 * DigitReversal.Data d = DigitReversal.generate(new Rng(1), 6, 10_000, 1_000, backend);
 * d.train().features();   // INT32 (10000, 12)
 * d.test().labels();      // INT32 (1000, 6)
 * }</pre>
 */
public final class DigitReversal {
    /** The query token, after the ten digits: the vocabulary has {@value #VOCABULARY} tokens. */
    public static final int QUERY = 10, VOCABULARY = 11, DIGITS = 10;

    private DigitReversal() {
    }

    /** Up to this many sequences (10^6) are drawn from a permutation of all; above, by rejection. */
    private static final long PERMUTED = 1_000_000;

    /** The most sequences {@link #generate} draws for {@code length}: all 10^length, or half of them above 10^6. */
    public static long maxSequences(int length) {
        long space = (long) Math.pow(10, length);
        return space <= PERMUTED ? space : space / 2;
    }

    /** The training and the held-out sequences. */
    public record Data(Dataset train, Dataset test, int length) {
    }

    /**
     * {@code trainSize + testSize} distinct random sequences of {@code length} digits, the first {@code testSize}
     * held out for testing.
     */
    public static Data generate(Rng rng, int length, int trainSize, int testSize, Backend backend) {
        if (length < 1 || length > 9) {
            throw new IllegalArgumentException("DigitReversal: length must be in 1..9, got " + length);
        }
        long space = (long) Math.pow(10, length);
        long most = maxSequences(length);
        if (trainSize < 1 || testSize < 1 || trainSize + (long) testSize > most) {
            throw new IllegalArgumentException("DigitReversal: expected trainSize, testSize >= 1 and trainSize + testSize"
                    + " <= " + most + " for length " + length + ", got " + trainSize + " and " + testSize);
        }
        int total = trainSize + testSize;
        int[] codes;
        if (space <= PERMUTED) {
            codes = java.util.Arrays.copyOf(rng.permutation((int) space), total);
        } else {
            Set<Integer> seen = new HashSet<>();
            codes = new int[total];
            for (int i = 0; i < total; ) {
                int code = (int) (rng.nextDouble() * space);
                if (seen.add(code)) codes[i++] = code;
            }
        }
        int[] test = java.util.Arrays.copyOfRange(codes, 0, testSize);
        int[] train = java.util.Arrays.copyOfRange(codes, testSize, total);
        return new Data(dataset(train, length, backend), dataset(test, length, backend), length);
    }

    private static Dataset dataset(int[] codes, int length, Backend backend) {
        int n = codes.length;
        int[] inputs = new int[n * 2 * length], targets = new int[n * length];
        for (int s = 0; s < n; s++) {
            int code = codes[s];
            for (int t = 0; t < length; t++) {
                int digit = code % 10;
                code /= 10;
                inputs[s * 2 * length + t] = digit;
                inputs[s * 2 * length + length + t] = QUERY;
                targets[s * length + length - 1 - t] = digit;
            }
        }
        var ints = Tensor.on(backend, DType.INT32);
        return new Dataset(ints.of(inputs, n, 2 * length), ints.of(targets, n, length), List.of());
    }

    /**
     * The share of sequences whose every position is right: the predictions are logits {@code (n, classes, length)}
     * (the class axis second, as cross-entropy takes them), the targets INT32 {@code (n, length)}.
     */
    public static Metric exactSequenceAccuracy() {
        return new Metric() {
            private long right, total;

            @Override
            public String name() {
                return "sequence_accuracy";
            }

            @Override
            public void reset() {
                right = 0;
                total = 0;
            }

            @Override
            public void update(Tensor prediction, Tensor target) {
                if (prediction.rank() != 3 || target.rank() != 2 || prediction.dim(0) != target.dim(0)
                        || prediction.dim(2) != target.dim(1)) {
                    throw new IllegalArgumentException("sequence_accuracy: expected predictions (n, classes, length) "
                            + "and targets (n, length), got " + prediction.shape() + " and " + target.shape());
                }
                int[] predicted = prediction.argmax(1).toIntArray(), truth = target.toIntArray();
                int length = target.dim(1);
                for (int s = 0; s < target.dim(0); s++) {
                    boolean all = true;
                    for (int t = 0; t < length && all; t++) all = predicted[s * length + t] == truth[s * length + t];
                    if (all) right++;
                }
                total += target.dim(0);
            }

            @Override
            public double result() {
                return total == 0 ? Double.NaN : (double) right / total;
            }
        };
    }
}
