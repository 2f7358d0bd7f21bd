package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.data.BatchMode;
import dev.descent.data.Csv;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.Mnist;
import dev.descent.data.Split;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.presets.OptimizerChoices;
import dev.descent.examples.report.Figure;
import dev.descent.nn.Module;
import dev.descent.nn.activations.Activations;
import dev.descent.nn.activations.Softmax;
import dev.descent.nn.init.Initializer;
import dev.descent.nn.init.Initializers;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Optimizer;
import dev.descent.optim.train.ConsoleProgress;
import dev.descent.optim.train.EarlyStopping;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metric;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.StopReason;
import dev.descent.optim.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code descent train}: an MLP of the user's choice trained on a generated data set, a CSV file or MNIST-style IDX
 * files, with the loss, optimiser, batch mode, epochs and early stopping given on the command line. Writes the
 * history ({@code epochs.csv}, {@code steps.csv}), the plots (cost, accuracy or error, decision boundary for 2-D
 * data, confusion matrix) and the model ({@code model.safetensors}).
 *
 * <p>How the data and the loss fit together: generated sets and IDX files are classification; cross-entropy (the
 * default, {@code auto}) trains on logits, {@code bce} on one logit for two classes, and {@code mse}, {@code mae},
 * {@code huber} compare softmax outputs with one-hot labels. A CSV file's last column is a class name with a
 * classification loss, or a number to regress with {@code mse}, {@code mae} or {@code huber}; its features are
 * standardised with the training part's statistics.
 *
 * <pre>{@code
 * TrainDemo.Settings s = TrainDemo.Settings.defaults().withData("circles").withOptimizer("momentum");
 * new TrainDemo(s).run(ctx);
 * }</pre>
 */
public final class TrainDemo implements Demo {
    /** How many samples each update sees. */
    public enum BatchKind { BATCH, MINI_BATCH, STOCHASTIC }

    /**
     * The run's choices; null hyper-parameters mean the optimiser's own default.
     *
     * @param data         circles, moons, spirals, blobs, xor, csv:FILE or idx:DIR
     * @param samples      samples of a generated set
     * @param hidden       hidden layer sizes
     * @param activation   relu, leaky-relu, tanh, sigmoid, elu, gelu
     * @param init         he, xavier, lecun, normal, uniform, zeros
     * @param loss         auto, cross-entropy, bce, mse, mae, huber
     * @param optimizer    one of {@link OptimizerChoices#NAMES}: gd, momentum, momentum-ema, nesterov, adagrad,
     *                     adadelta, rmsprop, adam, adamw, nadam, radam, adamax
     * @param learningRate the learning rate, or null for {@link #defaultLearningRate}
     * @param momentum     the momentum of gd's momentum forms
     * @param betas        the Adam family's beta1, beta2
     * @param eps          the adaptive optimisers' epsilon, or null for theirs
     * @param weightDecay  weight decay, or null for the optimiser's (0; AdamW 0.01)
     * @param batchKind    batch, mini-batch or stochastic
     * @param batchSize    the mini-batch size
     * @param epochs       epochs
     * @param validation   share held out for validation (0: none)
     * @param patience     early stopping after this many epochs without improvement (0: off)
     * @param save         the model file, or null for {@code OUT/model.safetensors}
     * @param csvHeader    whether a CSV file's first line names its columns ({@code --no-header}: it does not; the
     *                     last column is then the label all the same)
     * @param onnx         where to write the trained model as ONNX as well, or null
     */
    public record Settings(String data, int samples, List<Integer> hidden, String activation, String init, String loss,
                           String optimizer, Double learningRate, double momentum, List<Double> betas, Double eps,
                           Double weightDecay, BatchKind batchKind, int batchSize, int epochs, double validation,
                           int patience, Path save, boolean csvHeader, Path onnx) {
        /** Settings without an ONNX export. */
        public Settings(String data, int samples, List<Integer> hidden, String activation, String init, String loss,
                        String optimizer, Double learningRate, double momentum, List<Double> betas, Double eps,
                        Double weightDecay, BatchKind batchKind, int batchSize, int epochs, double validation,
                        int patience, Path save, boolean csvHeader) {
            this(data, samples, hidden, activation, init, loss, optimizer, learningRate, momentum, betas, eps,
                    weightDecay, batchKind, batchSize, epochs, validation, patience, save, csvHeader, null);
        }

        /** Settings for a CSV file with a header line. */
        public Settings(String data, int samples, List<Integer> hidden, String activation, String init, String loss,
                        String optimizer, Double learningRate, double momentum, List<Double> betas, Double eps,
                        Double weightDecay, BatchKind batchKind, int batchSize, int epochs, double validation,
                        int patience, Path save) {
            this(data, samples, hidden, activation, init, loss, optimizer, learningRate, momentum, betas, eps,
                    weightDecay, batchKind, batchSize, epochs, validation, patience, save, true);
        }

        public Settings {
            Objects.requireNonNull(data, "data");
            hidden = List.copyOf(hidden);
            betas = List.copyOf(betas);
        }

        public static Settings defaults() {
            return new Settings("moons", 1000, List.of(16, 16), "relu", "he", "auto", "adam", null, 0.9,
                    List.of(0.9, 0.999), null, null, BatchKind.MINI_BATCH, 32, 100, 0.2, 0, null);
        }
    }

