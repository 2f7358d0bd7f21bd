package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.TrainDemo;
import dev.descent.examples.presets.OptimizerChoices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code descent train}: trains a network of the user's choice and saves its history, plots and weights. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train a network of your choice",
        description = {"Trains an MLP on a generated data set, a CSV file or IDX files, and saves the history (CSV),",
                "the plots and the model (safetensors) under OUT/train."})
public final class TrainCommand extends DemoCommand {
    /** Generated data sets. */
    public static final List<String> GENERATED = List.of("circles", "moons", "spirals", "blobs", "xor");
    public static final List<String> ACTIVATIONS = List.of("relu", "leaky-relu", "tanh", "sigmoid", "elu", "gelu");
    public static final List<String> INITS = List.of("he", "xavier", "lecun", "normal", "uniform", "zeros");
    public static final List<String> LOSSES = List.of("auto", "cross-entropy", "bce", "mse", "mae", "huber");
    public static final List<String> OPTIMIZERS = OptimizerChoices.NAMES;

    @Option(names = "--data", paramLabel = "SET",
            description = "circles, moons, spirals, blobs, xor, csv:FILE (a header line unless --no-header; the last column is the class, "
                    + "or with --loss mse/mae/huber a number to regress) or idx:DIR (MNIST-style train-* and t10k-* "
                    + "IDX files) (default: ${DEFAULT-VALUE}).")
    public String data = "moons";

    @Option(names = "--no-header", description = "The CSV file has no header line: every line is a sample, its last "
            + "column the label. Without this option a first line of numbers is an error.")
    public boolean noHeader;

    @Option(names = "--samples", paramLabel = "N", description = "Samples of a generated set (default: ${DEFAULT-VALUE}).")
    public int samples = 1000;

