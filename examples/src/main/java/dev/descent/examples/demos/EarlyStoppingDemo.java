package dev.descent.examples.demos;

import dev.descent.core.Rng;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.optim.train.EarlyStopping;

import java.util.Locale;
import java.util.Map;

import static dev.descent.examples.demos.InitDemo.fmt;
import static dev.descent.examples.demos.InitDemo.pct;

/**
 * The lecture's "Real world…": gradient descent may never reach the exact minimum, so networks "are generally
 * designed to run for a specific number of iterations (epochs) but stopped when the loss values stop to improve".
 * The same network, from the same initial weights and batch order, is trained on a small noisy training set
 * (which it overfits) once for a fixed large number of epochs and once with the library's {@link EarlyStopping} on
 * the validation loss (patience, restore-best); both are then scored on a separate held-out test set.
 *
 * <pre>{@code
 * EarlyStoppingDemo.Outcome o = new EarlyStoppingDemo(EarlyStoppingDemo.Config.defaults()).train(ctx);
 * o.stopped().epochsRun();  o.bestEpoch();  o.stoppedTest().get("loss");
 * }</pre>
 */
public final class EarlyStoppingDemo implements Demo {
    /**
     * @param trainSize      training samples (few, so the network overfits)
     * @param validationSize samples the stopping rule watches
     * @param testSize       held-out samples both runs are scored on
     * @param noise          the moons' noise
     * @param net            the network
     * @param training       optimiser, learning rate, batch size and the fixed run's epochs
     * @param patience       epochs without improvement of the validation loss before stopping
     */
    public record Config(int trainSize, int validationSize, int testSize, double noise, Fits.Net net,
                         Fits.Training training, int patience) {
        public Config {
            if (trainSize < 4 || validationSize < 4 || testSize < 4 || !(noise >= 0) || patience < 0) {
                throw new IllegalArgumentException("EarlyStoppingDemo: bad settings " + trainSize + ", " + validationSize
                        + ", " + testSize + ", noise " + noise + ", patience " + patience);
            }
        }

        public static Config defaults() {
            return new Config(40, 200, 500, 0.35, Fits.Net.of(2, 64, "relu"), new Fits.Training("adam", 0.01, 8, 300, null), 20);
        }
    }

    /**
     * Both runs, their loss and accuracy on the test set, the epoch whose weights early stopping restored, and the
     * restored weights' loss and accuracy on the validation set (evaluated after training).
     */
    public record Outcome(Fits.Fit fixed, Fits.Fit stopped, Map<String, Double> fixedTest, Map<String, Double> stoppedTest,
                          int bestEpoch, Map<String, Double> restoredValidation) {
    }

    private final Config config;

