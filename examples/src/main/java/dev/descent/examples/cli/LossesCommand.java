package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.LossesDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent losses}: MSE, MAE and Huber with outliers; cross-entropy vs MSE for classification. */
@Command(name = "losses", mixinStandardHelpOptions = true,
        header = "Losses: MSE, MAE and Huber with outliers; cross-entropy vs MSE",
        description = {"Losses: MSE, MAE and Huber fitted to regression data with outliers (fitted lines, loss",
                "curves), and cross-entropy vs MSE for a classifier with a sigmoid output."})
public final class LossesCommand extends DemoCommand {
    @Option(names = "--samples", paramLabel = "N", description = "Regression points (default: ${DEFAULT-VALUE}).")
    public int samples = 100;

    @Option(names = "--outliers", paramLabel = "N", description = "Of which outliers (default: ${DEFAULT-VALUE}).")
    public int outliers = 10;

    @Option(names = "--huber-delta", paramLabel = "X", description = "Huber's delta (default: ${DEFAULT-VALUE}).")
    public double huberDelta = 1.0;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps of each fit (default: ${DEFAULT-VALUE}).")
    public int steps = 500;

    @Override
    protected Demo demo() {
        LossesDemo.Config d = LossesDemo.Config.defaults();
        return new LossesDemo(new LossesDemo.Config(samples, outliers, huberDelta, steps, d.regressionLr(),
                d.classifierLr(), d.classSamples(), d.targetAccuracy()));
    }

    @Override
    protected void validate() {
        requirePositive("--samples", samples);
        if (outliers < 0 || outliers > samples) {
            throw usageError("Invalid value for option '--outliers': expected 0.." + samples + ", got " + outliers);
        }
        requirePositive("--huber-delta", huberDelta);
        requirePositive("--steps", steps);
    }
}
