package dev.descent.examples.demos;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.ImageGridPlot;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.nn.Module;
import dev.descent.data.Dataset;
import dev.descent.nn.init.Initializer;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.layers.BatchNorm2d;
import dev.descent.nn.layers.Conv2d;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Flatten;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.MaxPool2d;
import dev.descent.nn.layers.Padding;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.layers.Unflatten;
import dev.descent.optim.train.History;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What the classification demos share: building an MLP or a CNN, scoring its predictions (confusion matrix, per-class
 * accuracy) and drawing the usual figures (loss and accuracy per epoch, a grid of misclassified images).
 *
 * <pre>{@code
 * Sequential mlp = Classifier.mlp(f, 256, List.of(64, 32), 3, ReLU::new, he, zeros, rng);
 * Classifier.Scores s = Classifier.score(trainer.predict(test.features(), 512), test.labels(), 3);
 * s.accuracy(); s.confusion(); s.perClassAccuracy();
 * }</pre>
 */
public final class Classifier {
    private Classifier() {
    }

    /** The network a classification demo trains ({@code --model}). */
    public enum Model {
        /** Dense layers on the flat pixels. */
        MLP,
        /** {@link #cnn}: convolutions, BatchNorm and pooling, then dense layers. */
        CNN;

        /** The model named {@code name} ({@code mlp} or {@code cnn}, any case). */
        public static Model of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * {@code in -> hidden[0] -> ... -> out}: a {@link Linear} layer per size with {@code activation} after every
     * hidden one and none after the last (it outputs logits).
     */
    public static Sequential mlp(TensorFactory f, int in, List<Integer> hidden, int out, Supplier<Module> activation,
                                 Initializer weights, Initializer bias, Rng rng) {
        return mlp(f, in, hidden, out, activation, 0, weights, bias, rng);
    }

    /** {@link #mlp(TensorFactory, int, List, int, Supplier, Initializer, Initializer, Rng)} with dropout of {@code p} after every hidden activation (none when 0). */
    public static Sequential mlp(TensorFactory f, int in, List<Integer> hidden, int out, Supplier<Module> activation,
                                 double dropout, Initializer weights, Initializer bias, Rng rng) {
        Sequential model = new Sequential();
        int width = in;
        for (int h : hidden) {
            model.add(new Linear(f, width, h, true, weights, bias, rng));
            model.add(activation.get());
            if (dropout > 0) model.add(new Dropout(dropout, rng.split()));
            width = h;
        }
        model.add(new Linear(f, width, out, true, weights, bias, rng));
        return model;
    }

