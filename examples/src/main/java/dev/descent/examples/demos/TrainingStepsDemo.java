package dev.descent.examples.demos;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.data.Batch;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Optimizer;
import dev.descent.optim.clip.Norms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.descent.examples.demos.InitDemo.fmt;

/**
 * The lecture's "Training steps": (1) forward pass the input through the network, (2) obtain its output, (3)
 * measure the loss against the true labels, (4) a backward pass for the gradients, (5) update the weights. The
 * report lists the lines of the library's own training step ({@code Run.stepOn} behind
 * {@link dev.descent.optim.train.Trainer#fit()}) that do each step, and the shapes one mini-batch has at each, measured
 * by doing those steps here on a real batch. {@code TrainingStepsDemoTest} fails when the listing no longer matches
 * the library's source.
 *
 * <pre>{@code
 * TrainingStepsDemo.Outcome o = new TrainingStepsDemo(TrainingStepsDemo.Config.defaults()).step(ctx);
 * o.shapes();   // step -> what it produced, with shapes
 * }</pre>
 */
public final class TrainingStepsDemo implements Demo {
    /** A step of the lecture's slide and the line of the library's training step that does it. */
    public record Line(String step, String code, String note) {
    }

    /** The five steps as the training step writes them ({@code optim/.../train/Run.java}, method {@code stepOn}). */
    public static final List<Line> LISTING = List.of(
            new Line("1. forward pass", "Variable prediction = t.model.apply(Variable.constant(b.features()));",
                    "the mini-batch's features go through every layer"),
            new Line("2. output", "Variable prediction = t.model.apply(Variable.constant(b.features()));",
                    "the network's output for the batch, one row per sample"),
            new Line("3. loss", "l = t.loss.apply(prediction, Variable.constant(b.labels()));",
                    "one number: the mean loss over the batch"),
            new Line("4. backward pass", "(group.size() == 1 ? l : l.mul((double) b.size() / total)).backward();",
                    "backpropagation fills every parameter's gradient, shaped like the parameter"),
            new Line("5. update", "t.optimizer.step();", "each weight moves against its gradient"),
            new Line("(next batch)", "t.optimizer.zeroGrad();", "gradients are cleared before the next batch"));

    /**
     * @param batchSize the mini-batch size
     * @param net       the network (on the 2-feature, 3-class spiral data)
     * @param optimizer the registry's optimiser and learning rate (and epochs of the loss-per-step figure)
     */
    public record Config(int batchSize, Fits.Net net, Fits.Training optimizer) {
        public static Config defaults() {
            return new Config(32, Fits.Net.of(2, 16, "relu"), new Fits.Training("sgd", 0.5, 32, 5, null));
        }
    }

    /** What each step produced on one batch (in listing order), and the mini-batch losses of a short run. */
    public record Outcome(Map<String, String> shapes, double lossBefore, double lossAfter, double[] stepLosses,
                          String batchMode) {
    }

    private final Config config;

