package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.MlpVsCnnDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code descent mlp-vs-cnn}: an MLP and a CNN trained alike on the same images, side by side. */
@Command(name = "mlp-vs-cnn", mixinStandardHelpOptions = true,
        header = "An MLP and a CNN trained alike on the same images",
        description = {"Trains a dense network and a CNN (conv 32, pool, conv 64, pool, dense 128) with the same",
                "optimiser and epochs on Fashion-MNIST (or generated shapes): both learning curves, the parameter",
                "counts, the time per epoch and the test accuracies."})
public final class MlpVsCnnCommand extends DemoCommand {
    private static final MlpVsCnnDemo.Settings DEFAULTS = MlpVsCnnDemo.Settings.defaults(null);

    @Option(names = "--images", paramLabel = "NAME",
            description = "fashion-mnist or shapes (generated 16 x 16, noise 0.3) (default: ${DEFAULT-VALUE}).")
    public String images = "fashion-mnist";

    @Option(names = "--data", paramLabel = "DIR", description = FashionMnistCommand.DATA_HELP)
    public Path data;

    @Option(names = "--no-download", description = FashionMnistCommand.NO_DOWNLOAD_HELP)
    public boolean noDownload;

    @Option(names = "--train-size", paramLabel = "N",
            description = "Fashion-MNIST training images (0: all 60000), or generated shapes per class (default: ${DEFAULT-VALUE}).")
    public int trainSize = DEFAULTS.trainSize();

    @Option(names = "--test-size", paramLabel = "N", description = "Fashion-MNIST test images (0: all 10000) (default: ${DEFAULT-VALUE}).")
    public int testSize = DEFAULTS.testSize();

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "The MLP's hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = DEFAULTS.mlpHidden();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of each network (default: ${DEFAULT-VALUE}).")
    public int epochs = DEFAULTS.epochs();

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = DEFAULTS.batchSize();

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam's initial learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = DEFAULTS.learningRate();

    @Override
    protected void validate() {
        requireChoices("--images", List.of(images), List.of("fashion-mnist", "shapes"));
        if (trainSize < 0) throw usageError("Invalid value for option '--train-size': expected >= 0, got " + trainSize);
        if (testSize < 0) throw usageError("Invalid value for option '--test-size': expected >= 0, got " + testSize);
        for (int h : hidden) requirePositive("--hidden", h);
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--learning-rate", learningRate);
    }

    @Override
    protected Demo demo() {
        boolean shapes = images.equalsIgnoreCase("shapes");
        return new MlpVsCnnDemo(new MlpVsCnnDemo.Settings(shapes ? MlpVsCnnDemo.Images.SHAPES
                : MlpVsCnnDemo.Images.FASHION_MNIST, data, shapes && trainSize == 0 ? 200 : trainSize, testSize, 16,
                0.3, hidden, epochs, batchSize, learningRate, !noDownload));
    }
}
