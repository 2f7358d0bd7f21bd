package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.Fits;
import dev.descent.examples.demos.TrainingStepsDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code descent training-steps}: the five training steps as the library's own lines, with one batch's shapes. */
@Command(name = "training-steps", mixinStandardHelpOptions = true,
        header = "The five training steps in the library's code",
        description = {"Forward pass, output, loss, backward pass and update: the lines of the library's training step",
                "that do each, with the shapes of one mini-batch at every step."})
public final class TrainingStepsCommand extends DemoCommand {
    private static final TrainingStepsDemo.Config D = TrainingStepsDemo.Config.defaults();

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = D.batchSize();

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = D.net().hidden();

    @Option(names = "--learning-rate", paramLabel = "LR", description = "SGD's learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = D.optimizer().lr();

    @Override
    protected void validate() {
        requirePositive("--batch-size", batchSize);
        for (int h : hidden) requirePositive("--hidden", h);
        requirePositive("--learning-rate", learningRate);
    }

    @Override
    protected Demo demo() {
        Fits.Training t = D.optimizer();
        return new TrainingStepsDemo(new TrainingStepsDemo.Config(batchSize, new Fits.Net(hidden, D.net().activation()),
                new Fits.Training(t.optimizer(), learningRate, batchSize, t.epochs(), null)));
    }
}
