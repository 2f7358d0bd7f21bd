package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.Classifier;
import dev.descent.examples.demos.ShapesDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code descent shapes}: the lecture's "identify different shapes" network. */
@Command(name = "shapes", mixinStandardHelpOptions = true,
        header = "Identifying shapes in generated images",
        description = {"The lecture's \"identify different shapes\" network on generated shape images:",
                "training curves, a confusion matrix and a grid of misclassified examples."})
public final class ShapesCommand extends DemoCommand {
    private static final ShapesDemo.Settings DEFAULTS = ShapesDemo.Settings.defaults();

    @Option(names = "--images-per-class", paramLabel = "N", description = "Generated images per shape (default: ${DEFAULT-VALUE}).")
    public int imagesPerClass = DEFAULTS.imagesPerClass();

    @Option(names = "--image-size", paramLabel = "PX", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    public int imageSize = DEFAULTS.imageSize();

    @Option(names = "--noise", paramLabel = "SD", description = "Pixel noise (default: ${DEFAULT-VALUE}).")
    public double noise = DEFAULTS.noise();

    @Option(names = "--model", paramLabel = "NAME",
            description = "The network: mlp (dense layers, --hidden) or cnn (conv 32, pool, conv 64, pool, dense 128, "
                    + "with BatchNorm and dropout) (default: ${DEFAULT-VALUE}).")
    public String model = "mlp";

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = DEFAULTS.hidden();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    public int epochs = DEFAULTS.epochs();

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = DEFAULTS.batchSize();

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = DEFAULTS.learningRate();

    @Override
    protected void validate() {
        requirePositive("--images-per-class", imagesPerClass);
        if (imageSize < 8) throw usageError("Invalid value for option '--image-size': expected >= 8, got " + imageSize);
        if (imageSize > 64) throw usageError("Invalid value for option '--image-size': expected <= 64, got " + imageSize);
        if (!(noise >= 0)) throw usageError("Invalid value for option '--noise': expected >= 0, got " + noise);
        for (int h : hidden) requirePositive("--hidden", h);
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--learning-rate", learningRate);
        requireChoices("--model", List.of(model), List.of("mlp", "cnn"));
    }

    @Override
    protected Demo demo() {
        return new ShapesDemo(new ShapesDemo.Settings(imagesPerClass, imageSize, noise, hidden, epochs, batchSize,
                learningRate), Classifier.Model.of(model));
    }
}
