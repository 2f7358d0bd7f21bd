package dev.descent.examples.demos;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.DecisionBoundaryPlot;
import dev.descent.examples.plot.GridClassifier;
import dev.descent.examples.plot.HistogramPlot;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.examples.presets.InitPreset;
import dev.descent.nn.init.Nonlinearity;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.SGD;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.StopReason;
import dev.descent.optim.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The lecture's weight-initialisation demo (the deeplearning.ai initialisation notes): the circles data set, a small
 * ReLU network with a sigmoid output, trained by batch gradient descent from each of {@link InitPreset#ZERO},
 * {@link InitPreset#TOO_SMALL}, {@link InitPreset#APPROPRIATE} and {@link InitPreset#TOO_LARGE}. It measures the
 * cost per step, the gradient norm of the first layer, the per-layer weights and gradients at the start and the
 * end, the number of distinct hidden units, and the accuracy on training and test data.
 *
 * <pre>{@code
 * InitDemo demo = new InitDemo(InitDemo.Config.defaults());
 * DemoResult result = demo.run(ctx);                  // figures under ctx.outDir()
 * List<InitDemo.Outcome> runs = demo.train(ctx);      // the measurements only
 * }</pre>
 */
public final class InitDemo implements Demo {
    /**
     * The demo's settings.
     *
     * @param inits        the initialisations to compare, in this order
     * @param hidden       the hidden layer sizes (each followed by ReLU)
     * @param epochs       epochs of batch gradient descent (one step each)
     * @param learningRate plain gradient descent's learning rate
     * @param trainSize    training points
     * @param testSize     test points
     * @param noise        the standard deviation of the circles' noise
     */
    public record Config(List<InitPreset> inits, List<Integer> hidden, int epochs, double learningRate,
                         int trainSize, int testSize, double noise) {
        public Config {
            inits = List.copyOf(inits);
            hidden = List.copyOf(hidden);
            if (inits.isEmpty()) throw new IllegalArgumentException("InitDemo: no initialisation to compare");
            for (int h : hidden) {
                if (h < 1) throw new IllegalArgumentException("InitDemo: hidden sizes must be >= 1, got " + hidden);
            }
            if (epochs < 1 || trainSize < 2 || testSize < 1 || !(learningRate > 0) || !(noise >= 0)) {
                throw new IllegalArgumentException("InitDemo: bad settings " + this);
            }
        }

        /**
         * The notebook's network and data (2-10-5-1, 300 training and 100 test points, noise 0.05); 3000 steps at
         * learning rate 0.05 instead of its 15000 at 0.01 (the same distance travelled, five times faster).
         */
        public static Config defaults() {
            return new Config(List.of(InitPreset.values()), List.of(10, 5), 3000, 0.05, 300, 100, 0.05);
        }
    }

    /** One layer's weights and the gradient of the training cost with respect to them. */
    public record LayerState(double[] weights, double[] gradients) {
        /** The Euclidean (Frobenius) norm of the gradient. */
        public double gradientNorm() {
            double s = 0;
            for (double g : gradients) s += g * g;
            return Math.sqrt(s);
        }
    }

    /**
     * What training from one initialisation measured.
     *
     * @param history            the trainer's history (cost and global gradient norm per step)
     * @param firstLayerGradNorm the norm of the first layer's weight gradient at every step
     * @param start              every linear layer's weights and gradients before training
     * @param end                the same after training
     * @param distinctUnits      per hidden layer, how many units have distinct outputs on the training data at the end
     * @param finiteParameters   whether every parameter is finite at the end
     */
    public record Outcome(InitPreset init, History history, double[] firstLayerGradNorm, List<LayerState> start,
                          List<LayerState> end, double trainAccuracy, double testAccuracy, int[] distinctUnits,
                          boolean finiteParameters, GridClassifier classifier) {
        public double initialCost() {
            return history.steps().isEmpty() ? Double.NaN : history.steps().get(0).loss();
        }

        public double finalCost() {
            return history.steps().isEmpty() ? Double.NaN : history.steps().get(history.steps().size() - 1).loss();
        }

        /**
         * The share of steps after which the cost was higher than before (by more than float32 rounding, a relative
         * 1e-6): 0 for a monotone descent, large for an oscillating one.
         */
        public double costRiseShare() {
            double[] c = history.stepLosses();
            if (c.length < 2) return 0;
            int up = 0;
            for (int i = 1; i < c.length; i++) if (c[i] > c[i - 1] * (1 + 1e-6)) up++;
            return (double) up / (c.length - 1);
        }

        public StopReason stopReason() {
            return history.stopReason();
        }
    }

    private final Config config;

    public InitDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "init";
    }

    @Override
    public String title() {
        return "Weight initialisation: zero, too small, appropriate, too large";
    }

    // ---------------------------------------------------------------- training

    /** Trains one network per initialisation, all from the same data and the same random draws. */
    public List<Outcome> train(RunContext ctx) {
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        Rng rng = ctx.rng();
        Dataset rawTrain = Datasets.circles(rng, config.trainSize(), config.noise());
        Dataset rawTest = Datasets.circles(rng, config.testSize(), config.noise());
        Dataset train = binary(rawTrain, f), test = binary(rawTest, f);
        // NOTE: every initialisation draws from the same generator state, so TOO_SMALL, APPROPRIATE and TOO_LARGE
        // start from the same normal samples, only scaled differently.
        long weightSeed = rng.nextLong();
        List<Outcome> out = new ArrayList<>();
        for (InitPreset init : config.inits()) {
            long t0 = System.nanoTime();
            out.add(train(init, f, new Rng(weightSeed), train, test));
            ctx.detail("%s: trained in %.1f s", init, (System.nanoTime() - t0) / 1e9);
        }
        return out;
    }

    /** Features on the run's backend and dtype; labels as 0/1 of shape (n, 1) for binary cross-entropy. */
    private static Dataset binary(Dataset d, TensorFactory f) {
        Dataset moved = d.to(f.backend()).to(f.dtype());
        return moved.withLabels(moved.labels().to(f.dtype()).reshape(d.size(), 1));
    }

    private Outcome train(InitPreset init, TensorFactory f, Rng weights, Dataset train, Dataset test) {
        Sequential net = new Sequential();
        List<Linear> layers = new ArrayList<>();
        int in = 2;
        for (int h : config.hidden()) {
            layers.add(new Linear(f, in, h, true, init.weights(Nonlinearity.RELU), init.bias(), weights));
            net.add(layers.get(layers.size() - 1)).add(new ReLU());
            in = h;
        }
        layers.add(new Linear(f, in, 1, true, init.weights(Nonlinearity.SIGMOID), init.bias(), weights));
        net.add(layers.get(layers.size() - 1));
        // NOTE: the network's sigmoid output is folded into the loss (binary cross-entropy on the logit), the stable
        // form. With the probability form in float32, TOO_LARGE's sigmoid is exactly 0 or 1 on most points, the
        // clamped log hides the gradient (norm ~1e-17) and the cost sits at ~49: nothing of the lecture's
        // exploding gradients would show. Predictions apply the sigmoid.
        Loss loss = Losses.binaryCrossEntropyWithLogits();
        List<LayerState> start = snapshot(net, layers, loss, train);

        List<Double> firstNorms = new ArrayList<>();
        boolean[] recording = {true};
        layers.get(0).weight().registerHook(g -> {
            if (recording[0]) firstNorms.add(norm(g.value()));
            return null;
        });
        DataLoader trainData = DataLoader.over(train).mode(BatchMode.batch()).build();
        Trainer trainer = Trainer.builder(net, loss, new SGD(net.parameters(), SGD.options(config.learningRate())))
                .trainData(trainData).epochs(config.epochs()).metrics(Metrics.binaryAccuracy(0)).build();
        History history = trainer.fit();
        recording[0] = false;

        List<LayerState> end = snapshot(net, layers, loss, train);
        double trainAccuracy = trainer.evaluate(trainData).get("accuracy");
        double testAccuracy = trainer.evaluate(DataLoader.over(test).mode(BatchMode.batch()).build()).get("accuracy");
        boolean finite = net.parameters().stream().allMatch(p -> Double.isFinite(norm(p.value())));
        GridClassifier classifier = points -> {
            double[] flat = new double[points.length * 2];
            for (int i = 0; i < points.length; i++) {
                flat[2 * i] = points[i][0];
                flat[2 * i + 1] = points[i][1];
            }
            return trainer.predict(f.of(flat, points.length, 2), 8192).sigmoid().toDoubleArray();
        };
        return new Outcome(init, history, firstNorms.stream().mapToDouble(Double::doubleValue).toArray(), start, end,
                trainAccuracy, testAccuracy, distinctUnits(net, train), finite, classifier);
    }

    /** Each layer's weights and the gradient of the cost over all of {@code data} (no step is taken). */
    private static List<LayerState> snapshot(Sequential net, List<Linear> layers, Loss loss, Dataset data) {
        net.zeroGrad();
        loss.apply(net.apply(Variable.constant(data.features())), Variable.constant(data.labels())).backward();
        List<LayerState> out = new ArrayList<>();
        for (Linear l : layers) {
            Tensor g = l.weight().grad();
            double[] w = l.weight().value().toDoubleArray();
            out.add(new LayerState(w, g == null ? new double[w.length] : g.toDoubleArray()));
        }
        net.zeroGrad();
        return out;
    }

    /** For each ReLU layer, the number of units whose outputs over {@code data} differ from every earlier unit's. */
    static int[] distinctUnits(Sequential net, Dataset data) {
        List<Tensor> hidden = new ArrayList<>();
        try (NoGrad g = NoGrad.enter()) {
            for (Sequential.Step s : net.trace(Variable.constant(data.features()))) {
                if (s.layer() instanceof ReLU) hidden.add(s.output().value());
            }
        }
        int[] out = new int[hidden.size()];
        for (int k = 0; k < out.length; k++) {
            Tensor a = hidden.get(k);
            int n = a.dim(0), units = a.dim(1);
            double[] v = a.toDoubleArray();
            List<Integer> kept = new ArrayList<>();
            for (int u = 0; u < units; u++) {
                boolean same = false;
                for (int other : kept) same |= sameColumn(v, n, units, u, other);
                if (!same) kept.add(u);
            }
            out[k] = kept.size();
        }
        return out;
    }

    private static boolean sameColumn(double[] v, int n, int units, int a, int b) {
        for (int i = 0; i < n; i++) {
            double x = v[i * units + a], y = v[i * units + b];
            if (Math.abs(x - y) > 1e-6 * (1 + Math.max(Math.abs(x), Math.abs(y)))) return false;
        }
        return true;
    }

    private static double norm(Tensor t) {
        return Math.sqrt(t.to(DType.FLOAT64).square().sum().item());
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, train(ctx));
    }

    /** The figures, measurements and summary of {@code runs} (from {@link #train} with the same context). */
    public DemoResult report(RunContext ctx, List<Outcome> runs) {
        // The same seed draws the same training set as train(ctx) did.
        Dataset shown = Datasets.circles(ctx.rng(), config.trainSize(), config.noise());
        double[][] xy = points(shown.features().toDoubleArray());
        int[] labels = shown.labels().toIntArray();
        String net = "2-" + config.hidden().stream().map(String::valueOf).collect(Collectors.joining("-")) + "-1";

        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "A %s ReLU network with a sigmoid output, trained on the circles data (%d training and %d test points, "
                        + "noise %.2g) by batch gradient descent (%d steps, learning rate %.3g) from four initial weights, "
                        + "biases zero: ZERO (W = 0), TOO_SMALL (N(0, 0.01\u00b2)), APPROPRIATE (He normal for ReLU "
                        + "layers, Xavier for the sigmoid one) and TOO_LARGE (N(0, 10\u00b2)).", net, config.trainSize(),
                config.testSize(), config.noise(), config.epochs(), config.learningRate()));

        r.figure(costFigure(ctx, runs));
        r.figure(gradientFigure(ctx, runs));
        r.figure(boundaryFigure(ctx, runs, xy, labels));
        for (Outcome o : runs) r.figure(histogramFigure(ctx, o));

        for (Outcome o : runs) {
            String n = o.init().name();
            r.measurement("initial cost, " + n, fmt(o.initialCost()));
            r.measurement("final cost, " + n, fmt(o.finalCost()));
            r.measurement("steps on which the cost rose, " + n, pct(o.costRiseShare()));
            r.measurement("first-layer gradient norm at the start, " + n, fmt(o.start().get(0).gradientNorm()));
            r.measurement("distinct hidden units at the end, " + n, distinct(o));
            r.measurement("train accuracy, " + n, pct(o.trainAccuracy()));
            r.measurement("test accuracy, " + n, pct(o.testAccuracy()));
            r.measurement("stop, " + n, o.stopReason() == StopReason.DIVERGED ? o.history().stopMessage()
                    : o.stopReason().name());
        }
        for (Outcome o : runs) {
            r.summary(String.format(Locale.ROOT, "%-11s cost %s -> %s (rose on %s of steps), first-layer gradient %s, "
                            + "distinct units %s, test accuracy %s%s", o.init(), fmt(o.initialCost()), fmt(o.finalCost()),
                    pct(o.costRiseShare()), fmt(o.start().get(0).gradientNorm()), distinct(o), pct(o.testAccuracy()),
                    o.stopReason() == StopReason.COMPLETED ? "" : " [" + o.stopReason() + "]"));
        }
        return r.build();
    }

    private Figure costFigure(RunContext ctx, List<Outcome> runs) {
        LinePlot p = Plots.line("Cost per step from each initialisation", "step (batch gradient descent)",
                "cost (binary cross-entropy)").logY();
        for (Outcome o : runs) p.series(o.init().name(), o.history().stepLosses());
        return ctx.figure(p, "cost.png",
                "Zero weights never break the symmetry and too small ones barely move the cost; too large ones start "
                        + "with a huge cost that oscillates down; He-scaled weights descend smoothly.",
                runs.stream().map(o -> String.format(Locale.ROOT, "%s %s \u2192 %s (rose on %s of steps)", o.init(),
                        fmt(o.initialCost()), fmt(o.finalCost()), pct(o.costRiseShare()))).collect(Collectors.joining("; ")));
    }

    private Figure gradientFigure(RunContext ctx, List<Outcome> runs) {
        boolean anyPositive = false;
        for (Outcome o : runs) for (double g : o.firstLayerGradNorm()) anyPositive |= g > 0;
        LinePlot p = Plots.line("Gradient norm of the first layer's weights", "step", "\u2016\u2202cost/\u2202W1\u2016");
        if (anyPositive) p.logY();
        for (Outcome o : runs) {
            boolean allZero = true;
            for (double g : o.firstLayerGradNorm()) allZero &= g == 0;
            p.series(o.init().name() + (allZero && anyPositive ? " (always 0)" : ""), o.firstLayerGradNorm());
        }
        return ctx.figure(p, "gradient-norm.png",
                "Too small weights make the gradients of the first layer vanish, too large ones make them explode.",
                runs.stream().map(o -> String.format(Locale.ROOT, "%s %s at the start", o.init(),
                        fmt(o.start().get(0).gradientNorm()))).collect(Collectors.joining("; ")));
    }

    private Figure boundaryFigure(RunContext ctx, List<Outcome> runs, double[][] xy, int[] labels) {
        List<DecisionBoundaryPlot> panels = new ArrayList<>();
        for (Outcome o : runs) {
            panels.add(Plots.decisionBoundary(String.format(Locale.ROOT, "%s: test accuracy %s", o.init(),
                            pct(o.testAccuracy())), "x1", "x2")
                    .data(xy, labels).classNames("outer", "inner").classifier(o.classifier()).probabilities()
                    .size(640, 480));
        }
        return PlotGrid.save(ctx, "boundaries.png", "Decision boundaries over the training data", 2, panels,
                "Only a network whose hidden units differ can draw the circle; with zero or too small weights it "
                        + "predicts one class everywhere.",
                runs.stream().map(o -> String.format(Locale.ROOT, "%s train %s / test %s", o.init(),
                        pct(o.trainAccuracy()), pct(o.testAccuracy()))).collect(Collectors.joining("; ")));
    }

    private Figure histogramFigure(RunContext ctx, Outcome o) {
        List<HistogramPlot> panels = new ArrayList<>();
        StringBuilder measured = new StringBuilder();
        for (int l = 0; l < o.start().size(); l++) {
            LayerState s = o.start().get(l), e = o.end().get(l);
            panels.add(Plots.histogram(String.format(Locale.ROOT, "%s, layer %d: weights", o.init(), l + 1), "weight")
                    .add("start", s.weights()).add("end", e.weights()).size(560, 360));
            panels.add(Plots.histogram(String.format(Locale.ROOT, "%s, layer %d: gradients", o.init(), l + 1),
                            "\u2202cost/\u2202w").add("start", s.gradients()).add("end", e.gradients()).size(560, 360));
            measured.append(l == 0 ? "" : "; ").append(String.format(Locale.ROOT, "layer %d gradient norm %s \u2192 %s",
                    l + 1, fmt(s.gradientNorm()), fmt(e.gradientNorm())));
        }
        String point = switch (o.init()) {
            case ZERO -> "Zero weights stay zero: every unit of a layer computes the same thing (symmetry).";
            case TOO_SMALL -> "Too small weights: the gradients shrink layer by layer towards the input (vanishing).";
            case APPROPRIATE -> "Appropriate weights keep activations and gradients at a useful scale in every layer.";
            case TOO_LARGE -> "Too large weights: huge activations and gradients, large updates (exploding).";
        };
        return PlotGrid.save(ctx, "histograms-" + o.init().name().toLowerCase(Locale.ROOT).replace('_', '-') + ".png",
                o.init() + ": weights and gradients per layer, at the start and the end", 2, panels, point,
                measured.toString());
    }

    /** "distinct/units" per hidden layer, e.g. "1/10, 1/5". */
    private String distinct(Outcome o) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < o.distinctUnits().length; k++) {
            sb.append(k == 0 ? "" : ", ").append(o.distinctUnits()[k]).append('/').append(config.hidden().get(k));
        }
        return sb.toString();
    }

    static double[][] points(double[] flat) {
        double[][] xy = new double[flat.length / 2][];
        for (int i = 0; i < xy.length; i++) xy[i] = new double[] {flat[2 * i], flat[2 * i + 1]};
        return xy;
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, Math.abs(v) >= 1e4 || (v != 0 && Math.abs(v) < 1e-3)
                ? "%.2e" : "%.3g", v);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
