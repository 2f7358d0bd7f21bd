package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.OptimizersDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/** {@code descent optimizers}: every optimiser of the lecture on the moons data and on 2-D test functions. */
@Command(name = "optimizers", mixinStandardHelpOptions = true,
        header = "Optimisers from gradient descent to Adam, on data and on 2-D surfaces",
        description = {"GD, momentum (EMA and PyTorch forms), Nesterov, Adagrad, Adadelta, RMSProp, Adam and AdamW",
                "on the moons data (cost, decision boundaries, accuracy) and their trajectories over 2-D test",
                "functions; Adagrad's vs RMSProp's and Adadelta's effective learning rates."})
public final class OptimizersCommand extends DemoCommand {
    /** The optimisers this demo knows. */
    public static final List<String> OPTIMIZERS = OptimizersDemo.ALL;
    /** The 2-D test functions. */
    public static final List<String> FUNCTIONS = List.of("ravine", "rosenbrock", "saddle");

    @Option(names = "--optimizers", split = ",", paramLabel = "NAME",
            description = "Optimisers to compare: gd, momentum, momentum-ema, nesterov, adagrad, adadelta, rmsprop, "
                    + "adam, adamw (default: all).")
    public List<String> optimizers = OPTIMIZERS;

    @Option(names = "--functions", split = ",", paramLabel = "NAME",
            description = "2-D test functions: ravine, rosenbrock, saddle (default: all).")
    public List<String> functions = FUNCTIONS;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs on the moons data (default: ${DEFAULT-VALUE}).")
    public int epochs = 100;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = 32;

    @Option(names = "--steps", paramLabel = "N", description = "Steps on each 2-D function (default: ${DEFAULT-VALUE}).")
    public int steps = 200;

    @Option(names = "--target-loss", paramLabel = "X",
            description = "Moons training loss whose first epoch is compared (default: ${DEFAULT-VALUE}).")
    public double targetLoss = OptimizersDemo.Config.defaults().targetLoss();

    @Override
    protected Demo demo() {
        OptimizersDemo.Config d = OptimizersDemo.Config.defaults();
        return new OptimizersDemo(new OptimizersDemo.Config(lower(optimizers), lower(functions), epochs, batchSize,
                steps, d.trainSize(), d.testSize(), targetLoss));
    }

    private static List<String> lower(List<String> values) {
        return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    @Override
    protected void validate() {
        requireChoices("--optimizers", optimizers, OPTIMIZERS);
        requireChoices("--functions", functions, FUNCTIONS);
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--steps", steps);
        requirePositive("--target-loss", targetLoss);
    }
}