    @Option(names = "--hidden", split = ",", paramLabel = "N", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    public List<Integer> hidden = List.of(16, 16);

    @Option(names = "--activation", paramLabel = "NAME",
            description = "relu, leaky-relu, tanh, sigmoid, elu, gelu (default: ${DEFAULT-VALUE}).")
    public String activation = "relu";

    @Option(names = "--init", paramLabel = "NAME",
            description = "he (Kaiming normal), xavier (normal), lecun (normal), normal (N(0, 0.01^2)), uniform "
                    + "(U(-1/sqrt(fan_in), 1/sqrt(fan_in))), zeros; biases start at 0 (default: ${DEFAULT-VALUE}).")
    public String init = "he";

    @Option(names = "--loss", paramLabel = "NAME",
            description = "auto (cross-entropy), cross-entropy (on logits), bce (two classes, one logit), mse, mae, huber "
                    + "(softmax outputs against one-hot labels; regression on a CSV) (default: ${DEFAULT-VALUE}).")
    public String loss = "auto";

    @Option(names = "--optimizer", paramLabel = "NAME",
            description = "gd, momentum, momentum-ema, nesterov, adagrad, adadelta, rmsprop, adam, adamw, nadam, "
                    + "radam, adamax (default: ${DEFAULT-VALUE}).")
    public String optimizer = "adam";

    @Option(names = "--learning-rate", paramLabel = "LR",
            description = "Learning rate (default: 0.1 for gd and momentum-ema, 0.05 for momentum, nesterov and "
                    + "adagrad, 1 for adadelta, 0.002 for nadam and adamax, 0.01 for radam, 0.001 for rmsprop, adam and "
                    + "adamw).")
    public Double learningRate;

    @Option(names = "--momentum", paramLabel = "X", description = "Momentum of the momentum optimisers (default: ${DEFAULT-VALUE}).")
    public double momentum = 0.9;

    @Option(names = "--betas", split = ",", paramLabel = "B", description = "The Adam family's beta1,beta2 (default: ${DEFAULT-VALUE}).")
    public List<Double> betas = List.of(0.9, 0.999);

    @Option(names = "--eps", paramLabel = "X",
            description = "Epsilon of the adaptive optimisers (default: each one's PyTorch default).")
    public Double eps;

    @Option(names = "--weight-decay", paramLabel = "X", description = "Weight decay (default: 0; 0.01 for adamw).")
    public Double weightDecay;

    @Option(names = "--batch-mode", paramLabel = "MODE", converter = BatchModeName.class,
            description = "How many samples each update sees: batch (all), mini-batch (--batch-size) or stochastic "
                    + "(one) (default: mini-batch).")
    public TrainDemo.BatchKind batchMode = TrainDemo.BatchKind.MINI_BATCH;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = 32;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    public int epochs = 100;

    @Option(names = "--validation", paramLabel = "FRACTION",
            description = "Fraction held out for validation (default: ${DEFAULT-VALUE}).")
    public double validation = 0.2;

    @Option(names = "--patience", paramLabel = "N",
            description = "Early stopping after N epochs without improvement; 0 turns it off (default: ${DEFAULT-VALUE}).")
    public int patience = 0;

    @Option(names = "--save", paramLabel = "FILE", description = "Where to save the model (default: OUT/train/model.safetensors).")
    public Path save;

    @Option(names = "--onnx", paramLabel = "FILE",
            description = "Also write the trained model as ONNX (opset 17, input 'input' (batch, features), output "
                    + "'output'), as 'descent export' does.")
    public Path onnx;

    @Override
    protected boolean inLecture() {
        return false;
    }

    @Override
    protected void validate() {
        if (!GENERATED.contains(data) && !data.startsWith("csv:") && !data.startsWith("idx:")) {
            throw usageError("Invalid value for option '--data': '" + data + "' (expected one of "
                    + String.join(", ", GENERATED) + ", csv:FILE or idx:DIR)");
        }
        requireChoices("--activation", List.of(activation), ACTIVATIONS);
        requireChoices("--init", List.of(init), INITS);
        requireChoices("--loss", List.of(loss), LOSSES);
        requireChoices("--optimizer", List.of(optimizer), OPTIMIZERS);
        requirePositive("--samples", samples);
        for (int h : hidden) requirePositive("--hidden", h);
        if (learningRate != null) requirePositive("--learning-rate", learningRate);
        if (eps != null && !(eps >= 0)) throw usageError("Invalid value for option '--eps': expected >= 0, got " + eps);
        if (weightDecay != null && !(weightDecay >= 0)) {
            throw usageError("Invalid value for option '--weight-decay': expected >= 0, got " + weightDecay);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw usageError("Invalid value for option '--momentum': expected 0 <= m < 1, got " + momentum);
        }
        if (betas.size() != 2) throw usageError("Invalid value for option '--betas': expected two values, got " + betas.size());
        requirePositive("--batch-size", batchSize);
        requirePositive("--epochs", epochs);
        if (!(validation >= 0 && validation < 1)) {
            throw usageError("Invalid value for option '--validation': expected 0 <= f < 1, got " + validation);
        }
        if (patience < 0) throw usageError("Invalid value for option '--patience': expected >= 0, got " + patience);
        for (double b : betas) {
            if (!(b >= 0 && b < 1)) throw usageError("Invalid value for option '--betas': expected 0 <= beta < 1, got " + b);
        }
        if (noHeader && !data.startsWith("csv:")) {
            throw usageError("Invalid value for option '--no-header': it applies to --data csv:FILE, not '" + data + "'");
        }
        if (data.equals("csv:") || data.equals("idx:")) {
            throw usageError("Invalid value for option '--data': '" + data + "' names no " + (data.startsWith("csv")
                    ? "file" : "directory"));
        }
    }

    @Override
    protected Demo demo() {
        return new TrainDemo(new TrainDemo.Settings(data, samples, hidden, activation.toLowerCase(Locale.ROOT),
                init.toLowerCase(Locale.ROOT), loss.toLowerCase(Locale.ROOT), optimizer.toLowerCase(Locale.ROOT),
                learningRate, momentum, betas, eps, weightDecay, batchMode,
                batchSize, epochs, validation, patience, save, !noHeader, onnx));
    }

    /**
     * The batch modes as the library names them ({@code BatchMode.batch()}, {@code miniBatch}, {@code stochastic}):
     * {@code batch}, {@code mini-batch}, {@code stochastic}; case, and {@code _} or nothing for the hyphen
     * ({@code MINI_BATCH}, {@code minibatch}), do not matter.
     */
    static final class BatchModeName implements CommandLine.ITypeConverter<TrainDemo.BatchKind> {
        @Override
        public TrainDemo.BatchKind convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "batch" -> TrainDemo.BatchKind.BATCH;
                case "mini-batch", "minibatch" -> TrainDemo.BatchKind.MINI_BATCH;
                case "stochastic" -> TrainDemo.BatchKind.STOCHASTIC;
                default -> throw new CommandLine.TypeConversionException("expected batch, mini-batch or stochastic, "
                        + "got '" + value + "'");
            };
        }
    }
}
