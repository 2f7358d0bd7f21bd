package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.DemoUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code descent fashion-mnist}: an MLP on the real Fashion-MNIST data. */
@Command(name = "fashion-mnist", mixinStandardHelpOptions = true,
        header = "An MLP on Fashion-MNIST",
        description = {"Trains an MLP on Fashion-MNIST with mini-batch Adam: test accuracy, per-class accuracy,",
                "a confusion matrix and the time per epoch; saves the model as safetensors."})
public final class FashionMnistCommand extends DemoCommand {
    /** Where Debian's package puts the data. */
    public static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");
    /** The four IDX files the demo reads. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    @Option(names = "--data", paramLabel = "DIR", description = "Directory of the IDX files (default: ${DEFAULT-VALUE}).")
    public Path data = DEFAULT_DATA;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    public int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = 128;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = 1e-3;

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = List.of(256, 128);

    @Option(names = "--save", paramLabel = "FILE",
            description = "Where to save the model (default: OUT/fashion-mnist/model.safetensors).")
    public Path save;

    @Override
    protected void validate() {
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--learning-rate", learningRate);
        for (int h : hidden) requirePositive("--hidden", h);
    }

    /**
     * Fails with one line saying how to get the data when a file is missing (either plain or gzipped). A demo
     * calls this first.
     */
    public static void requireData(Path dir) {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f)) && !Files.isRegularFile(dir.resolve(f + ".gz"))) {
                throw new DemoUnavailableException(DemoUnavailableException.Reason.MISSING_DATA,
                        "Fashion-MNIST data not found in " + dir + " (missing " + f + "); download the four IDX "
                                + "files from https://github.com/zalandoresearch/fashion-mnist and pass --data DIR");
            }
        }
    }

    @Override
    protected Demo demo() {
        requireData(data);
        return super.demo();
    }
}
