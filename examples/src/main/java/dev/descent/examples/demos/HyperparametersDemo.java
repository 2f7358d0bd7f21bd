package dev.descent.examples.demos;

import dev.descent.core.Rng;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.Split;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static dev.descent.examples.demos.InitDemo.fmt;
import static dev.descent.examples.demos.InitDemo.pct;

/**
 * The lecture's "Parameters vs Hyperparameters": the weights and biases are learned, while the number of hidden
 * layers, the units per hidden layer, the activation and the number of iterations are chosen before training. The
 * demo sweeps each one at a time from a base network on the spiral data (three interleaved arms, which need
 * capacity), trained by the library's {@link dev.descent.optim.train.Trainer} with a held-out split, and measures
 * training and held-out accuracy, the cost, the parameter count and the time per epoch.
 *
 * <pre>{@code
 * HyperparametersDemo.Outcome o = new HyperparametersDemo(HyperparametersDemo.Config.defaults()).sweep(ctx);
 * o.width().get(0).last("val_accuracy");   // width 2
 * }</pre>
 */
public final class HyperparametersDemo implements Demo {
    /**
     * @param pointsPerClass spiral points per arm (three arms)
     * @param noise          the spiral's angle noise
     * @param depths         hidden-layer counts of the depth sweep (ReLU and sigmoid)
     * @param widths         units per hidden layer of the width sweep
     * @param activations    activations of the activation sweep
     * @param base           the base network's hidden layers and width and activation
     * @param training       optimiser, learning rate, batch size and epochs of every sweep run
     * @param longEpochs     epochs of the iterations run (the base network, trained longer)
     */
    public record Config(int pointsPerClass, double noise, List<Integer> depths, List<Integer> widths,
                         List<String> activations, Fits.Net base, Fits.Training training, int longEpochs) {
        public Config {
            depths = List.copyOf(depths);
            widths = List.copyOf(widths);
            activations = List.copyOf(activations);
            if (pointsPerClass < 10 || depths.isEmpty() || widths.isEmpty() || activations.isEmpty() || longEpochs < 2) {
                throw new IllegalArgumentException("HyperparametersDemo: bad settings " + pointsPerClass + " points, "
                        + depths + ", " + widths + ", " + activations + ", " + longEpochs + " epochs");
            }
            for (int d : depths) if (d < 1) throw new IllegalArgumentException("HyperparametersDemo: depths must be >= 1, got " + depths);
            for (String a : activations) Fits.activation(a);
        }

        public static Config defaults() {
            return new Config(100, 0.2, List.of(1, 2, 3, 4, 5, 6), List.of(2, 4, 16, 64, 256),
                    Fits.ACTIVATIONS, Fits.Net.of(2, 32, "relu"), new Fits.Training("adam", 0.01, 32, 30, null), 150);
        }

        int baseWidth() {
            return base.hidden().get(0);
        }
    }

    /** The runs of every sweep, in the order of the config's lists. */
    public record Outcome(List<Fits.Fit> depthRelu, List<Fits.Fit> depthSigmoid, List<Fits.Fit> width,
                          List<Fits.Fit> activation, Fits.Fit iterations, int trainSize, int heldOutSize) {
        /** The epoch (1-based) at which the iterations run's held-out accuracy first reached its maximum. */
        public int bestHeldOutEpoch() {
            double[] v = iterations.history().metric("val_accuracy");
            int best = 0;
            for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
            return best + 1;
        }
    }

    private final Config config;

