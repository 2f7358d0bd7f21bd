package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.InitDemo;
import dev.descent.examples.presets.InitPreset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code descent init}: the four weight initialisations of the lecture on the circles data set. */
@Command(name = "init", mixinStandardHelpOptions = true,
        header = "Weight initialisation: zero, too small, appropriate, too large",
        description = {"Weight initialisation: a small ReLU network with a sigmoid output on the circles data,",
                "trained with ZERO, TOO_SMALL, APPROPRIATE and TOO_LARGE initial weights.",
                "Plots cost curves, decision boundaries and per-layer weight and gradient histograms."})
public final class InitCommand extends DemoCommand {
    /** The lecture's four initialisations. */
    public enum Initialization { ZERO, TOO_SMALL, APPROPRIATE, TOO_LARGE }

    @Option(names = "--inits", split = ",", paramLabel = "INIT",
            description = "Initialisations to compare: ${COMPLETION-CANDIDATES} (default: all).")
    public List<Initialization> inits = List.of(Initialization.values());

    @Option(names = "--hidden", split = ",", paramLabel = "N",
            description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = List.of(10, 5);

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of batch gradient descent (default: ${DEFAULT-VALUE}).")
    public int epochs = 3000;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = 0.05;

    @Option(names = "--train-size", paramLabel = "N", description = "Training points (default: ${DEFAULT-VALUE}).")
    public int trainSize = 300;

    @Option(names = "--test-size", paramLabel = "N", description = "Test points (default: ${DEFAULT-VALUE}).")
    public int testSize = 100;

    @Option(names = "--noise", paramLabel = "SD", description = "Noise of the circles (default: ${DEFAULT-VALUE}).")
    public double noise = 0.05;

    @Override
    protected void validate() {
        requirePositive("--epochs", epochs);
        requirePositive("--learning-rate", learningRate);
        requirePositive("--train-size", trainSize);
        requirePositive("--test-size", testSize);
        for (int h : hidden) requirePositive("--hidden", h);
        if (noise < 0) throw usageError("Invalid value for option '--noise': expected >= 0, got " + noise);
        if (trainSize < 2) throw usageError("Invalid value for option '--train-size': expected >= 2, got " + trainSize);
    }

    @Override
    protected Demo demo() {
        return new InitDemo(new InitDemo.Config(inits.stream().map(i -> InitPreset.valueOf(i.name())).toList(), hidden,
                epochs, learningRate, trainSize, testSize, noise));
    }
}