    public TrainingStepsDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "training-steps";
    }

    @Override
    public String title() {
        return "The five training steps in the library's code";
    }

    /** Does the five steps once on the first mini-batch, as the training step does, recording shapes. */
    public Outcome step(RunContext ctx) {
        Rng rng = ctx.rng();
        Dataset data = Datasets.spiral(rng, 100, 3).to(ctx.backend()).to(ctx.dtype());
        Fits.Training t = config.optimizer();
        Fits.Fit fit = Fits.train(config.net(), data, data, t, rng.copy());
        Sequential model = Classifier.mlp(Tensor.on(ctx.backend(), ctx.dtype()), 2, config.net().hidden(), 3,
                Fits.activation(config.net().activation()), dev.descent.nn.init.Initializers.linearDefaultWeight(),
                dev.descent.nn.init.Initializers.linearDefaultBias(), rng);
        Optimizer<?> optimizer = t.optimizer(model.parameters());
        Loss loss = Losses.crossEntropy();
        Batch b = DataLoader.over(data).mode(BatchMode.miniBatch(config.batchSize())).shuffle(rng.split()).build()
                .iterator().next();
        Map<String, String> shapes = new java.util.LinkedHashMap<>();
        optimizer.zeroGrad();
        List<String> trace = new ArrayList<>();
        trace.add("x " + b.features().shape());
        try (NoGrad g = NoGrad.enter()) {
            for (Sequential.Step s : model.trace(Variable.constant(b.features()))) {
                trace.add(s.layer().getClass().getSimpleName() + " " + s.output().shape());
            }
        }
        Variable prediction = model.apply(Variable.constant(b.features()));
        shapes.put(LISTING.get(0).step(), String.join(" \u2192 ", trace));
        shapes.put(LISTING.get(1).step(), "prediction " + prediction.shape() + " (logits of " + prediction.shape().dim(1)
                + " classes for " + prediction.shape().dim(0) + " samples)");
        Variable l = loss.apply(prediction, Variable.constant(b.labels()));
        double before = l.value().item();
        shapes.put(LISTING.get(2).step(), "labels " + b.labels().shape() + ", loss " + l.shape() + " = " + fmt(before));
        l.backward();
        shapes.put(LISTING.get(3).step(), model.namedParameters().entrySet().stream()
                .map(e -> "\u2202L/\u2202" + e.getKey() + " " + e.getValue().grad().shape()).collect(Collectors.joining(", "))
                + String.format(Locale.ROOT, "; gradient norm %s", fmt(Norms.gradNorm(model.parameters(), 2))));
        List<Tensor> old = model.parameters().stream().map(p -> p.value().copy()).toList();
        optimizer.step();
        double moved = 0;
        for (int i = 0; i < old.size(); i++) {
            double[] a = old.get(i).toDoubleArray(), c = model.parameters().get(i).value().toDoubleArray();
            for (int k = 0; k < a.length; k++) moved += (a[k] - c[k]) * (a[k] - c[k]);
        }
        shapes.put(LISTING.get(4).step(), model.parameters().size() + " parameters updated in place, shapes unchanged ("
                + model.parameters().stream().map(p -> p.shape().toString()).collect(Collectors.joining(", "))
                + "); the weights moved by " + fmt(Math.sqrt(moved)) + " (L2)");
        optimizer.zeroGrad();
        shapes.put(LISTING.get(5).step(), "every gradient is cleared");
        double after;
        try (NoGrad g = NoGrad.enter()) {
            after = loss.apply(model.apply(Variable.constant(b.features())), Variable.constant(b.labels())).value().item();
        }
        return new Outcome(shapes, before, after, fit.history().stepLosses(), fit.history().batchMode());
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, step(ctx));
    }

    public DemoResult report(RunContext ctx, Outcome o) {
        Fits.Training t = config.optimizer();
        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "The lecture's training steps: forward pass the input through the network, obtain its output, measure "
                        + "the loss against the true labels, complete a backward pass for the gradients "
                        + "(backpropagation), and update the weights. Below, each step is the line of the library's "
                        + "training step that does it (Run.stepOn in descent-optim, which Trainer.fit runs for every "
                        + "batch) with what it produced for one mini-batch of %d spiral points through a %s network "
                        + "(%s, lr %s).", config.batchSize(), config.net().describe(), t.optimizer(), fmt(t.lr())));
        for (Line line : LISTING) {
            r.measurement(line.step() + ": " + line.code(), line.note() + " \u2014 " + o.shapes().get(line.step()));
        }
        r.measurement("the batch's loss before / after the update", fmt(o.lossBefore()) + " / " + fmt(o.lossAfter()));
        r.summary(String.format(Locale.ROOT, "one step on a batch of %d: loss %s \u2192 %s", config.batchSize(),
                fmt(o.lossBefore()), fmt(o.lossAfter())));
        for (Line line : LISTING) r.summary(line.step() + ": " + o.shapes().get(line.step()));
        double[] steps = o.stepLosses();
        LinePlot p = Plots.line("Mini-batch loss per step", "step", "cross-entropy of the batch").series(o.batchMode(), steps);
        r.figure(ctx.figure(p, "steps.png", "Training repeats the five steps for every mini-batch: each step's loss is "
                        + "measured on a different batch, so it falls unevenly.",
                String.format(Locale.ROOT, "%d steps: loss %s at the first, %s at the last", steps.length, fmt(steps[0]),
                        fmt(steps[steps.length - 1]))));
        return r.build();
    }
}
