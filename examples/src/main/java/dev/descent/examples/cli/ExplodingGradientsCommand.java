package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.ExplodingGradientsDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code descent exploding-gradients}: a vanilla RNN over long sequences, without and with gradient-norm clipping. */
@Command(name = "exploding-gradients", mixinStandardHelpOptions = true,
        header = "Exploding gradients in a vanilla RNN, with and without clipping",
        description = {"A vanilla (tanh) RNN with large recurrent weights over long sequences, trained by gradient",
                "descent without clipping and with the gradient's norm clipped: its loss and gradient norm per step."})
public final class ExplodingGradientsCommand extends DemoCommand {
    private static final ExplodingGradientsDemo.Config D = ExplodingGradientsDemo.Config.defaults();

    @Option(names = "--length", paramLabel = "N", description = "Time steps per sequence (default: ${DEFAULT-VALUE}).")
    public int length = D.length();

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    public int hidden = D.hidden();

    @Option(names = "--gain", paramLabel = "X", description = "Gain of the recurrent weights, W_hh ~ N(0, gain^2 / hidden) "
            + "(default: ${DEFAULT-VALUE}).")
    public double gain = D.gain();

    @Option(names = "--learning-rate", paramLabel = "X", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    public double lr = D.lr();

    @Option(names = "--steps", paramLabel = "N", description = "Full-batch steps (default: ${DEFAULT-VALUE}).")
    public int steps = D.steps();

    @Option(names = "--max-norm", paramLabel = "X", description = "Clip-by-norm threshold (default: ${DEFAULT-VALUE}).")
    public double maxNorm = D.maxNorm();

    @Override
    protected Demo demo() {
        return new ExplodingGradientsDemo(new ExplodingGradientsDemo.Config(length, hidden, gain, lr, steps, D.samples(),
                D.window(), maxNorm));
    }

    @Override
    protected void validate() {
        atLeast("--length", length, D.window());
        requirePositive("--hidden", hidden);
        requirePositive("--gain", gain);
        requirePositive("--learning-rate", lr);
        requirePositive("--steps", steps);
        requirePositive("--max-norm", maxNorm);
    }
}
