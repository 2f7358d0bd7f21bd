package dev.descent.examples.demos;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.SGD;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lecture's losses compared on what they are for.
 *
 * <ul>
 *   <li>Regression with outliers: a line {@code y = 2 x + 1} with noise, where the points with the largest
 *       {@code x} are pulled down by 5 to 10 standard deviations (all on one side, as in the lecture's picture, so
 *       that their pull shows). The line {@code w x + b} is fitted with MSE, MAE and Huber by full-batch Adam; the
 *       fitted slope and intercept are compared with the true line.</li>
 *   <li>Classification with a sigmoid output: a 2-16-1 tanh network on the moons data, trained by full-batch
 *       gradient descent with binary cross-entropy and with MSE on the sigmoid's probability, from the same
 *       weights. MSE's gradient carries the sigmoid's derivative {@code p (1 - p)}, which vanishes when the output
 *       saturates, so it learns more slowly.</li>
 * </ul>
 *
 * <pre>{@code
 * DemoResult r = new LossesDemo(LossesDemo.Config.defaults()).run(ctx);
 * }</pre>
 */
public final class LossesDemo implements Demo {
    /** The true line. */
    static final double SLOPE = 2, INTERCEPT = 1, NOISE = 0.5;

    /**
     * The demo's settings.
     *
     * @param samples        regression points
     * @param outliers       of which outliers
     * @param huberDelta     Huber's delta
     * @param steps          full-batch steps of each fit (regression and classification)
     * @param regressionLr   Adam's learning rate for the line
     * @param classifierLr   gradient descent's learning rate for the classifier
     * @param classSamples   moons points for the classifier
     * @param targetAccuracy the training accuracy whose first step is compared
     */
    public record Config(int samples, int outliers, double huberDelta, int steps, double regressionLr,
                         double classifierLr, int classSamples, double targetAccuracy) {
        public static Config defaults() {
            return new Config(100, 10, 1.0, 500, 0.05, 1.0, 300, 0.95);
        }
    }

    /** One fitted line. */
    public record Fit(String loss, double slope, double intercept, double[] lossPerStep) {
        /** The distance of (slope, intercept) from the true line's. */
        public double error() {
            return Math.hypot(slope - SLOPE, intercept - INTERCEPT);
        }
    }

    /** One classifier run: loss and training accuracy per step. */
    public record ClassifierRun(String loss, double[] lossPerStep, double[] accuracy) {
        /** The first step (1-based) whose accuracy reaches {@code target}, or -1. */
        public int stepsTo(double target) {
            for (int i = 0; i < accuracy.length; i++) if (accuracy[i] >= target) return i + 1;
            return -1;
        }
    }

    private final Config config;

