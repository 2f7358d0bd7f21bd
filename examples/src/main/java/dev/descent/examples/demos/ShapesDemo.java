package dev.descent.examples.demos;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.ImageGridPlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.nn.activations.ReLU;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.Split;
import dev.descent.examples.presets.InitPreset;
import dev.descent.nn.init.Nonlinearity;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.train.ConsoleProgress;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The lecture's "identify different shapes" network ("Working of Simple NN"): every pixel of a generated image is
 * an input neuron, hidden ReLU layers follow, and three output neurons say circle, square or triangle. The cost
 * between the predicted and the actual class (cross-entropy) is minimised by mini-batch gradient descent (Adam)
 * with backpropagation. The claim: at least {@value #CLAIM_PERCENT}% of held-out images are identified correctly.
 *
 * <pre>{@code
 * DemoResult r = new ShapesDemo(ShapesDemo.Settings.defaults()).run(ctx);
 * r.measurements().get("test accuracy");
 * }</pre>
 */
public final class ShapesDemo implements Demo {
    /** The lecture's claim: held-out accuracy of at least this many percent. */
    public static final int CLAIM_PERCENT = 95;

    /**
     * @param imagesPerClass generated images per shape (split 65/15/20 into training, validation and test)
     * @param imageSize      image side in pixels
     * @param noise          standard deviation of the pixel noise
     * @param hidden         hidden layer sizes
     * @param epochs         epochs of training
     * @param batchSize      mini-batch size
     * @param learningRate   Adam's learning rate
     */
    public record Settings(int imagesPerClass, int imageSize, double noise, List<Integer> hidden, int epochs,
                           int batchSize, double learningRate) {
        public Settings {
            hidden = List.copyOf(hidden);
        }

        public static Settings defaults() {
            return new Settings(3000, 16, 0.05, List.of(64, 32), 20, 64, 2e-3);
        }
    }

    static final double VALIDATION_SHARE = 0.15, TEST_SHARE = 0.2;

    private final Settings s;
    private final Classifier.Model architecture;

    public ShapesDemo(Settings settings) {
        this(settings, Classifier.Model.MLP);
    }

    /** The demo with the MLP of {@code settings}, or with {@link Classifier#cnn} (the hidden sizes are then unused). */
    public ShapesDemo(Settings settings, Classifier.Model architecture) {
        this.s = Objects.requireNonNull(settings, "settings");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
    }

    @Override
    public String name() {
        return "shapes";
    }

    @Override
    public String title() {
        return "Identifying shapes: the lecture's simple neural network";
    }

    @Override
    public DemoResult run(RunContext ctx) throws Exception {
        Backend backend = ctx.backend();
        DType dtype = ctx.dtype();
        Rng rng = ctx.rng();
        int px = s.imageSize() * s.imageSize();
        Dataset images = Datasets.shapes(rng.split(), 3 * s.imagesPerClass(), s.imageSize(), s.noise())
                .to(backend).to(dtype);
        Split split = Split.stratified(images, VALIDATION_SHARE, TEST_SHARE, rng.split());
        Dataset train = Classifier.flat(split.train()), val = Classifier.flat(split.validation()),
                test = Classifier.flat(split.test());

        boolean cnn = architecture == Classifier.Model.CNN;
        Sequential model = cnn ? Classifier.cnn(Tensor.on(backend, dtype), s.imageSize(), s.imageSize(), 3,
                FashionMnistDemo.CNN_DROPOUT, rng.split()) : Classifier.mlp(Tensor.on(backend, dtype), px, s.hidden(), 3, ReLU::new,
                InitPreset.APPROPRIATE.weights(Nonlinearity.RELU), InitPreset.APPROPRIATE.bias(), rng.split());
        Trainer.Builder tb = Trainer.builder(model, Losses.crossEntropy(),
                        new Adam(model.parameters(), Adam.options().withLr(s.learningRate())))
                .trainData(DataLoader.over(train).mode(BatchMode.miniBatch(s.batchSize())).shuffle(rng.split()).build())
                .validationData(DataLoader.over(val).batchSize(512).build())
                .epochs(s.epochs()).metrics(Metrics.accuracy());
        if (ctx.verbose()) tb.listener(new ConsoleProgress(ctx.out(), false));
        Trainer trainer = tb.build();
        long t0 = System.nanoTime();
        History history = trainer.fit();
        double seconds = (System.nanoTime() - t0) / 1e9;

        Classifier.Scores scores = Classifier.score(trainer.predict(test.features(), 512), test.labels(), 3);
        double acc = scores.accuracy();
        boolean met = acc * 100 >= CLAIM_PERCENT;
        double[] perClass = scores.perClassAccuracy();
        List<String> names = images.classNames();
        double[] trainAcc = history.metric("accuracy"), valAcc = history.metric("val_accuracy");
        double[] loss = history.metric("loss");
        int last = loss.length - 1;

        String network = cnn ? "conv 32 \u2192 pool \u2192 conv 64 \u2192 pool \u2192 128 \u2192 3"
                : px + " \u2192 " + String.join(" \u2192 ", s.hidden().stream().map(String::valueOf).toList()) + " \u2192 3";
        Figure inputs = samples(ctx, split.test(), 24);
        Figure lossFig = ctx.figure(Classifier.curves(history, "Shapes: cost per epoch", "loss", "cross-entropy"),
                "cost.png", "Gradient descent lowers the cost, the difference between the predicted and the actual "
                        + "output, epoch after epoch; the validation cost follows it while the network generalises",
                String.format(Locale.ROOT, "cost %.3f after epoch 1, %.4f after epoch %d (validation %.4f)",
                        loss[0], loss[last], loss.length, history.metric("val_loss")[last]));
        Figure accFig = ctx.figure(Classifier.curves(history, "Shapes: accuracy per epoch", "accuracy", "accuracy")
                        .yRange(0, 1.02), "accuracy.png",
                "As the cost falls, more shapes are identified correctly",
                "training accuracy " + Classifier.percent(trainAcc[last]) + ", validation "
                        + Classifier.percent(valAcc[last]) + " after " + loss.length + " epochs");
        StringBuilder perClassText = new StringBuilder();
        for (int c = 0; c < 3; c++) {
            perClassText.append(c == 0 ? "" : ", ").append(names.get(c)).append(' ').append(Classifier.percent(perClass[c]));
        }
        Figure confusion = ctx.figure(Plots.confusionMatrix("Shapes: confusion matrix on " + test.size()
                        + " held-out images").counts(scores.confusion()).classNames(names), "confusion.png",
                "A trained network puts (almost) everything on the diagonal: each shape predicted as itself",
                "test accuracy " + Classifier.percent(acc) + " (" + perClassText + ")");
        Figure wrong = Classifier.misclassifiedGrid(ctx, split.test(), scores, s.imageSize(), s.imageSize(), 24,
                "misclassified.png", "test images",
                "The errors that remain are the hard cases: small or noisy shapes whose outline is ambiguous");

        DemoResult.Builder r = DemoResult.builder(title())
                .lead("The lecture's \"Working of Simple NN\": an artificial neural network learns to identify "
                        + "different shapes. Each pixel of a " + s.imageSize() + " x " + s.imageSize() + " image is an "
                        + (cnn ? "input pixel; 3 x 3 convolutions with BatchNorm, ReLU and 2 x 2 max pooling, a dense "
                        + "layer and three output neurons (circle, square, triangle) make a CNN " + network + " ("
                        + model.parameterCount() + " parameters, PyTorch's default initialisation, dropout "
                        + FashionMnistDemo.CNN_DROPOUT + " before the output). Backpropagation"
                        : "input neuron; hidden ReLU layers and three output neurons (circle, square, triangle) make a "
                        + "network " + network + " (" + model.parameterCount() + " weights and biases, He "
                        + "initialisation). Backpropagation") + " and mini-batch gradient descent (Adam, learning rate "
                        + s.learningRate() + ", batches of " + s.batchSize() + ", " + s.epochs() + " epochs) minimise "
                        + "the cross-entropy cost on " + train.size() + " generated images (noise "
                        + s.noise() + "); " + val.size() + " more validate each epoch and " + test.size()
                        + " held-out images measure the result. Claim: at least " + CLAIM_PERCENT
                        + "% of the held-out images are identified correctly.")
                .measurement("test accuracy", Classifier.percent(acc))
                .measurement("claim: test accuracy \u2265 " + CLAIM_PERCENT + "%", met ? "met" : "NOT met");
        for (int c = 0; c < 3; c++) r.measurement("test accuracy, " + names.get(c), Classifier.percent(perClass[c]));
        r.measurement("final training cost", String.format(Locale.ROOT, "%.4f", loss[last]))
                .measurement("training time", String.format(Locale.ROOT, "%.1f s (%.2f s per epoch)", seconds,
                        seconds / loss.length))
                .figure(inputs).figure(lossFig).figure(accFig).figure(confusion);
        if (wrong != null) r.figure(wrong);
        return r.summary(String.format(Locale.ROOT, "network %s, %d epochs in %.1f s", network, loss.length, seconds))
                .summary("test accuracy " + Classifier.percent(acc) + " on " + test.size() + " held-out images ("
                        + perClassText + ")")
                .summary("claim (\u2265 " + CLAIM_PERCENT + "% held-out accuracy): " + (met ? "met" : "NOT met"))
                .build();
    }

    /** A grid of the first {@code max} images of {@code data} with their class. */
    private Figure samples(RunContext ctx, Dataset data, int max) {
        int count = Math.min(max, data.size());
        ImageGridPlot grid = Plots.imageGrid("Shapes: generated input images", "class of each image", "images")
                .columns(8);
        int[] labels = data.labels().toIntArray();
        for (int i = 0; i < count; i++) {
            grid.image(data.features().slice(0, i, i + 1).to(DType.FLOAT64).toDoubleArray(), s.imageSize(),
                    s.imageSize(), data.classNames().get(labels[i]), "", false);
        }
        return ctx.figure(grid, "inputs.png", "The network sees only pixels: a shape of random size and position, "
                + "anti-aliased, with noise", count + " of the " + data.size() + " held-out images");
    }
}
