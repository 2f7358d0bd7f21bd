package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.ClippingDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent clipping}: gradient clipping by norm and by value against a cliff and exploding gradients. */
@Command(name = "clipping", mixinStandardHelpOptions = true,
        header = "Gradient clipping by norm and by value",
        description = {"Gradient clipping: a loss surface with a cliff and a deep network with exploding gradients,",
                "each trained without clipping, clipped by norm and clipped by value."})
public final class ClippingCommand extends DemoCommand {
    @Option(names = "--max-norm", paramLabel = "X", description = "Clip-by-norm threshold (default: ${DEFAULT-VALUE}).")
    public double maxNorm = 1.0;

    @Option(names = "--clip-value", paramLabel = "X", description = "Clip-by-value threshold (default: ${DEFAULT-VALUE}).")
    public double clipValue = ClippingDemo.Config.defaults().clipValue();

    @Option(names = "--steps", paramLabel = "N", description = "Steps on the cliff surface (default: ${DEFAULT-VALUE}).")
    public int steps = 100;

    @Option(names = "--depth", paramLabel = "N", description = "Layers of the deep network (default: ${DEFAULT-VALUE}).")
    public int depth = 20;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of the deep network (default: ${DEFAULT-VALUE}).")
    public int epochs = 50;

    @Override
    protected Demo demo() {
        ClippingDemo.Config d = ClippingDemo.Config.defaults();
        return new ClippingDemo(new ClippingDemo.Config(maxNorm, clipValue, steps, depth, epochs, d.width(), d.gain(),
                d.networkLr(), d.samples()));
    }

    @Override
    protected void validate() {
        requirePositive("--max-norm", maxNorm);
        requirePositive("--clip-value", clipValue);
        requirePositive("--steps", steps);
        requirePositive("--depth", depth);
        requirePositive("--epochs", epochs);
    }
}