    public LossesDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "losses";
    }

    @Override
    public String title() {
        return "Losses: MSE, MAE and Huber with outliers; cross-entropy vs MSE";
    }

    @Override
    public DemoResult run(RunContext ctx) {
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        DemoResult.Builder out = DemoResult.builder(title()).lead("A line fitted with MSE, MAE and Huber (delta "
                + fmt(config.huberDelta()) + ") to " + config.samples() + " points of which " + config.outliers()
                + " are outliers; and a classifier with a sigmoid output trained with cross-entropy and with MSE.");
        regression(ctx, f, out);
        classification(ctx, f, out);
        return out.build();
    }

    // ---------------------------------------------------------------- regression

    /** The line's data: {@code y = 2 x + 1 + noise}, the {@code outliers} largest-x points pulled down. */
    Dataset lineData(RunContext ctx) {
        Rng rng = ctx.rng();
        Dataset clean = Datasets.regression(rng, config.samples(), new double[] {SLOPE}, INTERCEPT, NOISE, 0);
        double[] x = clean.features().toDoubleArray();
        double[] y = clean.labels().toDoubleArray();
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(x[b], x[a]));
        double sigma = Math.hypot(SLOPE, NOISE);
        for (int k = 0; k < config.outliers(); k++) y[order[k]] -= (5 + 5 * rng.nextDouble()) * sigma;
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        return new Dataset(f.of(x, x.length, 1), f.of(y, y.length, 1), List.of());
    }

    /** Fits {@code w x + b} with each loss. */
    public Map<String, Fit> fits(RunContext ctx) {
        Dataset data = lineData(ctx);
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        Map<String, Loss> losses = new LinkedHashMap<>();
        losses.put("MSE", Losses.mse());
        losses.put("MAE", Losses.mae());
        losses.put("Huber (delta " + fmt(config.huberDelta()) + ")", Losses.huber(config.huberDelta()));
        Map<String, Fit> fits = new LinkedHashMap<>();
        for (var e : losses.entrySet()) {
            Linear line = new Linear(f, 1, 1, true, null, null, new Rng(ctx.seed()));
            Sequential model = new Sequential(line);
            History h = Trainer.builder(model, e.getValue(),
                            new Adam(model.parameters(), Adam.options().withLr(config.regressionLr())))
                    .trainData(DataLoader.over(data).mode(BatchMode.batch()).build())
                    .epochs(config.steps()).build().fit();
            fits.put(e.getKey(), new Fit(e.getKey(), line.weight().value().item(), line.bias().value().item(),
                    h.stepLosses()));
        }
        return fits;
    }

    private void regression(RunContext ctx, TensorFactory f, DemoResult.Builder out) {
        Dataset data = lineData(ctx);
        Map<String, Fit> fits = fits(ctx);
        double[] x = data.features().toDoubleArray(), y = data.labels().toDoubleArray();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double[] ends = {lo, hi};
        LinePlot lines = Plots.line("Lines fitted to data with outliers", "x", "y").points("data", x, y)
                .series("true line y = 2x + 1", ends, new double[] {SLOPE * lo + INTERCEPT, SLOPE * hi + INTERCEPT})
                .size(1000, 650);
        LinePlot curves = Plots.line("Loss per step (each its own loss)", "step", "loss").logY().size(1000, 600);
        StringBuilder measured = new StringBuilder();
        for (Fit fit : fits.values()) {
            lines.series(fit.loss() + String.format(Locale.ROOT, ": y = %.2fx + %.2f", fit.slope(), fit.intercept()),
                    ends, new double[] {fit.slope() * lo + fit.intercept(), fit.slope() * hi + fit.intercept()});
            curves.series(fit.loss(), fit.lossPerStep());
            String text = String.format(Locale.ROOT, "slope %.3f, intercept %.3f, distance from the true (2, 1): %.3f",
                    fit.slope(), fit.intercept(), fit.error());
            out.measurement("regression, " + fit.loss(), text);
            out.summary("regression, " + fit.loss() + ": " + text);
            measured.append(fit.loss()).append(": ").append(text).append(". ");
        }
        String point = "MSE squares the outliers' large errors, so they pull its line towards them; MAE (L1) and "
                + "Huber grow only linearly there and stay with the bulk of the data.";
        out.figure(ctx.figure(lines, "regression-lines.png", point, measured.toString().strip()));
        out.figure(ctx.figure(curves, "regression-loss.png", "Each fit's own loss per step of full-batch Adam (lr "
                + fmt(config.regressionLr()) + ").", measured.toString().strip()));
    }

    // ---------------------------------------------------------------- classification

    /** The classifier trained with binary cross-entropy and with MSE, from the same weights. */
    public Map<String, ClassifierRun> classifiers(RunContext ctx) {
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        Dataset train = BinaryClassifiers.withFloatTargets(Datasets.moons(ctx.rng(), config.classSamples(), 0.2),
                ctx.backend(), ctx.dtype());
        Map<String, Loss> losses = new LinkedHashMap<>();
        losses.put("cross-entropy", Losses.binaryCrossEntropy());
        losses.put("MSE", Losses.mse());
        Map<String, ClassifierRun> runs = new LinkedHashMap<>();
        for (var e : losses.entrySet()) {
            Sequential net = BinaryClassifiers.tanhNet(f, new int[] {16}, ctx.seed(), true);
            History h = Trainer.builder(net, e.getValue(),
                            new SGD(net.parameters(), SGD.options(config.classifierLr())))
                    .trainData(DataLoader.over(train).mode(BatchMode.batch()).build())
                    .epochs(config.steps()).metrics(Metrics.binaryAccuracy(0.5)).build().fit();
            runs.put(e.getKey(), new ClassifierRun(e.getKey(), h.stepLosses(), h.metric("accuracy")));
        }
        return runs;
    }

    private void classification(RunContext ctx, TensorFactory f, DemoResult.Builder out) {
        Map<String, ClassifierRun> runs = classifiers(ctx);
        LinePlot acc = Plots.line("Sigmoid classifier: training accuracy per step", "step", "accuracy")
                .size(1000, 600);
        LinePlot loss = Plots.line("Sigmoid classifier: loss per step", "step", "loss").logY().size(1000, 600);
        StringBuilder measured = new StringBuilder();
        for (ClassifierRun r : runs.values()) {
            acc.series(r.loss(), r.accuracy());
            loss.series(r.loss(), r.lossPerStep());
            String text = String.format(Locale.ROOT, "steps to %s training accuracy: %s, final accuracy %s",
                    OptimizersDemo.pct(config.targetAccuracy()), OptimizersDemo.epochsText(r.stepsTo(config.targetAccuracy())),
                    OptimizersDemo.pct(r.accuracy()[r.accuracy().length - 1]));
            out.measurement("classification, " + r.loss(), text);
            out.summary("classification, " + r.loss() + ": " + text);
            measured.append(r.loss()).append(": ").append(text).append(". ");
        }
        String point = "With a sigmoid output, cross-entropy's gradient is p - y; MSE's is multiplied by the sigmoid's "
                + "derivative p (1 - p), which vanishes on confident outputs, so MSE learns more slowly.";
        out.figure(ctx.figure(acc, "classification-accuracy.png", point, "full-batch gradient descent, lr "
                + fmt(config.classifierLr()) + ", 2-16-1 tanh network on moons. " + measured));
        out.figure(ctx.figure(loss, "classification-loss.png", point, measured.toString().strip()));
    }

    static String fmt(double v) {
        return OptimizersDemo.fmt(v);
    }
}
