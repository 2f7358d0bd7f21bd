package dev.descent.examples.demos;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.SGD;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static dev.descent.examples.demos.InitDemo.fmt;
import static dev.descent.examples.demos.InitDemo.pct;

/**
 * The lecture's three kinds of gradient descent: batch (all samples per update), mini-batch and stochastic (one
 * sample per update), on the same network, data, initial weights and learning rate. It measures the cost of every
 * update and of every epoch, how smooth the per-update cost is, and how long an epoch's updates take.
 *
 * <p>Smoothness is the mean absolute change of the cost from one update to the next, {@code mean |L(t+1) - L(t)|},
 * where {@code L(t)} is the cost of the batch the update was computed on: small for a curve that falls steadily,
 * large for one that jumps around.
 *
 * <pre>{@code
 * GradientDescentDemo demo = new GradientDescentDemo(GradientDescentDemo.Config.defaults());
 * List<GradientDescentDemo.Outcome> runs = demo.train(ctx);     // batch, mini-batch, stochastic
 * }</pre>
 */
public final class GradientDescentDemo implements Demo {
    /** Hidden units of the 2-H-1 tanh network. */
    static final int HIDDEN = 16;
    static final double NOISE = 0.2;

    /**
     * @param epochs       epochs of each kind of descent
     * @param batchSize    the mini-batch size
     * @param samples      training samples (moons)
     * @param learningRate plain gradient descent's learning rate, the same for all three
     */
    public record Config(int epochs, int batchSize, int samples, double learningRate) {
        public Config {
            if (epochs < 1 || batchSize < 1 || samples < 2 || !(learningRate > 0)) {
                throw new IllegalArgumentException("GradientDescentDemo: bad settings " + this);
            }
        }

        public static Config defaults() {
            return new Config(30, 32, 1000, 0.05);
        }
    }

    /** One kind of descent's run. */
    public record Outcome(String name, BatchMode mode, History history, double trainAccuracy) {
        public int updatesPerEpoch() {
            return history.epochs().isEmpty() ? 0 : history.steps().size() / history.epochs().size();
        }

        /** The mean absolute change of the per-update cost (lower is smoother). */
        public double roughness() {
            double[] c = history.stepLosses();
            if (c.length < 2) return 0;
            double sum = 0;
            for (int i = 1; i < c.length; i++) sum += Math.abs(c[i] - c[i - 1]);
            return sum / (c.length - 1);
        }

        /** Per epoch, the time its updates took (forward, backward and step), in seconds. */
        public double[] updateSecondsPerEpoch() {
            double[] t = new double[history.epochs().size()];
            for (History.Step s : history.steps()) t[s.epoch() - 1] += s.nanos() / 1e9;
            return t;
        }

        /** The median of {@link #updateSecondsPerEpoch()}: robust to the first epochs' warm-up. */
        public double medianUpdateSeconds() {
            double[] t = updateSecondsPerEpoch().clone();
            Arrays.sort(t);
            return t.length == 0 ? Double.NaN : t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
        }

        /** The training cost over all samples after each epoch. */
        public double[] epochCost() {
            return history.metric("loss");
        }
    }

    private final Config config;

