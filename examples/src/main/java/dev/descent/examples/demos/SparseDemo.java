package dev.descent.examples.demos;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Split;
import dev.descent.nn.layers.Linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.descent.examples.demos.InitDemo.fmt;
import static dev.descent.examples.demos.InitDemo.pct;

/**
 * The lecture's "Optimizer choices": "for large and sparse data like text data, Adagrad or Adadelta can be used".
 * Logistic regression (one {@link Linear} layer and cross-entropy) on generated bag-of-words documents: word counts
 * over a vocabulary whose word frequencies follow Zipf's law, where the common words say nothing about the class and
 * only the rare words carry it. Each optimiser of the lecture, built by the registry
 * ({@link dev.descent.optim.Optimizers#byName}), is tuned over a small grid of learning rates on a validation split
 * and scored on a held-out test split; Adagrad's effective per-feature learning rate is plotted against how often
 * each feature occurs.
 *
 * <pre>{@code
 * SparseDemo.Outcome o = new SparseDemo(SparseDemo.Config.defaults()).compare(ctx);
 * o.best("adagrad").testAccuracy();
 * }</pre>
 */
public final class SparseDemo implements Demo {
    /**
     * One optimiser of the comparison.
     *
     * @param label    its name in the report
     * @param registry the registry name
     * @param hyper    further hyperparameters (besides lr)
     * @param rates    the learning rates tried
     */
    public record Choice(String label, String registry, Map<String, Object> hyper, List<Double> rates) {
        public Choice {
            hyper = Map.copyOf(hyper);
            rates = List.copyOf(rates);
            if (rates.isEmpty()) throw new IllegalArgumentException("SparseDemo: no learning rates for " + label);
        }
    }

    /** The lecture's optimisers with their grids (four rates a factor ~3 apart around each one's usual scale). */
    public static final List<Choice> CHOICES = List.of(
            new Choice("sgd", "sgd", Map.of(), List.of(0.1, 0.3, 1.0, 3.0)),
            new Choice("momentum", "sgd", Map.of("momentum", 0.9), List.of(0.03, 0.1, 0.3, 1.0)),
            new Choice("rmsprop", "rmsprop", Map.of(), List.of(0.003, 0.01, 0.03, 0.1)),
            new Choice("adagrad", "adagrad", Map.of(), List.of(0.1, 0.3, 1.0, 3.0)),
            new Choice("adadelta", "adadelta", Map.of(), List.of(1.0, 3.0, 10.0, 30.0)),
            new Choice("adam", "adam", Map.of(), List.of(0.003, 0.01, 0.03, 0.1)));

    /**
     * @param documents    documents generated (split 50% training, 20% validation, 30% test)
     * @param vocabulary   number of distinct words (features)
     * @param zipf         the exponent s of the word frequencies, p(rank r) ~ 1 / r^s
     * @param length       words per document
     * @param common       the most frequent words, which carry no signal
     * @param signal       the chance that a rare word is the document's class's member of its pair
     * @param batchSize    mini-batch size
     * @param epochs       epochs per run
     * @param choices      the optimisers and their learning-rate grids
     */
    public record Config(int documents, int vocabulary, double zipf, int length, int common, double signal,
                         int batchSize, int epochs, List<Choice> choices) {
        public Config {
            choices = List.copyOf(choices);
            if (documents < 20 || vocabulary < 4 || common < 0 || common >= vocabulary || length < 1 || !(zipf > 0)
                    || !(signal >= 0 && signal <= 1) || batchSize < 1 || epochs < 1 || choices.isEmpty()) {
                throw new IllegalArgumentException("SparseDemo: bad settings " + documents + " documents, vocabulary "
                        + vocabulary + ", zipf " + zipf + ", length " + length + ", common " + common + ", signal "
                        + signal + ", batch " + batchSize + ", epochs " + epochs);
            }
        }

        public static Config defaults() {
            return new Config(1000, 1000, 1.1, 20, 50, 0.8, 32, 10, CHOICES);
        }
    }

    /** One run: the optimiser, its learning rate, the run, and its final validation and test accuracy. */
    public record Trial(Choice choice, double lr, Fits.Fit fit, double validationAccuracy, double testAccuracy) {
    }

    /**
     * Every trial, the training documents' frequency of each feature (the share of documents that contain it), and
     * the share of word occurrences that are rare words.
     */
    public record Outcome(List<Trial> trials, double[] documentFrequency, double rareShare, int trainSize, int testSize,
                          double density) {
        /** The trial of {@code label} with the best validation accuracy (the first of equals). */
        public Trial best(String label) {
            Trial best = null;
            for (Trial t : trials) {
                if (t.choice().label().equals(label) && (best == null || t.validationAccuracy() > best.validationAccuracy())) best = t;
            }
            if (best == null) throw new IllegalArgumentException("SparseDemo: no optimiser '" + label + "'");
            return best;
        }

        public List<String> labels() {
            return trials.stream().map(t -> t.choice().label()).distinct().toList();
        }
    }

    private final Config config;

