package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.SparseDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/** {@code descent sparse}: the lecture's optimisers on sparse, text-like data. */
@Command(name = "sparse", mixinStandardHelpOptions = true,
        header = "Optimisers on sparse, text-like data",
        description = {"Logistic regression on generated bag-of-words documents (Zipf word frequencies, only rare",
                "words tell the class) with SGD, momentum, RMSProp, Adagrad, Adadelta and Adam, each at its best rate",
                "of a small grid; held-out accuracy per epoch and Adagrad's per-feature learning rate."})
public final class SparseCommand extends DemoCommand {
    private static final SparseDemo.Config D = SparseDemo.Config.defaults();
    static final List<String> OPTIMIZERS = SparseDemo.CHOICES.stream().map(SparseDemo.Choice::label).toList();

    @Option(names = "--optimizers", split = ",", paramLabel = "NAME",
            description = "Optimisers: sgd, momentum, rmsprop, adagrad, adadelta, adam (default: all).")
    public List<String> optimizers = OPTIMIZERS;

    @Option(names = "--documents", paramLabel = "N", description = "Documents generated (default: ${DEFAULT-VALUE}).")
    public int documents = D.documents();

    @Option(names = "--vocabulary", paramLabel = "N", description = "Distinct words (features) (default: ${DEFAULT-VALUE}).")
    public int vocabulary = D.vocabulary();

    @Option(names = "--zipf", paramLabel = "S", description = "Exponent of the word frequencies (default: ${DEFAULT-VALUE}).")
    public double zipf = D.zipf();

    @Option(names = "--length", paramLabel = "N", description = "Words per document (default: ${DEFAULT-VALUE}).")
    public int length = D.length();

    @Option(names = "--common", paramLabel = "N", description = "Most frequent words, which carry no signal (default: ${DEFAULT-VALUE}).")
    public int common = D.common();

    @Option(names = "--signal", paramLabel = "P", description = "Chance a rare word matches the class (default: ${DEFAULT-VALUE}).")
    public double signal = D.signal();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
    public int epochs = D.epochs();

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = D.batchSize();

    @Override
    protected void validate() {
        requireChoices("--optimizers", optimizers, OPTIMIZERS);
        if (!optimizers.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList().contains("adagrad")) {
            throw usageError("Invalid value for option '--optimizers': adagrad is needed (its per-feature rates are plotted)");
        }
        atLeast("--documents", documents, 20);
        atLeast("--vocabulary", vocabulary, 4);
        requirePositive("--zipf", zipf);
        requirePositive("--length", length);
        if (common < 0 || common >= vocabulary) {
            throw usageError("Invalid value for option '--common': expected 0.." + (vocabulary - 1) + ", got " + common);
        }
        if (!(signal >= 0 && signal <= 1)) throw usageError("Invalid value for option '--signal': expected 0..1, got " + signal);
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
    }

    @Override
    protected Demo demo() {
        List<String> wanted = optimizers.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        List<SparseDemo.Choice> choices = SparseDemo.CHOICES.stream().filter(c -> wanted.contains(c.label())).toList();
        return new SparseDemo(new SparseDemo.Config(documents, vocabulary, zipf, length, common, signal, batchSize,
                epochs, choices));
    }
}