    /** The learning rate used when none is given: a value that trains the default network well. */
    public static double defaultLearningRate(String optimizer) {
        return switch (optimizer) {
            case "gd", "momentum-ema" -> 0.1;
            case "momentum", "nesterov", "adagrad" -> 0.05;
            case "adadelta" -> 1.0;
            // NOTE: RAdam's first steps are plain momentum and its rectification keeps the next ones short, so
            // the Adam rate trains the default network too slowly; NAdam and Adamax take PyTorch's 2e-3.
            case "radam" -> 0.01;
            case "nadam", "adamax" -> 2e-3;
            default -> 1e-3; // rmsprop, adam, adamw
        };
    }

    private enum Task { CLASSES, BINARY, PROBABILITIES, REGRESSION }

    private final Settings s;

    public TrainDemo(Settings settings) {
        this.s = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String title() {
        return "Training a network of your choice";
    }

    @Override
    public DemoResult run(RunContext ctx) throws Exception {
        Backend backend = ctx.backend();
        DType dtype = ctx.dtype();
        Rng rng = ctx.rng();
        boolean regressionLoss = List.of("mse", "mae", "huber").contains(s.loss());
        boolean csv = s.data().startsWith("csv:"), idx = s.data().startsWith("idx:");
        Task task = csv && regressionLoss ? Task.REGRESSION : switch (s.loss()) {
            case "bce" -> Task.BINARY;
            case "mse", "mae", "huber" -> Task.PROBABILITIES;
            default -> Task.CLASSES;
        };
        Split split = load(backend, dtype, rng.split(), task == Task.REGRESSION);
        if (csv) split = split.standardized();
        Dataset train = Classifier.flat(split.train()), val = Classifier.flat(split.validation()),
                test = Classifier.flat(split.test());
        int k = train.numClasses(), in = train.features().dim(1);
        if (task == Task.BINARY && k != 2) {
            throw new IllegalArgumentException("--loss bce needs two classes, the data has " + k);
        }
        if (task != Task.REGRESSION && k < 2) throw new IllegalArgumentException("the data has only " + k + " class; classification needs at least 2");

        int out = switch (task) {
            case BINARY -> 1;
            case REGRESSION -> train.labels().dim(1);
            default -> k;
        };
        Sequential model = Classifier.mlp(Tensor.on(backend, dtype), in, s.hidden(), out,
                () -> Activations.byName(s.activation().replace('-', '_')), initializer(), Initializers.zeros(),
                rng.split());
        if (task == Task.PROBABILITIES) model.add(new Softmax(-1));
        Dataset trainT = targets(train, task), valT = targets(val, task);
        Optimizer<?> optimizer = optimizer(model.parameters());
        BatchMode mode = switch (s.batchKind()) {
            case BATCH -> BatchMode.batch();
            case STOCHASTIC -> BatchMode.stochastic();
            case MINI_BATCH -> BatchMode.miniBatch(s.batchSize());
        };
        Metric metric = switch (task) {
            case BINARY -> Metrics.binaryAccuracy(0);
            case REGRESSION -> Metrics.meanAbsoluteError();
            default -> Metrics.accuracy();
        };
        String metricName = task == Task.REGRESSION ? "mae" : "accuracy";
        Trainer.Builder tb = Trainer.builder(model, loss(task), optimizer)
                .trainData(DataLoader.over(trainT).mode(mode).shuffle(rng.split()).build())
                .epochs(s.epochs()).metrics(metric);
        boolean validated = valT.size() > 0;
        if (validated) tb.validationData(DataLoader.over(valT).batchSize(1024).build());
        if (s.patience() > 0) {
            tb.earlyStopping(EarlyStopping.monitor(validated ? "val_loss" : "loss").patience(s.patience())
                    .restoreBestWeights());
        }
        if (!ctx.quiet()) tb.listener(new ConsoleProgress(ctx.out(), false));
        Trainer trainer = tb.build();
        History history = trainer.fit();

        history.writeEpochsCsv(ctx.file("epochs.csv"));
        history.writeStepsCsv(ctx.file("steps.csv"));
        Path modelFile = ctx.saveModel(model, s.save());
        if (s.onnx() != null) {
            ctx.say("ONNX model: %s", ctx.exportOnnx(model, train.features().slice(0, 0, Math.min(2, train.size())),
                    s.onnx()));
        }

        int epochs = history.epochs().size(), last = epochs - 1;
        String network = in + " \u2192 " + String.join(" \u2192 ", s.hidden().stream().map(String::valueOf).toList())
                + " \u2192 " + out;
        String setup = String.format(Locale.ROOT, "%s, %s, %s init, %s, %s (lr %s), %s, %d epochs", network,
                s.activation(), s.init(), lossName(task), optimizer.name(), fmt(optimizer.lr()),
                describe(mode), s.epochs());
        DemoResult.Builder r = DemoResult.builder(title())
                .lead("Data: " + s.data() + " (" + train.size() + " training, " + val.size() + " validation"
                        + (test.size() > 0 ? ", " + test.size() + " test" : "") + " samples). Network and training: "
                        + setup + (s.patience() > 0 ? ", early stopping with patience " + s.patience() : "") + ".");
        if (epochs == 0) {
            return r.summary("stopped before the first epoch ended: " + history.stopMessage()).build();
        }
        double[] lossCurve = history.metric("loss");
        boolean logY = true;
        for (double v : lossCurve) logY &= v > 0;
        var lossPlot = Classifier.curves(history, "Cost per epoch", "loss", "cost");
        if (logY) lossPlot.logY();
        r.figure(ctx.figure(lossPlot, "cost.png", "The cost the optimiser minimises, on the training and the "
                + "validation data", String.format(Locale.ROOT, "%.4g after epoch 1, %.4g after epoch %d", lossCurve[0],
                lossCurve[last], epochs)));
        r.figure(ctx.figure(Classifier.curves(history, (task == Task.REGRESSION ? "Mean absolute error" : "Accuracy")
                + " per epoch", metricName, metricName), metricName + ".png", task == Task.REGRESSION
                ? "The error of the predictions" : "The share of samples classified correctly",
                String.format(Locale.ROOT, "%s %.4g on the training data%s after epoch %d", metricName,
                        history.metric(metricName)[last], validated ? String.format(Locale.ROOT, ", %.4g on validation",
                                history.metric("val_" + metricName)[last]) : "", epochs)));
        r.measurement("stopped", history.stopReason() == StopReason.COMPLETED ? "after " + epochs + " epochs"
                : history.stopMessage());
        for (var e : history.epochs().get(last).metrics().entrySet()) {
            r.measurement(e.getKey(), String.format(Locale.ROOT, "%.4g", e.getValue()));
        }
        if (task != Task.REGRESSION) {
            Dataset scored = test.size() > 0 ? test : validated ? val : train;
            String part = test.size() > 0 ? "test" : validated ? "validation" : "training";
            Tensor logits = trainer.predict(scored.features(), 1024);
            if (task == Task.BINARY) logits = Tensor.concat(1, List.of(logits.neg(), logits)).mul(0.5);
            Classifier.Scores scores = Classifier.score(logits, scored.labels(), k);
            r.measurement(part + " accuracy", Classifier.percent(scores.accuracy()));
            r.figure(ctx.figure(Plots.confusionMatrix("Confusion matrix (" + part + " data)")
                            .counts(scores.confusion()).classNames(scored.classNames()), "confusion.png",
                    "Which classes the network confuses", part + " accuracy " + Classifier.percent(scores.accuracy())));
            if (in == 2) r.figure(boundary(ctx, trainer, train, task));
            r.summary(part + " accuracy " + Classifier.percent(scores.accuracy()));
        }
        return r.measurement("history", ctx.file("epochs.csv") + ", " + ctx.file("steps.csv"))
                .measurement("model", modelFile.toAbsolutePath().normalize() + " (safetensors)")
                .summary(setup)
                .summary(history.stopReason() == StopReason.COMPLETED ? "completed " + epochs + " epochs"
                        : history.stopMessage())
                .summary(String.format(Locale.ROOT, "final loss %.4g%s", lossCurve[last], validated
                        ? String.format(Locale.ROOT, ", validation loss %.4g", history.metric("val_loss")[last]) : ""))
                .summary("history: " + ctx.file("epochs.csv") + ", model: " + modelFile)
                .build();
    }

    // ---------------------------------------------------------------- data

    private Split load(Backend backend, DType dtype, Rng rng, boolean regression) throws IOException {
        String d = s.data();
        Dataset data;
        if (d.startsWith("idx:")) {
            Split mnist = Mnist.load(Path.of(d.substring(4)), backend, dtype);
            return mnist.withValidation(Math.max(s.validation(), 0), true, rng);
        } else if (d.startsWith("csv:")) {
            Path file = Path.of(d.substring(4));
            Csv.Header header = s.csvHeader() ? Csv.Header.REQUIRED : Csv.Header.NONE;
            String label = lastColumn(file, header);
            data = regression ? Csv.readTargets(file, label, header, backend, dtype)
                    : Csv.readClasses(file, label, header, backend, dtype);
        } else {
            int n = s.samples();
            data = switch (d) {
                case "circles" -> Datasets.circles(rng, n, 0.1, 0.5);
                case "moons" -> Datasets.moons(rng, n, 0.2);
                case "spirals" -> Datasets.spiral(rng, Math.max(1, n / 3), 3);
                case "blobs" -> Datasets.blobs(rng, n, 3, 2, 1.5);
                case "xor" -> Datasets.xor(rng, n, 0.1);
                default -> throw new IllegalArgumentException("unknown data set '" + d + "'");
            };
            data = data.to(backend).to(dtype);
        }
        return regression ? Split.random(data, s.validation(), 0, rng) : Split.stratified(data, s.validation(), 0, rng);
    }

    /** The name of the last column of the CSV file: its header's, or {@code "column n"} without a header. */
    static String lastColumn(Path file, Csv.Header header) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.isDirectory(file) ? "a directory, not a CSV file"
                    : "no such CSV file");
        }
        List<String> names = Csv.columnNames(file, header);
        return names.get(names.size() - 1);
    }

    /** The labels each loss expects: class indices, a float (n, 1) column for bce, one-hot rows for mse/mae/huber. */
    private static Dataset targets(Dataset d, Task task) {
        return switch (task) {
            case BINARY -> d.withLabels(d.labels().to(d.features().dtype()).reshape(d.size(), 1));
            case PROBABILITIES -> d.oneHot();
            default -> d;
        };
    }

    // ---------------------------------------------------------------- choices

    private Loss loss(Task task) {
        return switch (s.loss()) {
            case "bce" -> Losses.binaryCrossEntropyWithLogits();
            case "mse" -> Losses.mse();
            case "mae" -> Losses.mae();
            case "huber" -> Losses.huber();
            default -> Losses.crossEntropy();
        };
    }

    private String lossName(Task task) {
        return switch (task) {
            case CLASSES -> "cross-entropy on logits";
            case BINARY -> "binary cross-entropy on a logit";
            case PROBABILITIES -> s.loss() + " of softmax outputs against one-hot labels";
            case REGRESSION -> s.loss();
        };
    }

    private Initializer initializer() {
        return switch (s.init()) {
            case "xavier" -> Initializers.xavierNormal();
            case "lecun" -> Initializers.lecunNormal();
            case "normal" -> Initializers.normal(0, 0.01);
            case "uniform" -> Initializers.uniformFanIn();
            case "zeros" -> Initializers.zeros();
            default -> Initializers.kaimingNormal();
        };
    }

    private Optimizer<?> optimizer(List<Variable> params) {
        double lr = s.learningRate() != null ? s.learningRate() : defaultLearningRate(s.optimizer());
        List<String> known = OptimizerChoices.hyperparameters(s.optimizer());
        Map<String, Object> hyper = new LinkedHashMap<>();
        hyper.put("lr", lr);
        if (s.weightDecay() != null) hyper.put("weightDecay", s.weightDecay());
        if (s.eps() != null && known.contains("eps")) hyper.put("eps", s.eps());
        if (known.contains("beta1")) {
            hyper.put("beta1", s.betas().get(0));
            hyper.put("beta2", s.betas().get(1));
        }
        return OptimizerChoices.build(s.optimizer(), params, s.momentum(), hyper);
    }

    // ---------------------------------------------------------------- figures

    private Figure boundary(RunContext ctx, Trainer trainer, Dataset train, Task task) {
        double[] x = train.features().to(DType.FLOAT64).toDoubleArray();
        double[][] xy = new double[train.size()][];
        for (int i = 0; i < xy.length; i++) xy[i] = new double[] {x[2 * i], x[2 * i + 1]};
        TensorFactory f = Tensor.on(train.features().backend(), train.features().dtype());
        var plot = Plots.decisionBoundary("Decision boundary (training data)", "x1", "x2")
                .data(xy, train.labels().toIntArray()).classNames(train.classNames().toArray(String[]::new))
                .classifier(points -> {
                    double[] flat = new double[2 * points.length];
                    for (int i = 0; i < points.length; i++) {
                        flat[2 * i] = points[i][0];
                        flat[2 * i + 1] = points[i][1];
                    }
                    Tensor out = trainer.predict(f.of(flat, points.length, 2), 4096);
                    if (task == Task.BINARY) return out.gt(0).to(DType.FLOAT64).toDoubleArray();
                    return out.argmax(-1).to(DType.FLOAT64).toDoubleArray();
                });
        return ctx.figure(plot, "boundary.png", "The regions the network assigns to each class, under the "
                + "training points", "");
    }

    private static String describe(BatchMode mode) {
        return mode.description();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

}
