package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.LearningRateDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code descent learning-rate}: small, appropriate and large learning rates. */
@Command(name = "learning-rate", mixinStandardHelpOptions = true,
        header = "Learning rate: too small, appropriate, too large",
        description = {"Learning rate: small vs appropriate vs large. Cost curves, and the path of gradient descent",
                "over the contour plot of a 2-D loss surface (the cost of fitting a line y = w x + b)."})
public final class LearningRateCommand extends DemoCommand {
    @Option(names = "--rates", split = ",", paramLabel = "LR",
            description = "Learning rates to compare, small to large (default: ${DEFAULT-VALUE}).")
    public List<Double> rates = LearningRateDemo.Config.defaults().rates();

    @Option(names = "--steps", paramLabel = "N", description = "Gradient-descent steps on the surface (default: ${DEFAULT-VALUE}).")
    public int steps = LearningRateDemo.Config.defaults().steps();

    @Override
    protected void validate() {
        for (double r : rates) requirePositive("--rates", r);
        requirePositive("--steps", steps);
    }

    @Override
    protected Demo demo() {
        return new LearningRateDemo(new LearningRateDemo.Config(rates, steps));
    }
}
