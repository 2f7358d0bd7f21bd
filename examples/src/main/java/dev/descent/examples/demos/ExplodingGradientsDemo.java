package dev.descent.examples.demos;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.losses.Losses;
import dev.descent.nn.recurrent.RNN;
import dev.descent.nn.recurrent.RecurrentOptions;
import dev.descent.optim.Optimizer;
import dev.descent.optim.SGD;
import dev.descent.optim.clip.Clipping;
import dev.descent.optim.train.History;
import dev.descent.optim.train.StopReason;
import dev.descent.optim.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The lecture's exploding gradients on a real recurrent network: a vanilla RNN ({@code h_t = tanh(x_t W_ih + b_ih +
 * h_{t-1} W_hh + b_hh)}) reads a long sequence of numbers and a linear layer predicts, from its last state, the
 * scaled sum of the last inputs. Its recurrent weights are drawn with a large gain ({@code W_hh ~ N(0, gain^2 / H)}),
 * the regime where backpropagation through time multiplies the gradient by more than one at every step, so the
 * gradient explodes with the sequence's length. The same network is trained by full-batch gradient descent without
 * clipping and with the gradients' 2-norm clipped ({@link Clipping#norm}, the {@code clipping} demo's plumbing).
 * The claim: without clipping the training diverges or stalls; with clipping it learns.
 *
 * <pre>{@code
 * DemoResult r = new ExplodingGradientsDemo(ExplodingGradientsDemo.Config.defaults()).run(ctx);
 * }</pre>
 */
public final class ExplodingGradientsDemo implements Demo {
    /**
     * Clipped, the loss averaged over the last tenth of the steps must be below this share of the targets' variance
     * (the loss of always predicting their mean).
     */
    public static final double LEARNED_SHARE = 0.75;

    /**
     * The demo's settings.
     *
     * @param length  time steps per sequence
     * @param hidden  the RNN's hidden size
     * @param gain    the recurrent weights' standard deviation times sqrt(hidden)
     * @param lr      the learning rate of gradient descent
     * @param steps   full-batch steps
     * @param samples training sequences
     * @param window  the target is the sum of the last {@code window} inputs over sqrt(window)
     * @param maxNorm the clip-by-norm threshold
     */
    public record Config(int length, int hidden, double gain, double lr, int steps, int samples, int window,
                         double maxNorm) {
        public Config {
            if (window < 1 || window > length) {
                throw new IllegalArgumentException("ExplodingGradientsDemo: window must be in 1.." + length + ", got "
                        + window);
            }
        }

        public static Config defaults() {
            return new Config(100, 32, 2.0, 0.1, 300, 256, 5, 1.0);
        }
    }

    private final Config config;

    public ExplodingGradientsDemo(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "exploding-gradients";
    }

    @Override
    public String title() {
        return "Exploding gradients in a recurrent network, with and without clipping";
    }

    /** The variants, in chart order. */
    List<String> variants() {
        return List.of("no clipping", "clip norm " + ClippingDemo.fmt(config.maxNorm()));
    }

    /** The training sequences {@code (n, length, 1)}, uniform in [-1, 1], and their targets {@code (n, 1)}. */
    Dataset data(RunContext ctx) {
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        Tensor x = f.uniform(ctx.rng(), -1, 1, config.samples(), config.length(), 1);
        Tensor y = x.slice(1, config.length() - config.window(), config.length()).sum(1)
                .mul(1 / Math.sqrt(config.window()));
        return new Dataset(x, y, List.of());
    }

    /** The variance of the targets: the loss of always predicting their mean, which a learning network beats. */
    static double baseline(Dataset d) {
        Tensor y = d.labels();
        return y.sub(y.mean()).square().mean().item();
    }

    /** The RNN with its large recurrent weights and the read-out of its last state. */
    Module network(TensorFactory f, long seed) {
        Rng rng = new Rng(seed);
        RNN rnn = new RNN(f, RecurrentOptions.of(1, config.hidden()).withBatchFirst(true), RNN.Nonlinearity.TANH, rng);
        Tensor whh = rnn.namedParameters().get("weight_hh_l0").value();
        try (NoGrad scope = NoGrad.enter()) {
            InPlace.copy(f.normal(rng, 0, config.gain() / Math.sqrt(config.hidden()), whh.shape().dims()), whh);
        }
        return new LastState(rnn, new Linear(f, config.hidden(), 1, true, null, null, rng));
    }

    /** The runs without clipping and with norm clipping, from the same initial weights and data. */
    public List<History> runs(RunContext ctx) {
        Dataset data = data(ctx);
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        List<History> runs = new ArrayList<>();
        for (int v = 0; v < 2; v++) {
            Module net = network(f, ctx.seed() + 1);
            Optimizer<?> sgd = new SGD(net.parameters(), SGD.options(config.lr()));
            if (v == 1) sgd.clipping(Clipping.norm(config.maxNorm()));
            runs.add(Trainer.builder(net, Losses.mse(), sgd)
                    .trainData(DataLoader.over(data).mode(BatchMode.batch()).build())
                    .epochs(config.steps()).build().fit());
        }
        return runs;
    }

    /**
     * Why the runs (no clipping, clipped) miss the claim, or null when they show it. A run learns when it completes
     * and its loss averaged over its last tenth of steps (one step's loss jumps about) is below
     * {@value #LEARNED_SHARE} of the baseline, the targets' variance. The unclipped run must not learn: it diverges
     * (stops at a NaN or infinity) or stalls above that level; the clipped run must learn.
     */
    public static String claimFails(List<History> runs, double baseline) {
        History none = runs.get(0), clipped = runs.get(1);
        double unclipped = tailMean(none.stepLosses());
        boolean unclippedFails = none.stopReason() == StopReason.DIVERGED || !(unclipped < LEARNED_SHARE * baseline);
        if (!unclippedFails) return "without clipping it learned: " + unclipped + " (baseline " + baseline + ")";
        if (clipped.stopReason() != StopReason.COMPLETED) return "clipped " + clipped.stopReason();
        double end = tailMean(clipped.stepLosses());
        if (!(end < LEARNED_SHARE * baseline)) return "clipped it ended at " + end + " (baseline " + baseline + ")";
        return null;
    }

