package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.GradientDescentDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent gradient-descent}: batch, mini-batch and stochastic descent. */
@Command(name = "gradient-descent", mixinStandardHelpOptions = true,
        header = "Batch, mini-batch and stochastic gradient descent",
        description = {"Batch vs mini-batch vs stochastic gradient descent on the same network and data:",
                "cost per update and per epoch, time per epoch, smoothness of each curve."})
public final class GradientDescentCommand extends DemoCommand {
    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of each mode (default: ${DEFAULT-VALUE}).")
    public int epochs = 30;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = 32;

    @Option(names = "--samples", paramLabel = "N", description = "Training samples (default: ${DEFAULT-VALUE}).")
    public int samples = 1000;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = 0.05;

    @Override
    protected void validate() {
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--samples", samples);
        requirePositive("--learning-rate", learningRate);
        if (samples < 2) throw usageError("Invalid value for option '--samples': expected >= 2, got " + samples);
    }

    @Override
    protected Demo demo() {
        return new GradientDescentDemo(new GradientDescentDemo.Config(epochs, batchSize, samples, learningRate));
    }
}