    public EarlyStoppingDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "early-stopping";
    }

    @Override
    public String title() {
        return "Stopping when the loss stops improving";
    }

    public Outcome train(RunContext ctx) {
        Rng rng = ctx.rng();
        Dataset train = moons(ctx, rng, config.trainSize()), validation = moons(ctx, rng, config.validationSize()),
                test = moons(ctx, rng, config.testSize());
        long seed = rng.split().nextLong();
        Fits.Training t = config.training();
        Fits.Fit fixed = Fits.train(config.net(), train, validation, t, new Rng(seed));
        EarlyStopping rule = EarlyStopping.monitor("val_loss").patience(config.patience()).restoreBestWeights();
        Fits.Fit stopped = Fits.train(config.net(), train, validation, t.withStopping(rule), new Rng(seed));
        DataLoader testLoader = DataLoader.over(test).batchSize(1024).build();
        double[] val = stopped.history().metric("val_loss");
        int best = 0;
        for (int i = 1; i < val.length; i++) if (val[i] < val[best]) best = i;
        return new Outcome(fixed, stopped, fixed.trainer().evaluate(testLoader), stopped.trainer().evaluate(testLoader),
                best + 1, stopped.trainer().evaluate(DataLoader.over(validation).batchSize(1024).build()));
    }

    private Dataset moons(RunContext ctx, Rng rng, int n) {
        return Datasets.moons(rng, n, config.noise()).to(ctx.backend()).to(ctx.dtype());
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, train(ctx));
    }

    public DemoResult report(RunContext ctx, Outcome o) {
        Fits.Training t = config.training();
        int fixedEpochs = o.fixed().epochsRun(), stopEpochs = o.stopped().epochsRun();
        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "Gradient descent may never reach the exact minimum, so the lecture runs networks for a set number of "
                        + "epochs but stops them when the loss stops improving. A %s network is trained on only %d noisy "
                        + "moons points (noise %s), which it overfits, with %s at lr %s in mini-batches of %d: once for "
                        + "%d epochs, once with EarlyStopping.monitor(\"val_loss\").patience(%d).restoreBestWeights() on "
                        + "%d validation points. Both start from the same weights and batch order, so they agree until "
                        + "the stop; both are scored on %d further held-out points.", config.net().describe(),
                config.trainSize(), fmt(config.noise()), t.optimizer(), fmt(t.lr()), t.batchSize(), t.epochs(),
                config.patience(), config.validationSize(), config.testSize()));
        r.measurement("fixed run: epochs", fixedEpochs);
        r.measurement("early stopping: stopped after epoch", stopEpochs);
        r.measurement("early stopping: best (restored) epoch", o.bestEpoch());
        r.measurement("validation loss: fixed run's final / restored best", fmt(o.fixed().last("val_loss")) + " / "
                + fmt(o.stopped().history().metric("val_loss")[o.bestEpoch() - 1]));
        r.measurement("training loss: fixed run's final / at the restored epoch", fmt(o.fixed().last("loss")) + " / "
                + fmt(o.stopped().history().metric("loss")[o.bestEpoch() - 1]));
        r.measurement("held-out test loss: fixed / early stopping", fmt(o.fixedTest().get("loss")) + " / "
                + fmt(o.stoppedTest().get("loss")));
        r.measurement("held-out test accuracy: fixed / early stopping", pct(o.fixedTest().get("accuracy")) + " / "
                + pct(o.stoppedTest().get("accuracy")));
        r.measurement("stop message", o.stopped().history().stopMessage());
        r.summary(String.format(Locale.ROOT, "fixed: %d epochs, test loss %s, accuracy %s", fixedEpochs,
                fmt(o.fixedTest().get("loss")), pct(o.fixedTest().get("accuracy"))));
        r.summary(String.format(Locale.ROOT, "early stopping: stopped at epoch %d, restored epoch %d, test loss %s, accuracy %s",
                stopEpochs, o.bestEpoch(), fmt(o.stoppedTest().get("loss")), pct(o.stoppedTest().get("accuracy"))));
        r.figure(lossFigure(ctx, o));
        r.figure(accuracyFigure(ctx, o));
        return r.build();
    }

    private Figure lossFigure(RunContext ctx, Outcome o) {
        double[] val = o.fixed().history().metric("val_loss");
        int stop = o.stopped().epochsRun(), best = o.bestEpoch();
        LinePlot p = Plots.line("Training and validation loss", "epoch", "cross-entropy").logY()
                .series("training (fixed run)", o.fixed().history().metric("loss"))
                .series("validation (fixed run)", val)
                .points("early stopping: stop epoch " + stop, new double[] {stop}, new double[] {val[stop - 1]})
                .points("restored best epoch " + best, new double[] {best}, new double[] {val[best - 1]});
        return ctx.figure(p, "loss.png", "Run for a set number of epochs, the training loss keeps falling while the "
                        + "validation loss turns up again (overfitting); early stopping ends the run once the validation "
                        + "loss has stopped improving and restores the best epoch's weights.",
                String.format(Locale.ROOT, "validation loss best %s at epoch %d, %s after %d epochs; early stopping "
                                + "stopped at epoch %d (patience %d)", fmt(val[best - 1]), best,
                        fmt(val[val.length - 1]), val.length, stop, config.patience()));
    }

    private Figure accuracyFigure(RunContext ctx, Outcome o) {
        int stop = o.stopped().epochsRun();
        double[] val = o.fixed().history().metric("val_accuracy");
        LinePlot p = Plots.line("Training and validation accuracy", "epoch", "accuracy")
                .series("training (fixed run)", o.fixed().history().metric("accuracy"))
                .series("validation (fixed run)", val)
                .points("early stopping: stop epoch " + stop, new double[] {stop}, new double[] {val[stop - 1]});
        return ctx.figure(p, "accuracy.png", "Early stopping keeps the weights that did best on data the network "
                        + "was not trained on (by validation loss; accuracy, which only counts the arg-max, may differ a "
                        + "little either way).",
                String.format(Locale.ROOT, "test accuracy %s after %d epochs, %s with early stopping (%d epochs, "
                                + "weights of epoch %d)", pct(o.fixedTest().get("accuracy")), o.fixed().epochsRun(),
                        pct(o.stoppedTest().get("accuracy")), stop, o.bestEpoch()));
    }
}
