package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.DigitReversal;
import dev.descent.examples.demos.SequenceDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/** {@code descent sequence}: an LSTM, a GRU and a transformer encoder learn to reverse digit sequences. */
@Command(name = "sequence", mixinStandardHelpOptions = true,
        header = "Sequence models: LSTM, GRU and a transformer encoder",
        description = {"An LSTM, a GRU and a 2-layer transformer encoder (each with an embedding and a linear read-out)",
                "learn to reverse random digit sequences; their held-out exact-sequence accuracy per epoch and their",
                "time per epoch are compared."})
public final class SequenceCommand extends DemoCommand {
    private static final SequenceDemo.Config D = SequenceDemo.Config.defaults();

    @Option(names = "--models", split = ",", paramLabel = "NAME",
            description = "Models to train: lstm, gru, transformer (default: all).")
    public List<String> models = SequenceDemo.MODELS;

    @Option(names = "--length", paramLabel = "N", description = "Digits per sequence, 1..9 (default: ${DEFAULT-VALUE}).")
    public int length = D.length();

    @Option(names = "--train-size", paramLabel = "N", description = "Training sequences (default: ${DEFAULT-VALUE}).")
    public int trainSize = D.trainSize();

    @Option(names = "--test-size", paramLabel = "N", description = "Held-out sequences (default: ${DEFAULT-VALUE}).")
    public int testSize = D.testSize();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    public int epochs = D.epochs();

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize = D.batchSize();

    @Option(names = "--learning-rate", paramLabel = "X", description = "Adam's learning rate, cosine-annealed to 0 "
            + "(default: ${DEFAULT-VALUE}).")
    public double lr = D.lr();

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden size of the LSTM and GRU (default: ${DEFAULT-VALUE}).")
    public int hidden = D.hidden();

    @Option(names = "--model-dim", paramLabel = "N", description = "The transformer's model size (default: ${DEFAULT-VALUE}).")
    public int modelDim = D.modelDim();

    @Override
    protected Demo demo() {
        return new SequenceDemo(new SequenceDemo.Config(length, trainSize, testSize, epochs, batchSize, lr, D.embedding(),
                hidden, modelDim, D.heads(), D.feedForward(), models.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList()));
    }

    @Override
    protected void validate() {
        requireChoices("--models", models, SequenceDemo.MODELS);
        if (length < 1 || length > 9) throw usageError("Invalid value for option '--length': expected 1..9, got " + length);
        requirePositive("--train-size", trainSize);
        requirePositive("--test-size", testSize);
        long most = DigitReversal.maxSequences(length);
        if (trainSize + (long) testSize > most) {
            throw usageError("Invalid value for option '--train-size': with --test-size at most " + most
                    + " distinct sequences of " + length + " digits, got " + (trainSize + (long) testSize));
        }
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--learning-rate", lr);
        requirePositive("--hidden", hidden);
        requirePositive("--model-dim", modelDim);
        if (modelDim % D.heads() != 0) {
            throw usageError("Invalid value for option '--model-dim': expected a multiple of " + D.heads()
                    + " (the attention heads), got " + modelDim);
        }
    }
}
