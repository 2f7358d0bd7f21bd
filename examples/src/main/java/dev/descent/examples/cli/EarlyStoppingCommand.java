package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.EarlyStoppingDemo;
import dev.descent.examples.demos.Fits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code descent early-stopping}: a fixed long run against early stopping on data that overfits. */
@Command(name = "early-stopping", mixinStandardHelpOptions = true,
        header = "Stopping when the loss stops improving",
        description = {"The same network on a small noisy training set, trained for a fixed number of epochs and with",
                "early stopping on the validation loss (patience, restore-best); losses per epoch with the stop and",
                "the restored epoch marked, and the held-out accuracy of both."})
public final class EarlyStoppingCommand extends DemoCommand {
    private static final EarlyStoppingDemo.Config D = EarlyStoppingDemo.Config.defaults();

    @Option(names = "--train-size", paramLabel = "N", description = "Training samples (default: ${DEFAULT-VALUE}).")
    public int trainSize = D.trainSize();

    @Option(names = "--validation-size", paramLabel = "N", description = "Validation samples (default: ${DEFAULT-VALUE}).")
    public int validationSize = D.validationSize();

    @Option(names = "--test-size", paramLabel = "N", description = "Held-out test samples (default: ${DEFAULT-VALUE}).")
    public int testSize = D.testSize();

    @Option(names = "--noise", paramLabel = "X", description = "Noise of the moons (default: ${DEFAULT-VALUE}).")
    public double noise = D.noise();

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = D.net().hidden();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of the fixed run, and the most for early stopping (default: ${DEFAULT-VALUE}).")
    public int epochs = D.training().epochs();

    @Option(names = "--patience", paramLabel = "N", description = "Epochs without improvement before stopping (default: ${DEFAULT-VALUE}).")
    public int patience = D.patience();

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = D.training().lr();

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = D.training().batchSize();

    @Override
    protected void validate() {
        atLeast("--train-size", trainSize, 4);
        atLeast("--validation-size", validationSize, 4);
        atLeast("--test-size", testSize, 4);
        if (!(noise >= 0)) throw usageError("Invalid value for option '--noise': expected >= 0, got " + noise);
        for (int h : hidden) requirePositive("--hidden", h);
        requirePositive("--epochs", epochs);
        atLeast("--patience", patience, 0);
        requirePositive("--learning-rate", learningRate);
        requirePositive("--batch-size", batchSize);
    }

    @Override
    protected Demo demo() {
        return new EarlyStoppingDemo(new EarlyStoppingDemo.Config(trainSize, validationSize, testSize, noise,
                new Fits.Net(hidden, D.net().activation()),
                new Fits.Training(D.training().optimizer(), learningRate, batchSize, epochs, null), patience));
    }
}