    public GradientDescentDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "gradient-descent";
    }

    @Override
    public String title() {
        return "Batch, mini-batch and stochastic gradient descent";
    }

    /** Trains the same network from the same weights with each kind of descent. */
    public List<Outcome> train(RunContext ctx) {
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        Rng rng = ctx.rng();
        Dataset raw = Datasets.moons(rng, config.samples(), NOISE).to(f.backend()).to(f.dtype());
        Dataset data = raw.withLabels(raw.labels().to(f.dtype()).reshape(raw.size(), 1));
        long weightSeed = rng.nextLong(), shuffleSeed = rng.nextLong();
        List<Outcome> out = new ArrayList<>();
        out.add(train(f, data, "batch", BatchMode.batch(), weightSeed, shuffleSeed));
        out.add(train(f, data, "mini-batch (" + config.batchSize() + ")", BatchMode.miniBatch(config.batchSize()),
                weightSeed, shuffleSeed));
        out.add(train(f, data, "stochastic", BatchMode.stochastic(), weightSeed, shuffleSeed));
        return out;
    }

    private Outcome train(TensorFactory f, Dataset data, String name, BatchMode mode, long weightSeed, long shuffleSeed) {
        Rng weights = new Rng(weightSeed);
        Sequential net = new Sequential(new Linear(f, 2, HIDDEN, true, null, null, weights), new Tanh(),
                new Linear(f, HIDDEN, 1, true, null, null, weights));
        DataLoader loader = DataLoader.over(data).mode(mode).shuffle(new Rng(shuffleSeed)).build();
        Trainer trainer = Trainer.builder(net, Losses.binaryCrossEntropyWithLogits(),
                        new SGD(net.parameters(), SGD.options(config.learningRate())))
                .trainData(loader).epochs(config.epochs()).metrics(Metrics.binaryAccuracy(0)).build();
        History h = trainer.fit();
        double[] accuracy = h.metric("accuracy");
        return new Outcome(name, mode, h, accuracy.length == 0 ? Double.NaN : accuracy[accuracy.length - 1]);
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, train(ctx));
    }

    /** The figures, measurements and summary of {@code runs} (batch, mini-batch, stochastic). */
    public DemoResult report(RunContext ctx, List<Outcome> runs) {
        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "A 2-%d-1 tanh network on the moons data (%d samples, noise %.2g), trained for %d epochs by plain "
                        + "gradient descent with learning rate %.3g from the same initial weights, once per kind of "
                        + "descent: batch (one update per epoch on all samples), mini-batch (%d samples per update, "
                        + "shuffled) and stochastic (one sample per update, shuffled). Smoothness is measured as the mean "
                        + "absolute change of the per-update cost (lower is smoother).", HIDDEN, config.samples(), NOISE,
                config.epochs(), config.learningRate(), config.batchSize()));
        r.figure(perUpdateFigure(ctx, runs));
        r.figure(perEpochFigure(ctx, runs));
        r.figure(timeFigure(ctx, runs));
        for (Outcome o : runs) {
            r.measurement("updates per epoch, " + o.name(), o.updatesPerEpoch());
            r.measurement("mean |change| of the per-update cost, " + o.name(), fmt(o.roughness()));
            r.measurement("update time per epoch (median), " + o.name(), ms(o.medianUpdateSeconds()));
            r.measurement("final training cost, " + o.name(), fmt(last(o.epochCost())));
            r.measurement("final training accuracy, " + o.name(), pct(o.trainAccuracy()));
            r.summary(String.format(Locale.ROOT, "%-17s %5d updates/epoch, per-update cost changes by %s on average, "
                            + "%s per epoch of updates, final cost %s, accuracy %s", o.name(), o.updatesPerEpoch(),
                    fmt(o.roughness()), ms(o.medianUpdateSeconds()), fmt(last(o.epochCost())), pct(o.trainAccuracy())));
        }
        return r.build();
    }

    private Figure perUpdateFigure(RunContext ctx, List<Outcome> runs) {
        double top = 0;
        for (Outcome o : runs) for (double c : o.history().stepLosses()) if (Double.isFinite(c)) top = Math.max(top, c);
        List<LinePlot> panels = new ArrayList<>();
        for (Outcome o : runs) {
            double[] cost = o.history().stepLosses(), epoch = new double[cost.length];
            int per = Math.max(1, o.updatesPerEpoch());
            for (int i = 0; i < epoch.length; i++) epoch[i] = (i + 1.0) / per;
            panels.add(Plots.line(o.name() + ": cost per update", "epoch (" + per + (per == 1 ? " update" : " updates") + " each)",
                    "cost of the update's batch").series(o.name(), epoch, cost).yRange(0, top * 1.05).size(600, 450));
        }
        return PlotGrid.save(ctx, "cost-per-update.png", "Cost per update", 3, panels,
                "Batch descent's cost falls smoothly; stochastic descent's jumps from sample to sample; mini-batch "
                        + "lies between.",
                runs.stream().map(o -> String.format(Locale.ROOT, "mean |change| %s over %d updates (%s)",
                        fmt(o.roughness()), o.history().steps().size(), o.name())).collect(Collectors.joining("; ")));
    }

    private Figure perEpochFigure(RunContext ctx, List<Outcome> runs) {
        LinePlot p = Plots.line("Training cost per epoch", "epoch", "cost on all training samples").size(900, 600);
        for (Outcome o : runs) p.series(o.name(), o.epochCost());
        if (config.epochs() <= 60) p.markers();
        return ctx.figure(p, "cost-per-epoch.png",
                "Per epoch, more (noisier) updates make more progress: stochastic and mini-batch descent are ahead of "
                        + "batch descent's one update per epoch.",
                runs.stream().map(o -> String.format(Locale.ROOT, "%s %s after %d epochs", o.name(),
                        fmt(last(o.epochCost())), o.epochCost().length)).collect(Collectors.joining("; ")));
    }

    private Figure timeFigure(RunContext ctx, List<Outcome> runs) {
        LinePlot p = Plots.line("Time of an epoch's updates", "epoch", "milliseconds").logY().markers().size(900, 600);
        for (Outcome o : runs) p.series(o.name(), Arrays.stream(o.updateSecondsPerEpoch()).map(s -> 1e3 * s).toArray());
        return ctx.figure(p, "time-per-epoch.png",
                "An epoch of stochastic descent takes longest: one update per sample; batch descent makes one.",
                runs.stream().map(o -> String.format(Locale.ROOT, "%s %s (median)", o.name(), ms(o.medianUpdateSeconds())))
                        .collect(Collectors.joining("; ")));
    }

    private static double last(double[] v) {
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    private static String ms(double seconds) {
        return String.format(Locale.ROOT, "%.3g ms", 1e3 * seconds);
    }
}