    /** The mean of the last tenth (at least one) of {@code losses}. */
    static double tailMean(double[] losses) {
        int n = Math.max(1, losses.length / 10);
        double sum = 0;
        for (int i = losses.length - n; i < losses.length; i++) sum += losses[i];
        return sum / n;
    }

    @Override
    public DemoResult run(RunContext ctx) {
        List<History> runs = runs(ctx);
        double baseline = baseline(data(ctx));
        List<String> names = variants();
        String title = "Vanilla RNN over " + config.length() + " steps";
        LinePlot loss = Plots.line(title + ": training loss per step", "step", "MSE").logY();
        LinePlot norms = Plots.line(title + ": gradient norm per step (before clipping)", "step", "gradient 2-norm")
                .logY();
        DemoResult.Builder out = DemoResult.builder(title()).lead("A vanilla (tanh) RNN with " + config.hidden()
                + " hidden units reads " + config.length() + " numbers drawn from U(-1, 1) and predicts, from its last "
                + "state, the sum of the last " + config.window() + " over \u221a" + config.window() + ". Its "
                + "recurrent weights are drawn with gain " + ClippingDemo.fmt(config.gain()) + " (W_hh ~ N(0, "
                + ClippingDemo.fmt(config.gain()) + "\u00b2 / " + config.hidden() + ")), so backpropagation through "
                + "time multiplies the gradient by more than one at every step and it explodes over the sequence. "
                + "Full-batch gradient descent (learning rate " + ClippingDemo.fmt(config.lr()) + ", " + config.samples()
                + " sequences, " + config.steps() + " steps), without clipping and with the gradient's 2-norm clipped "
                + "to " + ClippingDemo.fmt(config.maxNorm()) + ". Claim: with clipping it learns (its loss over the last "
                + "tenth of the steps falls below " + LEARNED_SHARE + " of " + ClippingDemo.fmt(baseline) + ", the "
                + "targets' variance, which predicting their mean would give); without clipping it diverges or stalls "
                + "short of that.");
        StringBuilder measured = new StringBuilder();
        for (int v = 0; v < 2; v++) {
            History h = runs.get(v);
            double[] l = h.stepLosses();
            double[] g = h.steps().stream().mapToDouble(History.Step::gradNorm).toArray();
            loss.series(names.get(v), l);
            norms.series(names.get(v), g);
            String text = String.format(Locale.ROOT, "first loss %s, final loss %s, mean of the last tenth %s, largest "
                            + "gradient norm %s, %d steps, %s", ClippingDemo.fmt(l[0]), ClippingDemo.fmt(l[l.length - 1]),
                    ClippingDemo.fmt(tailMean(l)), ClippingDemo.fmt(ClippingDemo.max(g)),
                    l.length, h.stopReason() == StopReason.DIVERGED ? "diverged: " + h.stopMessage() : "completed");
            out.measurement(names.get(v), text);
            out.summary(names.get(v) + ": " + text);
            measured.append(names.get(v)).append(": ").append(text).append(". ");
        }
        String why = claimFails(runs, baseline);
        out.measurement("targets' variance (the loss of predicting their mean)", ClippingDemo.fmt(baseline));
        out.measurement("claim: without clipping it diverges or stalls, with clipping it learns",
                why == null ? "met" : "NOT met (" + why + ")");
        out.summary("claim (diverges or stalls without clipping, learns with it): " + (why == null ? "met" : "NOT met: " + why));
        String point = "Over a long sequence the gradient of a recurrent network explodes: an unclipped step is "
                + "huge and throws the weights into saturation or overflow; clipping its norm keeps each step small "
                + "enough for the loss to go down";
        out.figure(ctx.figure(loss, "loss.png", point, measured.toString().strip()));
        double[] clippedLoss = runs.get(1).stepLosses(), level = new double[clippedLoss.length];
        java.util.Arrays.fill(level, baseline);
        LinePlot clipped = Plots.line(title + ", clipped: training loss per step", "step", "MSE")
                .series(names.get(1), clippedLoss).series("targets' variance", level);
        out.figure(ctx.figure(clipped, "loss-clipped.png", "With clipping the loss goes down, below what predicting "
                + "the targets' mean would give", names.get(1) + ": " + ClippingDemo.fmt(clippedLoss[0]) + " → "
                + ClippingDemo.fmt(clippedLoss[clippedLoss.length - 1]) + " (targets' variance "
                + ClippingDemo.fmt(baseline) + ")"));
        out.figure(ctx.figure(norms, "grad-norm.png", "The gradient norm before clipping, step by step: clipping bounds "
                + "the step, not the gradient that is measured", measured.toString().strip()));
        return out.build();
    }

    /** The RNN's state after the last step, read out by a linear layer: {@code (n, length, 1)} to {@code (n, 1)}. */
    static final class LastState extends Module {
        private final RNN rnn;
        private final Linear head;

        LastState(RNN rnn, Linear head) {
            this.rnn = register("rnn", rnn);
            this.head = register("head", head);
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = rnn.apply(x);
            int t = h.shape().dim(1);
            return head.apply(h.slice(1, t - 1, t).reshape(h.shape().dim(0), h.shape().dim(2)));
        }
    }
}
