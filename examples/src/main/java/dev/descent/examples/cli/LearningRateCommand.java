package dev.descent.examples.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code descent learning-rate}: small, appropriate and large learning rates. */
@Command(name = "learning-rate", mixinStandardHelpOptions = true,
        header = "Learning rate: too small, appropriate, too large",
        description = {"Learning rate: small vs appropriate vs large. Cost curves, and the path of gradient descent",
                "over the contour plot of a 2-D loss surface."})
public final class LearningRateCommand extends DemoCommand {
    @Option(names = "--rates", split = ",", paramLabel = "LR",
            description = "Learning rates to compare, small to large (default: ${DEFAULT-VALUE}).")
    public List<Double> rates = List.of(0.01, 0.1, 0.95);

    @Option(names = "--steps", paramLabel = "N", description = "Gradient-descent steps on the surface (default: ${DEFAULT-VALUE}).")
    public int steps = 50;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of the network's cost curves (default: ${DEFAULT-VALUE}).")
    public int epochs = 300;

    @Override
    protected void validate() {
        for (double r : rates) requirePositive("--rates", r);
        requirePositive("--steps", steps);
        requirePositive("--epochs", epochs);
    }
}
