package dev.descent.examples.demos;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.DownloadListener;
import dev.descent.data.FashionMnist;
import dev.descent.data.Split;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.DownloadProgress;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.presets.InitPreset;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.init.Nonlinearity;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.schedule.Schedules;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * MLP vs CNN: the same images, the same optimiser (mini-batch Adam annealed along a cosine) and the same epochs for a
 * dense network and for {@link Classifier#cnn} (conv 32, pool, conv 64, pool, dense 128 with BatchNorm and dropout),
 * with both learning curves, the parameter counts, the time per epoch and the test accuracies. The claim: the CNN,
 * whose convolutions share their weights across the image, is more accurate than the MLP with fewer parameters.
 *
 * <pre>{@code
 * DemoResult r = new MlpVsCnnDemo(MlpVsCnnDemo.Settings.defaults(null)).run(ctx);
 * r.measurements().get("claim: the CNN is more accurate with fewer parameters");   // "met"
 * }</pre>
 */
public final class MlpVsCnnDemo implements Demo {
    /** Where the images come from. */
    public enum Images { FASHION_MNIST, SHAPES }

    /**
     * @param images       Fashion-MNIST (read as {@link FashionMnistDemo} does) or generated shapes
     * @param data         Fashion-MNIST's directory, looked in first (null: Debian's, then the cache)
     * @param trainSize    Fashion-MNIST: training images used (0: all), one in twelve of them validate; shapes:
     *                     generated images per class (split 65/15/20)
     * @param testSize     Fashion-MNIST: test images used (0: all)
     * @param imageSize    shapes: the image side in pixels
     * @param noise        shapes: the pixel noise
     * @param mlpHidden    the MLP's hidden layer sizes
     * @param epochs       epochs of each network
     * @param batchSize    mini-batch size
     * @param learningRate Adam's initial learning rate
     * @param download     Fashion-MNIST: download into the cache when no directory holds it
     */
    public record Settings(Images images, Path data, int trainSize, int testSize, int imageSize, double noise,
                           List<Integer> mlpHidden, int epochs, int batchSize, double learningRate, boolean download) {
        public Settings {
            Objects.requireNonNull(images, "images");
            mlpHidden = List.copyOf(mlpHidden);
        }

        /** The report's configuration: 12,000 Fashion-MNIST training images, 2,000 test images, 5 epochs. */
        public static Settings defaults(Path data) {
            return new Settings(Images.FASHION_MNIST, data, 12_000, 2_000, 28, 0, List.of(512, 256), 5, 128, 1e-3,
                    true);
        }
    }

    /** The measurement that states the claim. */
    public static final String CLAIM = "claim: the CNN is more accurate with fewer parameters";

    private final Settings s;

    public MlpVsCnnDemo(Settings settings) {
        this.s = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "mlp-vs-cnn";
    }

    @Override
    public String title() {
        return "MLP vs CNN";
    }

    /** One network's run: its curves, parameters, time per epoch and test accuracy. */
    private record Run(String name, History history, long parameters, double secondsPerEpoch, double testAccuracy) {
    }

    @Override
    public DemoResult run(RunContext ctx) throws Exception {
        Backend backend = ctx.backend();
        DType dtype = ctx.dtype();
        Rng rng = ctx.rng();
        Split split;
        int side;
        String source;
        if (s.images() == Images.FASHION_MNIST) {
            Path dir = FashionMnistDemo.locate(s.data(), s.download(),
                    ctx.quiet() ? DownloadListener.NONE : new DownloadProgress(ctx.err()));
            Split all = FashionMnist.load(dir, backend, dtype);
            Dataset train = limit(all.train(), s.trainSize()), test = limit(all.test(), s.testSize());
            split = new Split(train, train.subset(new int[0]), test).withValidation(FashionMnistDemo.VALIDATION_SHARE,
                    true, rng.split());
            side = 28;
            source = "Fashion-MNIST (" + dir + ")";
        } else {
            Dataset images = Datasets.shapes(rng.split(), 3 * s.trainSize(), s.imageSize(), s.noise()).to(backend)
                    .to(dtype);
            split = Split.stratified(images, ShapesDemo.VALIDATION_SHARE, ShapesDemo.TEST_SHARE, rng.split());
            side = s.imageSize();
            source = "generated shapes (" + side + " x " + side + ", noise " + s.noise() + ")";
        }
        Dataset train = Classifier.flat(split.train()), val = Classifier.flat(split.validation()),
                test = Classifier.flat(split.test());
        int k = split.train().classNames().size(), in = train.features().dim(1);

        Sequential mlp = Classifier.mlp(Tensor.on(backend, dtype), in, s.mlpHidden(), k, ReLU::new, 0,
                InitPreset.APPROPRIATE.weights(Nonlinearity.RELU), InitPreset.APPROPRIATE.bias(), rng.split());
        Sequential cnn = Classifier.cnn(Tensor.on(backend, dtype), side, side, k, FashionMnistDemo.CNN_DROPOUT,
                rng.split());
        String mlpShape = in + " \u2192 " + String.join(" \u2192 ", s.mlpHidden().stream().map(String::valueOf).toList())
                + " \u2192 " + k;
        Run a = train("MLP " + mlpShape, mlp, train, val, test, k, rng, ctx);
        Run b = train("CNN conv 32 \u2192 pool \u2192 conv 64 \u2192 pool \u2192 128 \u2192 " + k, cnn, train, val,
                test, k, rng, ctx);
        boolean met = b.testAccuracy() > a.testAccuracy() && b.parameters() < a.parameters();

        LinePlot accuracy = Plots.line("MLP vs CNN: validation accuracy per epoch", "epoch", "accuracy")
                .series("MLP", a.history().metric("val_accuracy")).series("CNN", b.history().metric("val_accuracy"))
                .markers();
        LinePlot cost = Plots.line("MLP vs CNN: training cost per epoch", "epoch", "cross-entropy")
                .series("MLP", a.history().metric("loss")).series("CNN", b.history().metric("loss")).markers();
        String both = String.format(Locale.ROOT, "test accuracy: MLP %s with %,d parameters, CNN %s with %,d",
                Classifier.percent(a.testAccuracy()), a.parameters(), Classifier.percent(b.testAccuracy()),
                b.parameters());
        DemoResult.Builder r = DemoResult.builder(title())
                .lead("The same " + train.size() + " training images of " + source + ", validated on " + val.size()
                        + " and tested on " + test.size() + ", train a dense network (" + a.name() + ", ReLU, He "
                        + "initialisation) and a convolutional one (" + b.name() + ", 3 x 3 convolutions with BatchNorm "
                        + "and ReLU, 2 x 2 max pooling, dropout " + FashionMnistDemo.CNN_DROPOUT + ", PyTorch's default "
                        + "initialisation) with mini-batch Adam (learning rate " + s.learningRate() + " annealed to 0 "
                        + "along a cosine, batches of " + s.batchSize() + ", " + s.epochs() + " epochs each). A "
                        + "convolution applies one small kernel at every position of the image, so the CNN learns "
                        + "local patterns wherever they occur with far fewer weights per layer than a dense layer "
                        + "over all pixels. Claim: the CNN is more accurate than the MLP with fewer parameters.")
                .measurement("MLP test accuracy", Classifier.percent(a.testAccuracy()))
                .measurement("CNN test accuracy", Classifier.percent(b.testAccuracy()))
                .measurement("MLP parameters", String.format(Locale.ROOT, "%,d", a.parameters()))
                .measurement("CNN parameters", String.format(Locale.ROOT, "%,d", b.parameters()))
                .measurement("MLP time per epoch", seconds(a.secondsPerEpoch()))
                .measurement("CNN time per epoch", seconds(b.secondsPerEpoch()))
                .measurement(CLAIM, met ? "met" : "NOT met")
                .figure(ctx.figure(accuracy, "accuracy.png", "Weight sharing pays: the CNN's validation accuracy "
                        + "is above the MLP's from the first epochs on", both))
                .figure(ctx.figure(cost, "cost.png", "Both networks lower the cross-entropy; the CNN reaches a lower "
                        + "cost with fewer parameters", String.format(Locale.ROOT, "training cost after %d epochs: "
                        + "MLP %.3f, CNN %.3f; time per epoch: MLP %.1f s, CNN %.1f s", s.epochs(),
                        last(a.history().metric("loss")), last(b.history().metric("loss")), a.secondsPerEpoch(),
                        b.secondsPerEpoch())));
        return r.summary(both)
                .summary(String.format(Locale.ROOT, "time per epoch: MLP %.1f s, CNN %.1f s", a.secondsPerEpoch(),
                        b.secondsPerEpoch()))
                .summary("claim (the CNN is more accurate with fewer parameters): " + (met ? "met" : "NOT met"))
                .build();
    }

    private Run train(String name, Sequential model, Dataset train, Dataset val, Dataset test, int k, Rng rng,
                      RunContext ctx) {
        Trainer trainer = Trainer.builder(model, Losses.crossEntropy(),
                        new Adam(model.parameters(), Adam.options().withLr(s.learningRate())))
                .trainData(DataLoader.over(train).mode(BatchMode.miniBatch(s.batchSize())).shuffle(rng.split()).build())
                .validationData(DataLoader.over(val).batchSize(1000).build())
                .epochs(s.epochs()).metrics(Metrics.accuracy())
                .schedule(Schedules.cosine(s.learningRate(), s.epochs(), 0), Trainer.ScheduleUnit.EPOCH)
                .build();
        History h = trainer.fit();
        double total = 0;
        for (History.Epoch e : h.epochs()) total += e.nanos() / 1e9;
        double acc = Classifier.score(trainer.predict(test.features(), 1000), test.labels(), k).accuracy();
        ctx.say("mlp-vs-cnn: %s: test accuracy %s, %d parameters", name, Classifier.percent(acc),
                model.parameterCount());
        return new Run(name, h, model.parameterCount(), total / h.epochs().size(), acc);
    }

    private static Dataset limit(Dataset d, int n) {
        return n <= 0 || n >= d.size() ? d : d.slice(0, n);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    private static double last(double[] v) {
        return v[v.length - 1];
    }
}