    /**
     * A small CNN for flat {@code height x width} grey images ({@code (N, height * width)} inputs, as the MLPs get
     * them): unflatten to {@code (N, 1, height, width)}, then conv 3x3 32 -> BatchNorm -> ReLU -> max pool 2 ->
     * conv 3x3 64 -> BatchNorm -> ReLU -> max pool 2 -> dense 128 -> ReLU -> dropout -> {@code out} logits, with
     * PyTorch's default initialisation. Each side must be at least 4.
     */
    public static Sequential cnn(TensorFactory f, int height, int width, int out, double dropout, Rng rng) {
        if (height < 4 || width < 4) {
            throw new IllegalArgumentException("Classifier.cnn: expected images of at least 4 x 4 pixels, got "
                    + height + " x " + width);
        }
        int[] k = {3, 3}, one = {1, 1};
        Sequential model = new Sequential(new Unflatten(1, 1, height, width),
                new Conv2d(f, 1, 32, k, one, Padding.of(1), one, 1, true, rng),
                new BatchNorm2d(f, 32, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2),
                new Conv2d(f, 32, 64, k, one, Padding.of(1), one, 1, true, rng),
                new BatchNorm2d(f, 64, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(f, 64 * (height / 2 / 2) * (width / 2 / 2), 128, true, null, null, rng),
                new ReLU());
        if (dropout > 0) model.add(new Dropout(dropout, rng.split()));
        return model.add(new Linear(f, 128, out, true, null, null, rng));
    }

    /**
     * The predicted classes (arg-max of {@code logits (n, k)}), the probability each prediction gave the true class,
     * and the confusion matrix {@code confusion[true][predicted]}.
     */
    public record Scores(int[] truth, int[] predicted, double[] trueClassProbability, int[][] confusion) {
        public double accuracy() {
            long correct = 0;
            for (int i = 0; i < confusion.length; i++) correct += confusion[i][i];
            return truth.length == 0 ? Double.NaN : (double) correct / truth.length;
        }

        /** Recall of each class: the share of its samples predicted as it (NaN for a class without samples). */
        public double[] perClassAccuracy() {
            double[] acc = new double[confusion.length];
            for (int i = 0; i < acc.length; i++) {
                long row = 0;
                for (int v : confusion[i]) row += v;
                acc[i] = row == 0 ? Double.NaN : (double) confusion[i][i] / row;
            }
            return acc;
        }

        /** Indices of the misclassified samples, the most confidently wrong first. */
        public int[] misclassified() {
            List<Integer> wrong = new ArrayList<>();
            for (int i = 0; i < truth.length; i++) if (truth[i] != predicted[i]) wrong.add(i);
            wrong.sort((a, b) -> Double.compare(trueClassProbability[a], trueClassProbability[b]));
            return wrong.stream().mapToInt(Integer::intValue).toArray();
        }

        /** Indices of the correctly classified samples, the least confident first. */
        public int[] hardestCorrect() {
            List<Integer> right = new ArrayList<>();
            for (int i = 0; i < truth.length; i++) if (truth[i] == predicted[i]) right.add(i);
            right.sort((a, b) -> Double.compare(trueClassProbability[a], trueClassProbability[b]));
            return right.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Scores {@code logits (n, k)} against INT32 {@code labels (n,)}. */
    public static Scores score(Tensor logits, Tensor labels, int k) {
        if (logits.rank() != 2 || logits.dim(1) != k || labels.rank() != 1 || labels.dim(0) != logits.dim(0)) {
            throw new IllegalArgumentException("Classifier.score: expected logits (n, " + k + ") and labels (n,), got "
                    + logits.shape() + " and " + labels.shape());
        }
        int n = logits.dim(0);
        double[] z = logits.to(DType.FLOAT64).toDoubleArray();
        int[] truth = labels.toIntArray();
        int[] predicted = new int[n];
        double[] pTrue = new double[n];
        int[][] confusion = new int[k][k];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (z[i * k + c] > max) {
                    max = z[i * k + c];
                    best = c;
                }
            }
            // NOTE: softmax with the maximum subtracted, so large logits cannot overflow.
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(z[i * k + c] - max);
            predicted[i] = best;
            pTrue[i] = Math.exp(z[i * k + truth[i]] - max) / sum;
            confusion[truth[i]][best]++;
        }
        return new Scores(truth, predicted, pTrue, confusion);
    }

    /** Features {@code (n, ...)} as {@code (n, features)}, also when {@code n} is 0 (which {@link Dataset#flatten} cannot infer). */
    public static Dataset flat(Dataset d) {
        Tensor x = d.features();
        if (x.rank() == 2) return d;
        int width = 1;
        for (int i = 1; i < x.rank(); i++) width = Math.multiplyExact(width, x.dim(i));
        return d.withFeatures(x.reshape(d.size(), width));
    }

    /** The training (and, when recorded, validation) value of {@code metric} per epoch. */
    public static LinePlot curves(History h, String title, String metric, String axis) {
        LinePlot p = Plots.line(title, "epoch", axis).series("training", h.metric(metric));
        double[] val = h.metric("val_" + metric);
        boolean any = false;
        for (double v : val) any |= !Double.isNaN(v);
        if (any) p.series("validation", val);
        if (h.epochs().size() <= 30) p.markers();
        return p;
    }

    /**
     * A grid of up to {@code max} images of {@code data} (features {@code (n, rows, cols)} or {@code (n, rows*cols)}):
     * the misclassified ones, captioned "true" and "→ predicted" in red, or when there are none the least
     * confident correct ones. Returns null when {@code data} is empty.
     */
    public static Figure misclassifiedGrid(RunContext ctx, Dataset data, Scores s, int rows, int cols, int max,
                                           String fileName, String what, String point) {
        int[] wrong = s.misclassified();
        boolean none = wrong.length == 0;
        int[] shown = none ? s.hardestCorrect() : wrong;
        if (shown.length == 0) return null;
        int count = Math.min(max, shown.length);
        List<String> names = data.classNames();
        ImageGridPlot grid = Plots.imageGrid(none ? "No misclassified " + what + ": the least confident correct ones"
                        : "Misclassified " + what + " (" + wrong.length + " of " + s.truth().length + ")",
                none ? "true class, probability the network gave it" : "true class \u2192 predicted class (in red)",
                what).columns(Math.min(8, count));
        for (int k = 0; k < count; k++) {
            int i = shown[k];
            double[] px = data.features().slice(0, i, i + 1).to(DType.FLOAT64).toDoubleArray();
            String truth = names.get(s.truth()[i]);
            if (none) {
                grid.image(px, rows, cols, truth, String.format(Locale.ROOT, "p = %.2f", s.trueClassProbability()[i]),
                        false);
            } else {
                grid.image(px, rows, cols, truth, "\u2192 " + names.get(s.predicted()[i]), true);
            }
        }
        String measured = none ? "every held-out image was classified correctly; the grid shows the " + count
                + " it was least sure of" : wrong.length + " of " + s.truth().length + " held-out images misclassified; "
                + "the grid shows " + (count < wrong.length ? "the " + count + " most confidently wrong" : "all of them");
        return ctx.figure(grid, fileName, point, measured);
    }

    /** {@code 0.953} as {@code "95.3%"}. */
    public static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