    public SparseDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "sparse";
    }

    @Override
    public String title() {
        return "Optimisers on sparse, text-like data";
    }

    /**
     * {@code n} bag-of-words documents, half of each class: every word is drawn from the Zipf distribution; a word
     * outside the {@code common} most frequent is one of a pair (ranks 2p and 2p + 1, one per class) and becomes,
     * with probability {@code signal}, the member of the document's class, else either member at random.
     * Features are word counts ({@code (n, vocabulary)}, mostly zeros), labels the class.
     */
    public static Dataset bagOfWords(TensorFactory f, Rng rng, int n, int vocabulary, double zipf, int length,
                                     int common, double signal) {
        double[] cdf = new double[vocabulary];
        double total = 0;
        for (int r = 0; r < vocabulary; r++) cdf[r] = total += Math.pow(r + 1, -zipf);
        for (int r = 0; r < vocabulary; r++) cdf[r] /= total;
        double[] x = new double[n * vocabulary];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int k = 0; k < length; k++) {
                int r = Arrays.binarySearch(cdf, rng.nextDouble());
                r = Math.min(vocabulary - 1, r < 0 ? -r - 1 : r);
                if (r >= common) {
                    int pair = r - ((r - common) % 2);
                    int member = rng.nextDouble() < signal ? y[i] : rng.nextInt(2);
                    r = Math.min(vocabulary - 1, pair + member);
                }
                x[i * vocabulary + r] += 1;
            }
        }
        return new Dataset(f.of(x, n, vocabulary), Tensor.on(f.backend(), DType.INT32).of(y), List.of("0", "1"));
    }

    public Outcome compare(RunContext ctx) {
        Rng rng = ctx.rng();
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        Dataset data = bagOfWords(f, rng, config.documents(), config.vocabulary(), config.zipf(), config.length(),
                config.common(), config.signal());
        Split split = Split.stratified(data, 0.2, 0.3, rng);
        double[] counts = split.train().features().to(DType.FLOAT64).toDoubleArray();
        int v = config.vocabulary(), n = split.train().size();
        double[] df = new double[v];
        double rare = 0, all = 0, nonZero = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < v; j++) {
                double c = counts[i * v + j];
                if (c > 0) {
                    df[j] += 1.0 / n;
                    nonZero++;
                }
                all += c;
                if (j >= config.common()) rare += c;
            }
        }
        long seed = rng.split().nextLong();
        DataLoader test = DataLoader.over(split.test()).batchSize(1024).build();
        List<Trial> trials = new ArrayList<>();
        Fits.Net logistic = new Fits.Net(List.of(), "relu");
        for (Choice c : config.choices()) {
            for (double lr : c.rates()) {
                Fits.Training t = new Fits.Training(c.registry(), lr, c.hyper(), config.batchSize(), config.epochs(), null);
                Fits.Fit fit = Fits.train(logistic, split.train(), split.validation(), t, new Rng(seed));
                double val = fit.last("val_accuracy");
                double acc = fit.history().stopReason() == dev.descent.optim.train.StopReason.DIVERGED ? Double.NaN
                        : fit.trainer().evaluate(test).get("accuracy");
                trials.add(new Trial(c, lr, fit, Double.isNaN(val) ? 0 : val, acc));
            }
        }
        return new Outcome(trials, df, rare / all, n, split.test().size(), nonZero / ((double) n * v));
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, compare(ctx));
    }

    public DemoResult report(RunContext ctx, Outcome o) {
        Trial sgd = o.best("sgd");
        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "The lecture: plain or mini-batch gradient descent for straightforward problems, RMSProp or momentum "
                        + "to speed it up, Adagrad or Adadelta \"for large and sparse data like text data\", and Adam as "
                        + "the community's default. Here %d training documents are bags of %d words over a vocabulary "
                        + "of %d with Zipf frequencies (exponent %s); %.1f%% of the document-word counts are non-zero. "
                        + "The %d most common words are noise; only the rarer ones (%s of all word occurrences) tell the "
                        + "class. Logistic regression is trained for %d epochs in mini-batches of %d with each "
                        + "optimiser at every learning rate of its grid; the rate with the best validation accuracy is "
                        + "kept and scored on %d test documents.", o.trainSize(), config.length(), config.vocabulary(),
                fmt(config.zipf()), 100 * o.density(), config.common(), pct(o.rareShare()), config.epochs(),
                config.batchSize(), o.testSize()));
        for (Trial t : o.trials()) {
            r.measurement(t.choice().label() + " lr " + fmt(t.lr()) + ": validation / test accuracy",
                    pct(t.validationAccuracy()) + " / " + pct(t.testAccuracy()));
        }
        for (String label : o.labels()) {
            Trial b = o.best(label);
            r.measurement(label + ": tuned lr, test accuracy", fmt(b.lr()) + ", " + pct(b.testAccuracy()));
            r.summary(String.format(Locale.ROOT, "%-9s lr %-6s test accuracy %s", label, fmt(b.lr()), pct(b.testAccuracy())));
        }
        String verdict = verdict(o);
        r.measurement("Adagrad and Adadelta against plain SGD", verdict);
        r.summary(verdict);
        r.figure(accuracyFigure(ctx, o));
        r.figure(stepSizeFigure(ctx, o));
        r.figure(gridFigure(ctx, o));
        return r.build();
    }

    /** Whether each of Adagrad and Adadelta beat tuned SGD on the test split, in words (with the numbers). */
    static String verdict(Outcome o) {
        Trial sgd = o.best("sgd");
        List<String> parts = new ArrayList<>();
        for (String label : List.of("adagrad", "adadelta")) {
            if (!o.labels().contains(label) || !o.labels().contains("sgd")) continue;
            Trial t = o.best(label);
            double gap = t.testAccuracy() - sgd.testAccuracy();
            parts.add(String.format(Locale.ROOT, "%s %s plain SGD (%s against %s, %+.1f points)", label,
                    gap > 0.005 ? "beats" : gap < -0.005 ? "does worse than" : "ties with", pct(t.testAccuracy()),
                    pct(sgd.testAccuracy()), 100 * gap));
        }
        return String.join("; ", parts);
    }

    private Figure accuracyFigure(RunContext ctx, Outcome o) {
        LinePlot p = Plots.line("Validation accuracy per epoch (tuned learning rates)", "epoch", "validation accuracy");
        for (String label : o.labels()) {
            Trial b = o.best(label);
            p.series(label + " (lr " + fmt(b.lr()) + ")", b.fit().history().metric("val_accuracy"));
        }
        if (config.epochs() <= 30) p.markers();
        return ctx.figure(p, "accuracy.png", "For large, sparse data like text, the lecture recommends Adagrad or "
                        + "Adadelta: per-feature step sizes let the rare, informative words learn as fast as the common ones.",
                verdict(o) + "; " + o.labels().stream().map(l -> l + " " + pct(o.best(l).testAccuracy()))
                        .collect(Collectors.joining(", ")) + " on the test split");
    }

    private Figure stepSizeFigure(RunContext ctx, Outcome o) {
        Trial ada = o.best("adagrad");
        Linear layer = (Linear) ada.fit().model().get(0);
        double[] step = ada.fit().optimizer().effectiveStepSize(layer.weight()).to(DType.FLOAT64).toDoubleArray();
        int v = config.vocabulary(), classes = step.length / v;
        List<double[]> seen = new ArrayList<>();
        for (int j = 0; j < v; j++) {
            if (o.documentFrequency()[j] > 0) seen.add(new double[] {Math.log10(o.documentFrequency()[j]),
                    Math.log10(step[j * classes])});
        }
        double[] xs = seen.stream().mapToDouble(a -> a[0]).toArray(), ys = seen.stream().mapToDouble(a -> a[1]).toArray();
        LinePlot p = Plots.line("Adagrad's effective learning rate per feature", "share of training documents with the "
                        + "word (log\u2081\u2080)", "effective learning rate (log\u2081\u2080)")
                .points("adagrad, lr " + fmt(ada.lr()), xs, ys);
        double lo = Arrays.stream(xs).min().orElse(0), hi = Arrays.stream(xs).max().orElse(0);
        if (o.labels().contains("sgd") && hi > lo) {
            double s = Math.log10(o.best("sgd").lr());
            p.series("sgd (lr " + fmt(o.best("sgd").lr()) + ", every feature)", new double[] {lo, hi}, new double[] {s, s});
        }
        double[] rareCommon = rareAndCommonStep(o, step, classes);
        return ctx.figure(p, "adagrad-rates.png", "Adagrad divides each weight's learning rate by the root of its "
                        + "summed squared gradients: a word seen in few documents keeps a large step, a common one's "
                        + "shrinks.",
                String.format(Locale.ROOT, "median effective rate %s for words in under 1%% of documents, %s for "
                        + "words in over 10%%", fmt(rareCommon[0]), fmt(rareCommon[1])));
    }

    /** The median effective step of words in under 1% and in over 10% of the training documents. */
    static double[] rareAndCommonStep(Outcome o, double[] step, int classes) {
        List<Double> rare = new ArrayList<>(), common = new ArrayList<>();
        for (int j = 0; j < o.documentFrequency().length; j++) {
            double d = o.documentFrequency()[j];
            if (d > 0 && d < 0.01) rare.add(step[j * classes]);
            if (d > 0.1) common.add(step[j * classes]);
        }
        return new double[] {median(rare), median(common)};
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private Figure gridFigure(RunContext ctx, Outcome o) {
        LinePlot p = Plots.line("Validation accuracy by learning rate (the tuning grid)", "learning rate (log\u2081\u2080)",
                "validation accuracy after " + config.epochs() + " epochs").markers();
        for (String label : o.labels()) {
            List<Trial> ts = o.trials().stream().filter(t -> t.choice().label().equals(label)).toList();
            p.series(label, ts.stream().mapToDouble(t -> Math.log10(t.lr())).toArray(),
                    ts.stream().mapToDouble(Trial::validationAccuracy).toArray());
        }
        return ctx.figure(p, "grid.png", "Each optimiser is compared at its own best learning rate, not at a shared one.",
                o.labels().stream().map(l -> l + " best at lr " + fmt(o.best(l).lr())).collect(Collectors.joining(", ")));
    }
}
