package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.Fits;
import dev.descent.examples.demos.HyperparametersDemo;
import dev.descent.optim.Optimizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/** {@code descent hyperparameters}: depth, width, activation and epochs swept one at a time. */
@Command(name = "hyperparameters", mixinStandardHelpOptions = true,
        header = "Hyperparameters: depth, width, activation and iterations",
        description = {"Sweeps the lecture's hyperparameters one at a time from a base network on the spiral data:",
                "hidden layers (ReLU and sigmoid), units per layer, activation and epochs; training and held-out",
                "accuracy, cost curves, parameter counts and time per epoch."})
public final class HyperparametersCommand extends DemoCommand {
    private static final HyperparametersDemo.Config D = HyperparametersDemo.Config.defaults();

    @Option(names = "--depths", split = ",", paramLabel = "N", description = "Hidden-layer counts (default: ${DEFAULT-VALUE}).")
    public List<Integer> depths = D.depths();

    @Option(names = "--widths", split = ",", paramLabel = "N", description = "Units per hidden layer (default: ${DEFAULT-VALUE}).")
    public List<Integer> widths = D.widths();

    @Option(names = "--activations", split = ",", paramLabel = "NAME",
            description = "Activations: sigmoid, tanh, relu, leaky-relu, gelu (default: all).")
    public List<String> activations = D.activations();

    @Option(names = "--base", paramLabel = "DEPTHxWIDTH", description = "The base network's hidden layers and units (default: 2x32).")
    public String base = D.base().hidden().size() + "x" + D.base().hidden().get(0);

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of each sweep run (default: ${DEFAULT-VALUE}).")
    public int epochs = D.training().epochs();

    @Option(names = "--long-epochs", paramLabel = "N", description = "Epochs of the iterations run (default: ${DEFAULT-VALUE}).")
    public int longEpochs = D.longEpochs();

    @Option(names = "--points-per-class", paramLabel = "N", description = "Spiral points per arm (default: ${DEFAULT-VALUE}).")
    public int pointsPerClass = D.pointsPerClass();

    @Option(names = "--optimizer", paramLabel = "NAME", description = "Optimiser from the registry (default: ${DEFAULT-VALUE}).")
    public String optimizer = D.training().optimizer();

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    public double learningRate = D.training().lr();

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = D.training().batchSize();

    @Override
    protected void validate() {
        for (int d : depths) requirePositive("--depths", d);
        for (int w : widths) requirePositive("--widths", w);
        requireChoices("--activations", activations, Fits.ACTIVATIONS);
        baseNet();
        requireChoices("--optimizer", List.of(optimizer), Optimizers.names());
        requirePositive("--epochs", epochs);
        atLeast("--long-epochs", longEpochs, 2);
        atLeast("--points-per-class", pointsPerClass, 10);
        requirePositive("--learning-rate", learningRate);
        requirePositive("--batch-size", batchSize);
    }

    private Fits.Net baseNet() {
        String[] p = base.toLowerCase(Locale.ROOT).split("x");
        try {
            int depth = Integer.parseInt(p[0].trim()), width = Integer.parseInt(p[1].trim());
            if (p.length == 2 && depth >= 1 && width >= 1) return Fits.Net.of(depth, width, "relu");
        } catch (RuntimeException e) {
            // reported below
        }
        throw usageError("Invalid value for option '--base': expected DEPTHxWIDTH such as 2x32, got '" + base + "'");
    }

    @Override
    protected Demo demo() {
        return new HyperparametersDemo(new HyperparametersDemo.Config(pointsPerClass, D.noise(), depths, widths,
                activations.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList(), baseNet(),
                new Fits.Training(optimizer.toLowerCase(Locale.ROOT), learningRate, batchSize, epochs, null), longEpochs));
    }
}
