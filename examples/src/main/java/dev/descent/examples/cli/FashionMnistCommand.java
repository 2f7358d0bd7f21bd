package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.Classifier;
import dev.descent.examples.demos.FashionMnistDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code descent fashion-mnist}: an MLP on the real Fashion-MNIST data. */
@Command(name = "fashion-mnist", mixinStandardHelpOptions = true,
        header = "An MLP on Fashion-MNIST",
        description = {"Trains an MLP on Fashion-MNIST with mini-batch Adam: test accuracy, per-class accuracy,",
                "a confusion matrix and the time per epoch; saves the model as safetensors."})
public final class FashionMnistCommand extends DemoCommand {
    private static final FashionMnistDemo.Settings DEFAULTS = FashionMnistDemo.Settings.defaults(null);

    /** The lookup, for the help of both commands that read Fashion-MNIST. */
    static final String DATA_HELP = "Directory of the four IDX files, looked in first; then Debian's "
            + "/usr/share/datasets/fashion-mnist, then the cache (DESCENT_HOME or ~/.descent, under datasets/fashion-mnist), "
            + "where they are downloaded and checked when none has them.";
    static final String NO_DOWNLOAD_HELP = "Never download Fashion-MNIST (as DESCENT_OFFLINE=1 does).";

    @Option(names = "--data", paramLabel = "DIR", description = DATA_HELP)
    public Path data;

    @Option(names = "--no-download", description = NO_DOWNLOAD_HELP)
    public boolean noDownload;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: " + FashionMnistDemo.MLP_EPOCHS
            + " for the MLP, " + FashionMnistDemo.CNN_EPOCHS + " for the CNN).")
    public Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = DEFAULTS.batchSize();

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = DEFAULTS.learningRate();

    @Option(names = "--model", paramLabel = "NAME",
            description = "The network: mlp (dense layers, --hidden) or cnn (conv 32, pool, conv 64, pool, dense 128, "
                    + "with BatchNorm and dropout) (default: ${DEFAULT-VALUE}).")
    public String model = "mlp";

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = DEFAULTS.hidden();

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout after each hidden layer (default: ${DEFAULT-VALUE}).")
    public double dropout = DEFAULTS.dropout();

    @Option(names = "--schedule", paramLabel = "NAME",
            description = "Learning-rate schedule over the epochs: cosine (annealed to 0) or constant (default: ${DEFAULT-VALUE}).")
    public String schedule = DEFAULTS.cosine() ? "cosine" : "constant";

    @Option(names = "--train-size", paramLabel = "N",
            description = "Use only the first N training images, one in twelve of them for validation (default: all 60000).")
    public int trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Use only the first N test images (default: all 10000).")
    public int testSize;

    @Option(names = "--save", paramLabel = "FILE",
            description = "Where to save the model (default: OUT/fashion-mnist/model.safetensors).")
    public Path save;

    @Option(names = "--onnx", paramLabel = "FILE",
            description = "Also write the trained model as ONNX (opset 17, input 'input' (batch, 784) of flat "
                    + "images, output 'output' (batch, 10) logits), as 'descent export' does.")
    public Path onnx;

    @Override
    protected void validate() {
        if (epochs != null) requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--learning-rate", learningRate);
        for (int h : hidden) requirePositive("--hidden", h);
        if (!(dropout >= 0 && dropout < 1)) throw usageError("Invalid value for option '--dropout': expected 0 <= p < 1, got " + dropout);
        requireChoices("--schedule", List.of(schedule), List.of("cosine", "constant"));
        requireChoices("--model", List.of(model), List.of("mlp", "cnn"));
        if (trainSize < 0) throw usageError("Invalid value for option '--train-size': expected >= 0, got " + trainSize);
        if (testSize < 0) throw usageError("Invalid value for option '--test-size': expected >= 0, got " + testSize);
    }

    @Override
    protected Demo demo() {
        Classifier.Model architecture = Classifier.Model.of(model);
        int n = epochs != null ? epochs
                : architecture == Classifier.Model.CNN ? FashionMnistDemo.CNN_EPOCHS : FashionMnistDemo.MLP_EPOCHS;
        return new FashionMnistDemo(new FashionMnistDemo.Settings(data, hidden, dropout, n, batchSize,
                learningRate, schedule.equalsIgnoreCase("cosine"), trainSize, testSize, save, !noDownload, onnx),
                architecture);
    }
}
