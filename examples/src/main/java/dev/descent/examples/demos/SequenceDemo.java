package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.schedule.Schedules;
import dev.descent.optim.train.ConsoleProgress;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Sequence models on a generated task ({@link DigitReversal}: answer a sequence of digits reversed): an LSTM, a GRU
 * and a 2-layer transformer encoder, each an {@link Embedding} of the tokens, the sequence layer and a linear read-out
 * at the query positions, trained the same way (Adam, cross-entropy over every answered digit). The claim: each
 * answers at least {@value #CLAIM_PERCENT}% of the held-out sequences exactly (every digit right). The report
 * compares their learning curves and their time per epoch.
 *
 * <pre>{@code
 * DemoResult r = new SequenceDemo(SequenceDemo.Config.defaults()).run(ctx);
 * r.measurements().get("held-out exact-sequence accuracy, lstm");
 * }</pre>
 */
public final class SequenceDemo implements Demo {
    /** The claim: held-out exact-sequence accuracy of at least this many percent, for every model. */
    public static final int CLAIM_PERCENT = 99;

    /** The models, in chart order. */
    public static final List<String> MODELS = List.of("lstm", "gru", "transformer");

    /**
     * The demo's settings.
     *
     * @param length      digits per sequence
     * @param trainSize   training sequences
     * @param testSize    held-out sequences (none of them in training)
     * @param epochs      epochs of training
     * @param batchSize   mini-batch size
     * @param lr          Adam's learning rate
     * @param embedding   the recurrent models' embedding size
     * @param hidden      the recurrent models' hidden size
     * @param modelDim    the transformer's model size (its embedding size)
     * @param heads       the transformer's attention heads
     * @param feedForward the transformer's feed-forward size
     * @param models      which of {@link #MODELS} to train
     */
    public record Config(int length, int trainSize, int testSize, int epochs, int batchSize, double lr, int embedding,
                         int hidden, int modelDim, int heads, int feedForward, List<String> models) {
        public Config {
            models = List.copyOf(models);
            for (String m : models) {
                if (!MODELS.contains(m)) {
                    throw new IllegalArgumentException("SequenceDemo: unknown model '" + m + "' (expected one of "
                            + String.join(", ", MODELS) + ")");
                }
            }
        }

        public static Config defaults() {
            return new Config(6, 10_000, 1_000, 10, 128, 1e-2, 16, 128, 32, 4, 64, MODELS);
        }

        public Config withModels(List<String> which) {
            return new Config(length, trainSize, testSize, epochs, batchSize, lr, embedding, hidden, modelDim, heads,
                    feedForward, which);
        }
    }

    /** One model's run: its history, its held-out exact-sequence accuracy, its size and the training time. */
    public record Run(String model, History history, double testAccuracy, long parameters, double seconds) {
        /** The held-out accuracy after each epoch. */
        public double[] curve() {
            return history.metric("val_sequence_accuracy");
        }

        /** Seconds per epoch, each epoch's own. */
        public double[] epochSeconds() {
            return history.epochs().stream().mapToDouble(e -> e.nanos() / 1e9).toArray();
        }

        /** The first epoch (1-based) whose held-out accuracy reached the claim, or -1. */
        public int epochsToClaim() {
            double[] c = curve();
            for (int i = 0; i < c.length; i++) if (c[i] * 100 >= CLAIM_PERCENT) return i + 1;
            return -1;
        }
    }

    private final Config config;

    public SequenceDemo(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "sequence";
    }

    @Override
    public String title() {
        return "Sequence models: LSTM, GRU and a transformer encoder reverse digit sequences";
    }

    /** Trains every model of the config on the same data; the runs in the config's order. */
    public List<Run> runs(RunContext ctx) {
        Rng rng = ctx.rng();
        DigitReversal.Data data = DigitReversal.generate(rng.split(), config.length(), config.trainSize(),
                config.testSize(), ctx.backend());
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        List<Run> runs = new ArrayList<>();
        for (String kind : config.models()) {
            Module model = SequenceModels.reverser(kind, f, config, rng.split());
            int steps = config.epochs() * ((config.trainSize() + config.batchSize() - 1) / config.batchSize());
            Trainer.Builder tb = Trainer.builder(model, Losses.crossEntropy(),
                            new Adam(model.parameters(), Adam.options().withLr(config.lr())))
                    .trainData(DataLoader.over(data.train()).mode(BatchMode.miniBatch(config.batchSize()))
                            .shuffle(rng.split()).build())
                    .validationData(DataLoader.over(data.test()).batchSize(500).build())
                    .schedule(Schedules.cosine(config.lr(), steps, 0), Trainer.ScheduleUnit.STEP)
                    .metrics(DigitReversal.exactSequenceAccuracy())
                    .epochs(config.epochs());
            if (ctx.verbose()) tb.listener(new ConsoleProgress(ctx.out(), false));
            long t0 = System.nanoTime();
            History h = tb.build().fit();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] curve = h.metric("val_sequence_accuracy");
            runs.add(new Run(kind, h, curve[curve.length - 1], model.parameterCount(), seconds));
        }
        return runs;
    }

    @Override
    public DemoResult run(RunContext ctx) {
        List<Run> runs = runs(ctx);
        DemoResult.Builder out = DemoResult.builder(title()).lead("A generated task: read " + config.length()
                + " random digits, then " + config.length() + " query tokens, and answer the digits in reverse order "
                + "at the query positions (\"3 1 4 1 5 9 = = = = = =\" \u2192 \"9 5 1 4 1 3\"). Each model embeds the "
                + DigitReversal.VOCABULARY + " tokens, runs its sequence layer and reads each answer out with a "
                + "linear layer: an LSTM and a GRU (embedding " + config.embedding() + ", hidden " + config.hidden()
                + ") and a 2-layer transformer encoder (model size " + config.modelDim() + ", " + config.heads()
                + " heads, feed-forward " + config.feedForward() + ", learned positions). All are trained alike: Adam "
                + "(learning rate " + config.lr() + ", cosine-annealed to 0), cross-entropy over the answered digits, " + config.trainSize()
                + " training sequences in batches of " + config.batchSize() + ", " + config.epochs() + " epochs; "
                + config.testSize() + " held-out sequences (none seen in training) measure the exact-sequence "
                + "accuracy after every epoch. Claim: each model answers at least " + CLAIM_PERCENT
                + "% of them exactly.");
        LinePlot accuracy = Plots.line("Held-out exact-sequence accuracy per epoch", "epoch", "accuracy")
                .yRange(0, 1.02).markers();
        LinePlot byTime = Plots.line("Held-out exact-sequence accuracy against training time", "seconds", "accuracy")
                .yRange(0, 1.02).markers();
        LinePlot loss = Plots.line("Training loss per step (running mean over 50 steps)", "step", "cross-entropy")
                .logY().runningMean(50);
        StringBuilder measured = new StringBuilder(), timing = new StringBuilder();
        boolean all = true;
        for (Run r : runs) {
            accuracy.series(r.model(), r.curve());
            byTime.series(r.model(), cumulative(r.epochSeconds()), r.curve());
            loss.series(r.model(), r.history().stepLosses());
            double perEpoch = r.seconds() / r.curve().length;
            boolean met = r.testAccuracy() * 100 >= CLAIM_PERCENT;
            all &= met;
            out.measurement("held-out exact-sequence accuracy, " + r.model(), Classifier.percent(r.testAccuracy()));
            out.measurement("epochs to " + CLAIM_PERCENT + "%, " + r.model(), r.epochsToClaim() < 0 ? "not reached"
                    : String.valueOf(r.epochsToClaim()));
            out.measurement("time per epoch, " + r.model(), String.format(Locale.ROOT, "%.2f s", perEpoch));
            out.measurement("parameters, " + r.model(), r.parameters());
            String text = String.format(Locale.ROOT, "%s %s (%s epochs to %d%%, %.2f s per epoch, %d parameters)",
                    r.model(), Classifier.percent(r.testAccuracy()), r.epochsToClaim() < 0 ? "never" : r.epochsToClaim(),
                    CLAIM_PERCENT, perEpoch, r.parameters());
            out.summary(text);
            measured.append(measured.length() == 0 ? "" : "; ").append(r.model()).append(' ')
                    .append(Classifier.percent(r.testAccuracy()));
            timing.append(timing.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.2f s per epoch",
                    r.model(), perEpoch));
        }
        out.measurement("claim: every model \u2265 " + CLAIM_PERCENT + "% exact on held-out sequences",
                all ? "met" : "NOT met");
        out.summary("claim (\u2265 " + CLAIM_PERCENT + "% exact on held-out sequences, every model): "
                + (all ? "met" : "NOT met"));
        String point = "An LSTM and a GRU carry the digits in their state until the queries come; the transformer's "
                + "attention looks each answer up at its mirrored position. All three learn the task";
        out.figure(ctx.figure(accuracy, "accuracy.png", point, "held-out exact-sequence accuracy after "
                + config.epochs() + " epochs: " + measured));
        out.figure(ctx.figure(byTime, "accuracy-time.png", "The same curves against the wall-clock time of training: "
                + "the cost of a step differs between the models", timing.toString()));
        out.figure(ctx.figure(loss, "loss.png", "The training loss of each model, step by step", measured.toString()));
        return out.build();
    }

    static double[] cumulative(double[] v) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) out[i] = sum += v[i];
        return out;
    }
}