    public HyperparametersDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "hyperparameters";
    }

    @Override
    public String title() {
        return "Hyperparameters: depth, width, activation and iterations";
    }

    /** Generates the spiral data, splits it and runs every sweep (each run from its own seeded generator). */
    public Outcome sweep(RunContext ctx) {
        Rng rng = ctx.rng();
        Dataset data = Datasets.spiral(rng, config.pointsPerClass(), 3, config.noise()).to(ctx.backend()).to(ctx.dtype());
        Split split = Split.stratified(data, 0.3, 0, rng);
        Fits.Training t = config.training();
        int w = config.baseWidth();
        String act = config.base().activation();
        List<Fits.Fit> depthRelu = new ArrayList<>(), depthSigmoid = new ArrayList<>(), width = new ArrayList<>(),
                activation = new ArrayList<>();
        for (int d : config.depths()) depthRelu.add(run(Fits.Net.of(d, w, act), split, t, ctx, "depth" + d));
        for (int d : config.depths()) depthSigmoid.add(run(Fits.Net.of(d, w, "sigmoid"), split, t, ctx, "depth" + d));
        int depth = config.base().hidden().size();
        for (int u : config.widths()) width.add(run(Fits.Net.of(depth, u, act), split, t, ctx, "width" + u));
        for (String a : config.activations()) activation.add(run(Fits.Net.of(depth, w, a), split, t, ctx, a));
        Fits.Fit iterations = run(config.base(), split, t.withEpochs(config.longEpochs()), ctx, "iterations");
        return new Outcome(depthRelu, depthSigmoid, width, activation, iterations, split.train().size(),
                split.validation().size());
    }

    /** One run; every run of a given depth (or width) starts from the same seed, so sweeps differ only by the setting. */
    private static Fits.Fit run(Fits.Net net, Split split, Fits.Training t, RunContext ctx, String key) {
        Rng rng = new Rng(ctx.seed() * 31 + key.hashCode());
        return Fits.train(net, split.train(), split.validation(), t, rng);
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, sweep(ctx));
    }

    public DemoResult report(RunContext ctx, Outcome o) {
        Fits.Training t = config.training();
        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "The lecture separates parameters (W and b, learned by backpropagation) from hyperparameters chosen "
                        + "before training: the learning rate, the number of iterations, the number of hidden layers, "
                        + "the units per hidden layer and the activation. From a base network of %s on the spiral data "
                        + "(three interleaved arms, %d training and %d held-out points), each hyperparameter is changed "
                        + "alone; every run uses %s at lr %s in mini-batches of %d for %d epochs (the iterations run %d).",
                config.base().describe(), o.trainSize(), o.heldOutSize(), t.optimizer(), fmt(t.lr()), t.batchSize(),
                t.epochs(), config.longEpochs()));
        for (Fits.Fit f : o.depthRelu()) row(r, f);
        for (Fits.Fit f : o.depthSigmoid()) row(r, f);
        for (Fits.Fit f : o.width()) row(r, f);
        for (Fits.Fit f : o.activation()) row(r, f);
        int best = o.bestHeldOutEpoch();
        Fits.Fit it = o.iterations();
        double[] trainAcc = it.history().metric("accuracy"), valAcc = it.history().metric("val_accuracy");
        r.measurement("iterations: best held-out accuracy", pct(valAcc[best - 1]) + " at epoch " + best);
        r.measurement("iterations: training accuracy at that epoch", pct(trainAcc[best - 1]));
        r.measurement("iterations: after " + it.epochsRun() + " epochs, training / held-out accuracy",
                pct(trainAcc[trainAcc.length - 1]) + " / " + pct(valAcc[valAcc.length - 1]));
        Fits.Fit narrow = o.width().get(0), wide = o.width().get(o.width().size() - 1);
        Fits.Fit deepRelu = o.depthRelu().get(o.depthRelu().size() - 1), deepSig = o.depthSigmoid().get(o.depthSigmoid().size() - 1);
        r.summary(String.format(Locale.ROOT, "width %d: training accuracy %s; width %d: %s", narrow.net().hidden().get(0),
                pct(narrow.last("accuracy")), wide.net().hidden().get(0), pct(wide.last("accuracy"))));
        r.summary(String.format(Locale.ROOT, "%d hidden layers: training loss ReLU %s, sigmoid %s after %d epochs",
                deepRelu.net().hidden().size(), fmt(deepRelu.last("loss")), fmt(deepSig.last("loss")), t.epochs()));
        r.summary(String.format(Locale.ROOT, "iterations: held-out accuracy best %s at epoch %d; training %s there, %s at epoch %d",
                pct(valAcc[best - 1]), best, pct(trainAcc[best - 1]), pct(trainAcc[trainAcc.length - 1]), it.epochsRun()));
        r.figure(depthFigure(ctx, o));
        r.figure(depthCostFigure(ctx, o));
        r.figure(widthFigure(ctx, o));
        r.figure(activationFigure(ctx, o));
        r.figure(iterationsFigure(ctx, o));
        r.figure(sizeFigure(ctx, o));
        return r.build();
    }

    private static void row(DemoResult.Builder r, Fits.Fit f) {
        r.measurement(f.net().describe() + ": training / held-out accuracy, final loss, parameters, ms per epoch",
                String.format(Locale.ROOT, "%s / %s, %s, %d, %.1f", pct(f.last("accuracy")), pct(f.last("val_accuracy")),
                        fmt(f.last("loss")), f.parameters(), 1000 * f.secondsPerEpoch()));
    }

    private static double[] finals(List<Fits.Fit> fits, String metric) {
        return fits.stream().mapToDouble(f -> f.last(metric)).toArray();
    }

    private static double[] depths(List<Fits.Fit> fits) {
        return fits.stream().mapToDouble(f -> f.net().hidden().size()).toArray();
    }

    private Figure depthFigure(RunContext ctx, Outcome o) {
        double[] x = depths(o.depthRelu());
        LinePlot p = Plots.line("Accuracy by number of hidden layers", "hidden layers (L \u2212 1)", "accuracy")
                .series("ReLU, training", x, finals(o.depthRelu(), "accuracy"))
                .series("ReLU, held-out", x, finals(o.depthRelu(), "val_accuracy"))
                .series("sigmoid, training", x, finals(o.depthSigmoid(), "accuracy"))
                .series("sigmoid, held-out", x, finals(o.depthSigmoid(), "val_accuracy")).markers().yRange(0, 1);
        return ctx.figure(p, "depth.png", "More layers make the problem more complex: a deeper ReLU network fits the "
                        + "arms better, while a deep sigmoid network trains slowly (its gradients shrink layer by layer).",
                describeFinals(o.depthRelu(), "ReLU") + "; " + describeFinals(o.depthSigmoid(), "sigmoid"));
    }

    private static String describeFinals(List<Fits.Fit> fits, String what) {
        return what + " held-out accuracy " + fits.stream().map(f -> f.net().hidden().size() + ": "
                + pct(f.last("val_accuracy"))).collect(Collectors.joining(", "));
    }

    private Figure depthCostFigure(RunContext ctx, Outcome o) {
        LinePlot p = Plots.line("Training cost per epoch by depth", "epoch", "cross-entropy (training)").logY();
        for (Fits.Fit f : o.depthRelu()) p.series("ReLU, " + f.net().hidden().size() + " hidden", f.history().metric("loss"));
        for (Fits.Fit f : o.depthSigmoid()) p.series("sigmoid, " + f.net().hidden().size() + " hidden", f.history().metric("loss"));
        Fits.Fit deepRelu = o.depthRelu().get(o.depthRelu().size() - 1), deepSig = o.depthSigmoid().get(o.depthSigmoid().size() - 1);
        return ctx.figure(p, "depth-cost.png", "Deep sigmoid networks stay near the chance-level cost ln 3 \u2248 1.10 "
                        + "for many epochs; ReLU networks of the same depth descend at once.",
                String.format(Locale.ROOT, "after %d epochs with %d hidden layers: ReLU %s, sigmoid %s",
                        config.training().epochs(), deepRelu.net().hidden().size(), fmt(deepRelu.last("loss")),
                        fmt(deepSig.last("loss"))));
    }

    private Figure widthFigure(RunContext ctx, Outcome o) {
        double[] x = o.width().stream().mapToDouble(f -> Math.log(f.net().hidden().get(0)) / Math.log(2)).toArray();
        LinePlot p = Plots.line("Accuracy by units per hidden layer", "units per hidden layer (log\u2082)", "accuracy")
                .series("training", x, finals(o.width(), "accuracy"))
                .series("held-out", x, finals(o.width(), "val_accuracy")).markers().yRange(0, 1);
        return ctx.figure(p, "width.png", "Too few units underfit: two units per layer cannot carve three spiral arms, "
                        + "whatever the training; more units fit them.",
                o.width().stream().map(f -> f.net().hidden().get(0) + " units: " + pct(f.last("accuracy")) + " / "
                        + pct(f.last("val_accuracy"))).collect(Collectors.joining(", ")) + " (training / held-out)");
    }

    private Figure activationFigure(RunContext ctx, Outcome o) {
        LinePlot p = Plots.line("Training cost per epoch by activation", "epoch", "cross-entropy (training)").logY();
        for (Fits.Fit f : o.activation()) p.series(f.net().activation(), f.history().metric("loss"));
        return ctx.figure(p, "activation.png", "The activation is a hyperparameter too: with the same layers and "
                        + "training, the saturating sigmoid descends slowest.",
                o.activation().stream().map(f -> f.net().activation() + " " + fmt(f.last("loss")) + " ("
                        + pct(f.last("val_accuracy")) + " held-out)").collect(Collectors.joining(", ")));
    }

    private Figure iterationsFigure(RunContext ctx, Outcome o) {
        Fits.Fit it = o.iterations();
        double[] trainAcc = it.history().metric("accuracy"), valAcc = it.history().metric("val_accuracy");
        int best = o.bestHeldOutEpoch();
        LinePlot p = Plots.line("Accuracy per epoch (iterations)", "epoch", "accuracy")
                .series("training", trainAcc).series("held-out", valAcc)
                .points("best held-out epoch", new double[] {best}, new double[] {valAcc[best - 1]});
        return ctx.figure(p, "iterations.png", "The number of iterations is chosen too: after some epochs held-out "
                        + "accuracy stops improving while training accuracy still rises.",
                String.format(Locale.ROOT, "held-out accuracy peaks at %s in epoch %d (training %s then); at epoch %d "
                                + "training is at %s and held-out at %s", pct(valAcc[best - 1]), best,
                        pct(trainAcc[best - 1]), it.epochsRun(), pct(trainAcc[trainAcc.length - 1]),
                        pct(valAcc[valAcc.length - 1])));
    }

    private Figure sizeFigure(RunContext ctx, Outcome o) {
        List<Fits.Fit> all = new ArrayList<>(o.depthRelu());
        all.addAll(o.width());
        all.sort((a, b) -> Long.compare(a.parameters(), b.parameters()));
        double[] params = all.stream().mapToDouble(f -> Math.log10(f.parameters())).toArray();
        double[] ms = all.stream().mapToDouble(f -> 1000 * f.secondsPerEpoch()).toArray();
        LinePlot p = Plots.line("Time per epoch by parameter count", "parameters (log\u2081\u2080)", "ms per epoch")
                .points("depth and width runs", params, ms);
        Fits.Fit small = all.get(0), big = all.get(all.size() - 1);
        return ctx.figure(p, "size.png", "More layers and units mean more parameters to learn and more work per "
                        + "epoch (wall time on this machine, including the evaluation of both splits).",
                String.format(Locale.ROOT, "%d parameters (%s): %.1f ms per epoch; %d parameters (%s): %.1f ms",
                        small.parameters(), small.net().describe(), 1000 * small.secondsPerEpoch(), big.parameters(),
                        big.net().describe(), 1000 * big.secondsPerEpoch()));
    }
}
