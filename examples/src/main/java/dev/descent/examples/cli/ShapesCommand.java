package dev.descent.examples.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent shapes}: the lecture's "identify different shapes" network. */
@Command(name = "shapes", mixinStandardHelpOptions = true,
        header = "Identifying shapes in generated images",
        description = {"The lecture's \"identify different shapes\" network on generated shape images:",
                "training curves, a confusion matrix and a grid of misclassified examples."})
public final class ShapesCommand extends DemoCommand {
    @Option(names = "--images-per-class", paramLabel = "N", description = "Generated images per shape (default: ${DEFAULT-VALUE}).")
    public int imagesPerClass = 300;

    @Option(names = "--image-size", paramLabel = "PX", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    public int imageSize = 16;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    public int epochs = 30;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = 32;

    @Override
    protected void validate() {
        requirePositive("--images-per-class", imagesPerClass);
        if (imageSize < 8) throw usageError("Invalid value for option '--image-size': expected >= 8, got " + imageSize);
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
    }
}
