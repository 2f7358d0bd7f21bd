package dev.descent.examples.demos;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.DownloadException;
import dev.descent.data.DownloadListener;
import dev.descent.data.FashionMnist;
import dev.descent.data.Split;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.DemoUnavailableException;
import dev.descent.examples.DownloadProgress;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.nn.activations.ReLU;
import dev.descent.examples.presets.InitPreset;
import dev.descent.nn.init.Nonlinearity;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.schedule.Schedules;
import dev.descent.optim.train.ConsoleProgress;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An MLP on the real Fashion-MNIST data (28 x 28 grey images of clothing, ten classes), trained with mini-batch
 * Adam: test accuracy, per-class accuracy, a confusion matrix, misclassified test images and the time per epoch; the
 * trained model is saved as safetensors. The default recipe (784-256-128-10 ReLU, He initialisation, Adam 1e-3 annealed along a cosine,
 * batches of 128, 10 epochs) is meant to exceed {@value #TARGET_PERCENT}% test accuracy in a few minutes on two
 * cores.
 *
 * <pre>{@code
 * DemoResult r = new FashionMnistDemo(FashionMnistDemo.Settings.defaults(null)).run(ctx);   // Debian's, the cache, or a download
 * }</pre>
 */
public final class FashionMnistDemo implements Demo {
    /** The test accuracy the default recipe should exceed, in percent. */
    public static final int TARGET_PERCENT = 88;
    /** The test accuracy the CNN ({@code --model cnn}) should reach within 15 epochs, in percent. */
    public static final double CNN_TARGET_PERCENT = 92.5;
    /** The MLP's default epochs. */
    public static final int MLP_EPOCHS = 10;
    /** The CNN's default epochs ({@code --model cnn}): its target is to be met within them. */
    public static final int CNN_EPOCHS = 15;
    /** The CNN's dropout before its output layer when {@code dropout} is 0. */
    static final double CNN_DROPOUT = 0.25;

    /**
     * @param data         directory of the four IDX files, looked in first; null to look only in Debian's directory and
     *                     the per-user cache
     * @param hidden       hidden layer sizes
     * @param dropout      dropout after each hidden layer (0: none)
     * @param epochs       epochs
     * @param batchSize    mini-batch size
     * @param learningRate Adam's (initial) learning rate
     * @param cosine       anneal the learning rate to 0 along a cosine over the epochs
     * @param trainSize    training images used (0: all 60,000), of which one in twelve validate
     * @param testSize     test images used (0: all 10,000)
     * @param save         the model file, or null for {@code OUT/model.safetensors}
     * @param download     download the files into the cache when no directory holds them (and DESCENT_OFFLINE is
     *                     not set)
     * @param onnx         where to write the trained model as ONNX as well, or null
     */
    public record Settings(Path data, List<Integer> hidden, double dropout, int epochs, int batchSize,
                           double learningRate, boolean cosine, int trainSize, int testSize, Path save, boolean download,
                           Path onnx) {
        public Settings {
            hidden = List.copyOf(hidden);
        }

        /** Settings without an ONNX export. */
        public Settings(Path data, List<Integer> hidden, double dropout, int epochs, int batchSize, double learningRate,
                        boolean cosine, int trainSize, int testSize, Path save, boolean download) {
            this(data, hidden, dropout, epochs, batchSize, learningRate, cosine, trainSize, testSize, save, download,
                    null);
        }

        /** Settings that may download. */
        public Settings(Path data, List<Integer> hidden, double dropout, int epochs, int batchSize, double learningRate,
                        boolean cosine, int trainSize, int testSize, Path save) {
            this(data, hidden, dropout, epochs, batchSize, learningRate, cosine, trainSize, testSize, save, true);
        }

        public static Settings defaults(Path data) {
            return new Settings(data, List.of(256, 128), 0, MLP_EPOCHS, 128, 1e-3, true, 0, 0, null);
        }

        /** The defaults of {@code --model cnn}: {@link #defaults} with {@value FashionMnistDemo#CNN_EPOCHS} epochs. */
        public static Settings cnnDefaults(Path data) {
            Settings d = defaults(data);
            return new Settings(data, d.hidden(), d.dropout(), CNN_EPOCHS, d.batchSize(), d.learningRate(), d.cosine(),
                    d.trainSize(), d.testSize(), d.save(), d.download());
        }
    }

    /** The share of the training images held out for validation. */
    static final double VALIDATION_SHARE = 1 / 12.0;

    private final Settings s;
    private final Classifier.Model architecture;

    public FashionMnistDemo(Settings settings) {
        this(settings, Classifier.Model.MLP);
    }

    /**
     * The demo with the MLP of {@code settings}, or with {@link Classifier#cnn} (whose dropout is the settings' when
     * above 0, else {@value #CNN_DROPOUT}; the hidden sizes are then unused).
     */
    public FashionMnistDemo(Settings settings, Classifier.Model architecture) {
        this.s = Objects.requireNonNull(settings, "settings");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
    }

    /**
     * The directory that holds the four files: {@code data} (if given), Debian's directory or the per-user cache,
     * downloading them into the cache when none does and {@code download} is on (progress on {@code progress}).
     * Fails with one line when they cannot be had: a {@link DemoUnavailableException} with reason MISSING_DATA that
     * says where it looked, or which URL failed, and how to get the files.
     */
    public static Path locate(Path data, boolean download, DownloadListener progress) {
        FashionMnist.Lookup lookup = FashionMnist.lookup().withData(data).withListener(progress);
        return locate(download ? lookup : lookup.withDownload(false));
    }

    /** {@link #locate(Path, boolean, DownloadListener)} with every choice in {@code lookup}. */
    static Path locate(FashionMnist.Lookup lookup) {
        List<Path> searched = new ArrayList<>();
        if (lookup.data() != null) searched.add(lookup.data());
        searched.add(lookup.debian());
        searched.add(lookup.cache());
        String where = "Fashion-MNIST data not found in " + String.join(", ", searched.stream().map(Path::toString).toList());
        String instead = "install the Debian package dataset-fashion-mnist (it puts the files in " + FashionMnist.DEBIAN_DIR
                + ") or pass --data DIR with the four IDX files of Zalando's release";
        try {
            return FashionMnist.locate(lookup);
        } catch (NoSuchFileException e) {
            throw new DemoUnavailableException(DemoUnavailableException.Reason.MISSING_DATA, where
                    + ", and downloading is off (--no-download or DESCENT_OFFLINE=1): " + instead);
        } catch (DownloadException e) {
            throw new DemoUnavailableException(DemoUnavailableException.Reason.MISSING_DATA, where + ", and "
                    + e.getMessage() + "; or pass --data DIR with the four IDX files");
        } catch (IOException e) {
            throw new DemoUnavailableException(DemoUnavailableException.Reason.MISSING_DATA, where + ", and the download "
                    + "into " + lookup.cache() + " failed (" + e.getMessage() + "): " + instead);
        }
    }

    @Override
    public String name() {
        return "fashion-mnist";
    }

    @Override
    public String title() {
        return architecture == Classifier.Model.CNN ? "Fashion-MNIST: a CNN on real data"
                : "Fashion-MNIST: an MLP on real data";
    }

    @Override
    public DemoResult run(RunContext ctx) throws Exception {
        Path dir = locate(s.data(), s.download(), ctx.quiet() ? DownloadListener.NONE : new DownloadProgress(ctx.err()));
        Backend backend = ctx.backend();
        DType dtype = ctx.dtype();
        Rng rng = ctx.rng();
        long t0 = System.nanoTime();
        Split all = FashionMnist.load(dir, backend, dtype);
        Dataset trainAll = limit(all.train(), s.trainSize()), test = limit(all.test(), s.testSize());
        Split split = new Split(trainAll, trainAll.subset(new int[0]), test).withValidation(VALIDATION_SHARE, true,
                rng.split());
        Dataset train = Classifier.flat(split.train()), val = Classifier.flat(split.validation()),
                testFlat = Classifier.flat(test);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        ctx.say("fashion-mnist: %d training, %d validation, %d test images (read in %.1f s)", train.size(), val.size(),
                testFlat.size(), loadSeconds);

        List<String> names = all.train().classNames();
        int k = names.size(), in = train.features().dim(1);
        double cnnDropout = s.dropout() > 0 ? s.dropout() : CNN_DROPOUT;
        Sequential model = architecture == Classifier.Model.CNN
                ? Classifier.cnn(Tensor.on(backend, dtype), 28, 28, k, cnnDropout, rng.split())
                : Classifier.mlp(Tensor.on(backend, dtype), in, s.hidden(), k, ReLU::new, s.dropout(),
                InitPreset.APPROPRIATE.weights(Nonlinearity.RELU), InitPreset.APPROPRIATE.bias(), rng.split());
        Trainer.Builder tb = Trainer.builder(model, Losses.crossEntropy(),
                        new Adam(model.parameters(), Adam.options().withLr(s.learningRate())))
                .trainData(DataLoader.over(train).mode(BatchMode.miniBatch(s.batchSize())).shuffle(rng.split()).build())
                .validationData(DataLoader.over(val).batchSize(1000).build())
                .epochs(s.epochs()).metrics(Metrics.accuracy());
        if (s.cosine()) tb.schedule(Schedules.cosine(s.learningRate(), s.epochs(), 0), Trainer.ScheduleUnit.EPOCH);
        if (!ctx.quiet()) tb.listener(new ConsoleProgress(ctx.out(), false));
        Trainer trainer = tb.build();
        History history = trainer.fit();

        Classifier.Scores scores = Classifier.score(trainer.predict(testFlat.features(), 1000), test.labels(), k);
        double acc = scores.accuracy();
        double[] perClass = scores.perClassAccuracy();
        Path modelFile = ctx.saveModel(model, s.save());
        if (s.onnx() != null) {
            ctx.say("ONNX model: %s", ctx.exportOnnx(model, testFlat.features().slice(0, 0, Math.min(2,
                    testFlat.size())), s.onnx()));
        }

        int epochs = history.epochs().size();
        double[] epochSeconds = history.epochs().stream().mapToDouble(e -> e.nanos() / 1e9).toArray();
        double[] stepSeconds = new double[epochs];
        for (History.Step st : history.steps()) stepSeconds[st.epoch() - 1] += st.nanos() / 1e9;
        double meanEpoch = mean(epochSeconds), meanSteps = mean(stepSeconds);
        double total = 0;
        for (double e : epochSeconds) total += e;
        double[] loss = history.metric("loss"), valAcc = history.metric("val_accuracy");
        int last = epochs - 1;
        boolean full = s.trainSize() == 0 && s.testSize() == 0;
        boolean cnn = architecture == Classifier.Model.CNN;
        String target = cnn ? "" + CNN_TARGET_PERCENT : "" + TARGET_PERCENT;
        boolean met = cnn ? acc * 100 >= CNN_TARGET_PERCENT : acc * 100 > TARGET_PERCENT;
        String network = cnn ? "conv 32 \u2192 pool \u2192 conv 64 \u2192 pool \u2192 128 \u2192 " + k
                : in + " \u2192 " + String.join(" \u2192 ", s.hidden().stream().map(String::valueOf).toList())
                + " \u2192 " + k;
        String described = cnn ? "CNN " + network + " (3 x 3 convolutions, BatchNorm, ReLU, 2 x 2 max pooling, dropout "
                + cnnDropout + " before the output, PyTorch's default initialisation, " + model.parameterCount()
                + " parameters)" : "MLP " + network + " (ReLU, He initialisation, " + model.parameterCount() + " parameters)";

        Figure lossFig = ctx.figure(Classifier.curves(history, "Fashion-MNIST: cost per epoch", "loss", "cross-entropy"),
                "cost.png", "Mini-batch Adam lowers the cross-entropy quickly; a widening gap between training and "
                        + "validation cost is the start of over-fitting",
                String.format(Locale.ROOT, "training cost %.3f after epoch 1, %.3f after epoch %d; validation %.3f",
                        loss[0], loss[last], epochs, history.metric("val_loss")[last]));
        Figure accFig = ctx.figure(Classifier.curves(history, "Fashion-MNIST: accuracy per epoch", "accuracy",
                "accuracy"), "accuracy.png", "Accuracy rises as the cost falls",
                "validation accuracy " + Classifier.percent(valAcc[last]) + " after " + epochs + " epochs; test "
                        + Classifier.percent(acc));
        StringBuilder classes = new StringBuilder();
        for (int c = 0; c < k; c++) {
            classes.append(c == 0 ? "" : ", ").append(names.get(c)).append(' ').append(Classifier.percent(perClass[c]));
        }
        int worst = 0;
        for (int c = 1; c < k; c++) if (perClass[c] < perClass[worst]) worst = c;
        int[] confusedWith = mostConfused(scores.confusion(), worst);
        Figure confusion = ctx.figure(Plots.confusionMatrix("Fashion-MNIST: confusion matrix on " + testFlat.size()
                        + " test images").counts(scores.confusion()).classNames(names), "confusion.png",
                "Errors concentrate in a few cells: shirts, T-shirts, pullovers and coats look alike at 28 x 28",
                "test accuracy " + Classifier.percent(acc) + "; the hardest class is " + names.get(worst) + " ("
                        + Classifier.percent(perClass[worst]) + "), most often taken for "
                        + names.get(confusedWith[0]) + " (" + confusedWith[1] + " images)");
        Figure wrong = Classifier.misclassifiedGrid(ctx, test, scores, 28, 28, 24, "misclassified.png", "test images",
                "The network's most confident mistakes");

        DemoResult.Builder r = DemoResult.builder(title())
                .lead("Zalando's Fashion-MNIST (" + dir + "): 28 x 28 grey images of clothing in ten classes. An "
                        + described + " is "
                        + "trained with mini-batch Adam (learning rate " + s.learningRate()
                        + (s.cosine() ? " annealed to 0 along a cosine" : "")
                        + (s.dropout() > 0 && !cnn ? ", dropout " + s.dropout() : "") + ", batches of "
                        + s.batchSize() + ", " + s.epochs() + " epochs) on " + train.size() + " images, validated on "
                        + val.size() + " and tested on " + testFlat.size() + (full ? "" : " (a subset)")
                        + (cnn ? ". The CNN is meant to reach " + target + "% test accuracy within 15 epochs."
                        : ". The default recipe is meant to exceed " + target + "% test accuracy in a few minutes on two cores."))
                .measurement("test accuracy", Classifier.percent(acc));
        if (full) r.measurement("target: test accuracy " + (cnn ? ">= " : "> ") + target + "%", met ? "met" : "NOT met");
        for (int c = 0; c < k; c++) r.measurement("test accuracy, " + names.get(c), Classifier.percent(perClass[c]));
        r.measurement("time per epoch", String.format(Locale.ROOT, "%.1f s (%.1f s of optimiser steps, the rest "
                        + "evaluates the training and validation sets)", meanEpoch, meanSteps))
                .measurement("training time", String.format(Locale.ROOT, "%.1f s for %d epochs", total, epochs))
                .measurement("model", modelFile.toAbsolutePath().normalize() + " (safetensors)")
                .figure(lossFig).figure(accFig).figure(confusion);
        if (wrong != null) r.figure(wrong);
        return r.summary(String.format(Locale.ROOT, "network %s, %d epochs, %.1f s per epoch (%.1f s of steps)",
                        network, epochs, meanEpoch, meanSteps))
                .summary("test accuracy " + Classifier.percent(acc) + " on " + testFlat.size() + " images"
                        + (full ? " (target " + (cnn ? ">= " : "> ") + target + "%: " + (met ? "met" : "NOT met") + ")" : ""))
                .summary("per class: " + classes)
                .summary("model saved to " + modelFile)
                .build();
    }

    /** The first {@code n} samples, or all when {@code n} is 0 or too large. */
    private static Dataset limit(Dataset d, int n) {
        return n <= 0 || n >= d.size() ? d : d.slice(0, n);
    }

    /** The class most often predicted for samples of class {@code c} other than {@code c}, and how often. */
    private static int[] mostConfused(int[][] confusion, int c) {
        int best = c == 0 ? 1 : 0;
        for (int j = 0; j < confusion.length; j++) if (j != c && confusion[c][j] > confusion[c][best]) best = j;
        return new int[] {best, confusion[c][best]};
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) sum += x;
        return v.length == 0 ? Double.NaN : sum / v.length;
    }
}
