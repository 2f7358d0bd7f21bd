package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.demos.OptimizerPaths.Path;
import dev.descent.examples.demos.OptimizerPaths.Surface;
import dev.descent.examples.plot.ContourPlot;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.examples.presets.LectureOptimizers;
import dev.descent.examples.presets.OptimizerChoices;
import dev.descent.optim.Adadelta;
import dev.descent.optim.Adagrad;
import dev.descent.optim.Optimizer;
import dev.descent.optim.SGD;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The lecture's optimisers side by side: gradient descent, momentum (PyTorch's {@code b = mu b + g} and the
 * lecture's {@code v = beta v + (1 - beta) g}), Nesterov, Adagrad, Adadelta, RMSProp, Adam and AdamW.
 *
 * <ul>
 *   <li>On the moons data: a 2-16-16-1 tanh network from the same initial weights, trained by mini-batches with each
 *       optimiser: cost per epoch, decision boundaries, train and test accuracy.</li>
 *   <li>On 2-D test functions (a ravine {@code 0.5 x^2 + 25 y^2}, Rosenbrock, a saddle
 *       {@code x^2 + y^4/4 - y^2/2}): the path of each optimiser, stepping one 2-element parameter, over the
 *       contour plot.</li>
 *   <li>The effective learning rate of the ravine's shallow coordinate, read from each optimiser
 *       ({@link Optimizer#effectiveStepSize}): Adagrad's only falls; RMSProp's and Adadelta's rise again as the
 *       gradients shrink.</li>
 * </ul>
 *
 * <pre>{@code
 * DemoResult r = new OptimizersDemo(OptimizersDemo.Config.defaults()).run(ctx);
 * }</pre>
 */
public final class OptimizersDemo implements Demo {
    /** Every optimiser key, in the order of the charts. */
    public static final List<String> ALL = List.of("gd", "momentum", "momentum-ema", "nesterov", "adagrad",
            "adadelta", "rmsprop", "adam", "adamw");
    /** The keys of the "gradient descent family" charts; the others are adaptive. */
    static final List<String> GD_FAMILY = List.of("gd", "momentum", "momentum-ema", "nesterov");

    /** A loss below which a point counts as at the ravine's minimum. */
    public static final double RAVINE_TOL = 1e-3;

    /**
     * The demo's settings.
     *
     * @param optimizers  keys from {@link #ALL}
     * @param functions   "ravine", "rosenbrock", "saddle"
     * @param epochs      epochs on the moons data
     * @param batchSize   mini-batch size on the moons data
     * @param steps       steps on each 2-D function
     * @param trainSize   moons training points
     * @param testSize    moons test points
     * @param targetLoss  the moons training loss whose first epoch is compared between optimisers
     */
    public record Config(List<String> optimizers, List<String> functions, int epochs, int batchSize, int steps,
                         int trainSize, int testSize, double targetLoss) {
        public Config {
            optimizers = List.copyOf(optimizers);
            functions = List.copyOf(functions);
        }

        public static Config defaults() {
            return new Config(ALL, List.of("ravine", "rosenbrock", "saddle"), 100, 32, 200, 300, 300, 0.1);
        }
    }

    /** A 2-D test function with its start, plotting region and the optimisers' learning rates on it. */
    record Function2D(String key, String title, Surface surface, double[] start, double[] region,
                              boolean logLevels, Map<String, Double> lr) {
    }

    private final Config config;

    public OptimizersDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "optimizers";
    }

    @Override
    public String title() {
        return "Optimisers: gradient descent, momentum, Nesterov, Adagrad, Adadelta, RMSProp, Adam";
    }

    // ---------------------------------------------------------------- the optimisers

    /** Short labels with the hyper-parameters, for legends. */
    static String label(String key, double lr) {
        String r = fmt(lr);
        return switch (key) {
            case "gd" -> "GD (lr " + r + ")";
            case "momentum" -> "momentum 0.9 (PyTorch, lr " + r + ")";
            case "momentum-ema" -> "momentum EMA 0.9 (lecture, lr " + r + ")";
            case "nesterov" -> "Nesterov 0.9 (lr " + r + ")";
            case "adagrad" -> "Adagrad (lr " + r + ")";
            case "adadelta" -> "Adadelta (lr " + r + ")";
            case "rmsprop" -> "RMSProp (lr " + r + ")";
            case "adam" -> "Adam (lr " + r + ")";
            case "adamw" -> "AdamW (lr " + r + ", wd 0.01)";
            default -> OptimizerChoices.registryName(key) + " (lr " + r + ")";
        };
    }

    /**
     * The optimiser {@code key} with learning rate {@code lr}. Momentum is 0.9 in both forms (the lecture's
     * "generally 0.9"); Adagrad is the lecture's form (delta 1e-7 inside the root); Adadelta is PyTorch's on the
     * network and the lecture's window of 10 squared gradients on the 2-D functions (PyTorch's starts with steps
     * of about sqrt(eps) = 1e-3 and barely moves there); the others use PyTorch's defaults besides lr.
     */
    static Function<List<Variable>, Optimizer<?>> optimizer(String key, double lr, boolean windowedAdadelta) {
        OptimizerChoices.registryName(key); // unknown names fail now, with the list of known ones
        return params -> {
            if (key.equals("adagrad")) return new Adagrad(params, LectureOptimizers.adagrad(lr));
            if (key.equals("adadelta") && windowedAdadelta) {
                return new Adadelta(params, LectureOptimizers.adadelta(10).withLr(lr));
            }
            return OptimizerChoices.build(key, params, 0.9, Map.of("lr", lr));
        };
    }

    /**
     * Learning rates on the moons network. The lecture's EMA momentum with lr 1.0 takes the same steps as PyTorch's
     * with lr 0.1 once the average has warmed up ({@code lr (1 - beta) = 0.1}).
     */
    static final Map<String, Double> MOONS_LR = lrs(0.1, 0.1, 1.0, 0.1, 0.05, 1.0, 0.005, 0.01, 0.01);

    private static Map<String, Double> lrs(double... values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < ALL.size(); i++) m.put(ALL.get(i), values[i]);
        return m;
    }

    /** The three test functions. */
    static Function2D function(String key) {
        return switch (key) {
            // NOTE: curvatures 1 and 50; GD's lr 0.03 is 1.5 / 50, so the steep direction zig-zags. Nesterov gets 0.02:
            // with momentum 0.9 it is stable only for lr * curvature < 2 (1 + mu) / (1 + 2 mu) = 1.36.
            case "ravine" -> new Function2D("ravine", "Ravine 0.5 x\u00b2 + 25 y\u00b2",
                    Surface.of((x, y) -> x.square().mul(0.5).add(y.square().mul(25)),
                            (x, y) -> 0.5 * x * x + 25 * y * y),
                    new double[] {-8, 1.5}, new double[] {-9, 2, -2, 2}, false,
                    lrs(0.03, 0.03, 0.3, 0.02, 1.0, 0.5, 0.05, 0.3, 0.3));
            case "rosenbrock" -> new Function2D("rosenbrock", "Rosenbrock (1 - x)\u00b2 + 100 (y - x\u00b2)\u00b2",
                    Surface.of((x, y) -> x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)),
                            (x, y) -> (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)),
                    new double[] {-1.5, 2}, new double[] {-2, 2, -1, 3}, true,
                    lrs(0.0008, 0.0008, 0.008, 0.0008, 1.0, 0.3, 0.02, 0.1, 0.1));
            case "saddle" -> new Function2D("saddle", "Saddle x\u00b2 + y\u2074/4 - y\u00b2/2",
                    Surface.of((x, y) -> x.square().add(y.pow(4).mul(0.25)).sub(y.square().mul(0.5)),
                            (x, y) -> x * x + y * y * y * y / 4 - y * y / 2),
                    new double[] {-2, 0.01}, new double[] {-2.5, 2.5, -1.6, 1.6}, false,
                    lrs(0.1, 0.1, 1.0, 0.1, 0.5, 0.2, 0.02, 0.1, 0.1));
            default -> throw new IllegalArgumentException("unknown function '" + key + "'");
        };
    }

    // ---------------------------------------------------------------- running

    @Override
    public DemoResult run(RunContext ctx) {
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        DemoResult.Builder out = DemoResult.builder(title()).lead("The optimisers of the lecture, each the library's "
                + "own Optimizer: on the moons data (a 2-16-16-1 tanh network, mini-batches of " + config.batchSize()
                + ", " + config.epochs() + " epochs, the same initial weights for all) and on 2-D test functions, where "
                + "each path is one 2-element parameter stepped by the optimiser.");
        moons(ctx, f, out);
        for (String key : config.functions()) surface(ctx, f, function(key), out);
        if (config.functions().contains("ravine")) {
            momentumZero(ctx, f, out);
            stepSizes(ctx, f, out);
        }
        return out.build();
    }

    /** Moons: cost curves, decision boundaries, accuracy table, and epochs to the target loss. */
    private void moons(RunContext ctx, TensorFactory f, DemoResult.Builder out) {
        Rng rng = ctx.rng();
        Dataset train = BinaryClassifiers.withFloatTargets(Datasets.moons(rng, config.trainSize(), 0.2),
                ctx.backend(), ctx.dtype());
        Dataset test = BinaryClassifiers.withFloatTargets(Datasets.moons(rng, config.testSize(), 0.2),
                ctx.backend(), ctx.dtype());
        LinePlot cost = Plots.line("Moons: training cost per epoch", "epoch", "binary cross-entropy").logY();
        Map<String, Integer> reached = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        for (String key : config.optimizers()) {
            double lr = MOONS_LR.get(key);
            Sequential net = BinaryClassifiers.tanhNet(f, new int[] {16, 16}, ctx.seed(), false);
            Trainer trainer = Trainer.builder(net, Losses.binaryCrossEntropyWithLogits(),
                            optimizer(key, lr, false).apply(net.parameters()))
                    .trainData(DataLoader.over(train).mode(BatchMode.miniBatch(config.batchSize()))
                            .shuffle(new Rng(ctx.seed() + 1)).build())
                    .epochs(config.epochs()).metrics(Metrics.binaryAccuracy(0)).build();
            History h = trainer.fit();
            double[] loss = h.metric("loss");
            double trainAcc = h.metric("accuracy")[loss.length - 1];
            double testAcc = trainer.evaluate(DataLoader.over(test).mode(BatchMode.batch()).build()).get("accuracy");
            int epochs = firstBelow(loss, config.targetLoss());
            reached.put(key, epochs);
            cost.series(label(key, lr), loss);
            out.measurement("moons " + key + ": final training loss", fmt(loss[loss.length - 1]));
            out.measurement("moons " + key + ": train / test accuracy", pct(trainAcc) + " / " + pct(testAcc));
            out.measurement("moons " + key + ": epochs to loss " + fmt(config.targetLoss()), epochsText(epochs));
            table.append(String.format(Locale.ROOT, "%-13s loss %-8s train %-6s test %-6s epochs to %s: %s%n", key,
                    fmt(loss[loss.length - 1]), pct(trainAcc), pct(testAcc), fmt(config.targetLoss()),
                    epochsText(epochs)));
            Figure b = ctx.figure(Plots.decisionBoundary("Moons: " + label(key, lr), "x1", "x2")
                            .data(BinaryClassifiers.points(test), BinaryClassifiers.labels(test))
                            .classNames("upper", "lower").probabilities()
                            .classifier(BinaryClassifiers.probabilities(net, f, true)).size(640, 480),
                    "moons-boundary-" + key + ".png",
                    "The decision boundary " + key + " learnt in " + config.epochs() + " epochs, over the test points.",
                    "test accuracy " + pct(testAcc) + " (train " + pct(trainAcc) + ")");
            out.figure(b);
        }
        String adamVsGd = reached.containsKey("adam") && reached.containsKey("gd")
                ? "; Adam reached loss " + fmt(config.targetLoss()) + " after " + epochsText(reached.get("adam"))
                + " epochs, mini-batch GD after " + epochsText(reached.get("gd")) : "";
        out.figure(ctx.figure(cost.size(1000, 600), "moons-cost.png",
                "Adaptive methods and momentum lower the cost in fewer epochs than plain mini-batch gradient descent.",
                "epochs to a training loss of " + fmt(config.targetLoss()) + ": " + reached + adamVsGd));
        for (String line : table.toString().split("\n")) out.summary("moons " + line.strip());
    }

    /** One 2-D function: paths of the GD family and of the adaptive optimisers over its contour plot. */
    private void surface(RunContext ctx, TensorFactory f, Function2D fn, DemoResult.Builder out) {
        Map<String, Path> paths = new LinkedHashMap<>();
        for (String key : config.optimizers()) {
            paths.put(key, OptimizerPaths.run(fn.surface(), fn.start(), config.steps(),
                    optimizer(key, fn.lr().get(key), true), f, false));
        }
        StringBuilder measured = new StringBuilder();
        for (var e : paths.entrySet()) {
            Path p = e.getValue();
            String where = String.format(Locale.ROOT, "(%.3g, %.3g)", p.points()[p.steps()][0], p.points()[p.steps()][1]);
            String text = "final loss " + fmt(p.finalLoss()) + " at " + where
                    + (p.diverged() ? ", diverged after " + p.steps() + " steps" : "");
            if (fn.key().equals("ravine")) text += ", steps to loss < " + fmt(RAVINE_TOL) + ": " + epochsText(p.stepsTo(RAVINE_TOL));
            if (fn.key().equals("saddle")) text += ", steps to leave the saddle (|y| > 0.5): " + epochsText(escape(p));
            out.measurement(fn.key() + " " + e.getKey(), text);
            measured.append(e.getKey()).append(' ').append(fmt(p.finalLoss())).append("; ");
        }
        for (boolean family : new boolean[] {true, false}) {
            ContourPlot plot = Plots.contour(fn.title() + (family ? ": gradient descent and momentum" : ": adaptive"),
                    "x", "y").function(fn.surface()::value, fn.region()[0], fn.region()[1], fn.region()[2],
                    fn.region()[3]).size(1000, 640);
            if (fn.logLevels()) plot.logLevels();
            int n = 0;
            for (var e : paths.entrySet()) {
                if (GD_FAMILY.contains(e.getKey()) != family) continue;
                plot.trajectory(label(e.getKey(), fn.lr().get(e.getKey())), e.getValue().points());
                n++;
            }
            if (n == 0) continue;
            out.figure(ctx.figure(plot, fn.key() + "-" + (family ? "gd" : "adaptive") + ".png",
                    point(fn.key(), family), config.steps() + " steps from " + Arrays.toString(fn.start())
                            + "; final loss: " + measured));
        }
        LinePlot loss = Plots.line(fn.title() + ": loss per step", "step", "f(x, y)");
        for (var e : paths.entrySet()) loss.series(label(e.getKey(), fn.lr().get(e.getKey())), e.getValue().loss());
        if (!fn.key().equals("saddle")) loss.logY(); // the saddle's minima are below 0
        out.figure(ctx.figure(loss.size(1000, 600), fn.key() + "-loss.png", point(fn.key(), true),
                "final loss: " + measured));
        if (fn.key().equals("ravine")) {
            StringBuilder s = new StringBuilder("ravine: steps to loss < " + fmt(RAVINE_TOL) + ":");
            paths.forEach((k, p) -> s.append(' ').append(k).append(' ').append(epochsText(p.stepsTo(RAVINE_TOL))));
            out.summary(s.toString());
        }
    }

    private static String point(String fn, boolean family) {
        return switch (fn) {
            case "ravine" -> family ? "In a ravine gradient descent zig-zags across the steep direction and creeps "
                    + "along the shallow one; momentum averages the zig-zag away and accelerates along the valley."
                    : "Adaptive methods scale each coordinate by its own gradient history, so the steep and the "
                    + "shallow direction advance alike.";
            case "rosenbrock" -> family ? "Rosenbrock's curved valley: gradient descent needs a small learning rate "
                    + "and then crawls along the valley floor; momentum carries it further."
                    : "Adaptive methods follow Rosenbrock's curved valley towards the minimum at (1, 1).";
            default -> family ? "Near a saddle point the gradient along the escape direction is tiny: gradient "
                    + "descent lingers there; momentum leaves sooner."
                    : "Adaptive methods divide the tiny escape gradient by its own size and leave the saddle fast.";
        };
    }

    /** The first step with |y| > 0.5: the path has left the saddle towards a minimum. */
    static int escape(Path p) {
        for (int t = 0; t < p.points().length; t++) if (Math.abs(p.points()[t][1]) > 0.5) return t;
        return -1;
    }

    /** Momentum 0 in both forms against plain GD, bit for bit, on the ravine. */
    private void momentumZero(RunContext ctx, TensorFactory f, DemoResult.Builder out) {
        Function2D fn = function("ravine");
        double lr = fn.lr().get("gd");
        Path gd = OptimizerPaths.run(fn.surface(), fn.start(), config.steps(), optimizer("gd", lr, true), f, false);
        Path m0 = OptimizerPaths.run(fn.surface(), fn.start(), config.steps(),
                p -> new SGD(p, SGD.options(lr).withMomentum(0)), f, false);
        Path ema0 = OptimizerPaths.run(fn.surface(), fn.start(), config.steps(),
                p -> new SGD(p, LectureOptimizers.momentum(lr, 0)), f, false);
        boolean same = Arrays.deepEquals(gd.points(), m0.points()) && Arrays.deepEquals(gd.points(), ema0.points());
        out.measurement("ravine: momentum 0 (PyTorch and EMA form) equals GD bit for bit", same);
        out.summary("ravine: momentum 0 equals plain GD bit for bit over " + config.steps() + " steps: " + same);
        // The lecture's EMA form with lr / (1 - beta) is PyTorch's form with lr: v_t = (1 - beta) b_t.
        Path torch = OptimizerPaths.run(fn.surface(), fn.start(), config.steps(), optimizer("momentum", lr, true), f,
                false);
        Path ema = OptimizerPaths.run(fn.surface(), fn.start(), config.steps(),
                optimizer("momentum-ema", lr / (1 - 0.9), true), f, false);
        double gap = 0;
        for (int t = 0; t < Math.min(torch.points().length, ema.points().length); t++) {
            gap = Math.max(gap, Math.hypot(torch.points()[t][0] - ema.points()[t][0],
                    torch.points()[t][1] - ema.points()[t][1]));
        }
        out.measurement("ravine: largest distance between PyTorch momentum (lr " + fmt(lr) + ") and the lecture's "
                + "EMA momentum (lr " + fmt(lr / 0.1) + ")", fmt(gap));
        out.summary("ravine: PyTorch momentum (lr " + fmt(lr) + ") and lecture EMA momentum (lr " + fmt(lr / 0.1)
                + ") paths differ by at most " + fmt(gap) + " (rounding only)");
    }

    /** Effective learning rates of the ravine's shallow coordinate, read from the optimisers. */
    private void stepSizes(RunContext ctx, TensorFactory f, DemoResult.Builder out) {
        Function2D fn = function("ravine");
        Map<String, Path> runs = new LinkedHashMap<>();
        runs.put("Adagrad (lecture, lr 1)", OptimizerPaths.run(fn.surface(), fn.start(), config.steps(),
                optimizer("adagrad", 1.0, true), f, true));
        runs.put("RMSProp (smoothing 0.99, lr 0.05)", OptimizerPaths.run(fn.surface(), fn.start(), config.steps(),
                optimizer("rmsprop", 0.05, true), f, true));
        runs.put("Adadelta (PyTorch, lr 1)", OptimizerPaths.run(fn.surface(), fn.start(), config.steps(),
                optimizer("adadelta", 1.0, false), f, true));
        runs.put("Adadelta (lecture, window 10, lr 0.5)", OptimizerPaths.run(fn.surface(), fn.start(),
                config.steps(), optimizer("adadelta", 0.5, true), f, true));
        LinePlot plot = Plots.line("Effective learning rate of x on the ravine", "step", "learning rate of x").logY();
        StringBuilder measured = new StringBuilder();
        for (var e : runs.entrySet()) {
            double[] s = e.getValue().stepSizeOf(0);
            plot.series(e.getKey(), s);
            StepSizeShape shape = StepSizeShape.of(s);
            String text = String.format(Locale.ROOT, "first %s, lowest %s (step %d), last %s, non-increasing: %s",
                    fmt(s[0]), fmt(shape.min()), shape.argMin() + 1, fmt(s[s.length - 1]), shape.nonIncreasing());
            out.measurement("effective lr, " + e.getKey(), text);
            measured.append(e.getKey()).append(": ").append(text).append(". ");
            out.summary("effective lr, " + e.getKey() + ": " + text);
        }
        out.figure(ctx.figure(plot.size(1000, 600), "effective-lr.png",
                "Adagrad's learning rate decays over the iterations (the sum of squared gradients only grows); "
                        + "RMSProp's decaying average and Adadelta forget old gradients, so their rate recovers "
                        + "as the gradients shrink.", measured.toString().strip()));
    }

    /** The shape of an effective-learning-rate curve. */
    record StepSizeShape(double min, int argMin, boolean nonIncreasing, double last) {
        static StepSizeShape of(double[] s) {
            int arg = 0;
            boolean down = true;
            for (int i = 1; i < s.length; i++) {
                if (s[i] < s[arg]) arg = i;
                if (s[i] > s[i - 1]) down = false;
            }
            return new StepSizeShape(s[arg], arg, down, s[s.length - 1]);
        }

        /** How far the curve rose from its lowest point to its end. */
        double recovery() {
            return last / min;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The first epoch (1-based) with {@code values[epoch - 1] <= target}, or -1. */
    static int firstBelow(double[] values, double target) {
        for (int i = 0; i < values.length; i++) if (values[i] <= target) return i + 1;
        return -1;
    }

    static String epochsText(int n) {
        return n < 0 ? "never" : Integer.toString(n);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
