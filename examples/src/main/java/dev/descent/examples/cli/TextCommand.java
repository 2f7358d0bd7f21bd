package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.TextDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code descent text --file FILE}: a character-level language model, its perplexity per epoch and sampled text. */
@Command(name = "text", mixinStandardHelpOptions = true,
        header = "A character-level language model on a text file",
        description = {"Trains an embedding, an LSTM (or GRU) and a linear layer to predict the next character of a UTF-8",
                "text file, prints the perplexity on its held-out tail after each epoch, and samples text at a",
                "temperature. Writes the history (CSV), a plot, the sample and the model under OUT/text."})
public final class TextCommand extends DemoCommand {
    private static final TextDemo.Settings D = TextDemo.Settings.defaults(Path.of("unused"));

    @Option(names = "--file", paramLabel = "FILE", required = true, description = "The text file (UTF-8).")
    public Path file;

    @Option(names = "--cell", paramLabel = "NAME", description = "lstm or gru (default: ${DEFAULT-VALUE}).")
    public String cell = D.cell();

    @Option(names = "--context", paramLabel = "N", description = "Characters per training window (default: ${DEFAULT-VALUE}).")
    public int context = D.context();

    @Option(names = "--embedding", paramLabel = "N", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    public int embedding = D.embedding();

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden size (default: ${DEFAULT-VALUE}).")
    public int hidden = D.hidden();

    @Option(names = "--layers", paramLabel = "N", description = "Recurrent layers (default: ${DEFAULT-VALUE}).")
    public int layers = D.layers();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    public int epochs = D.epochs();

    @Option(names = "--batch-size", paramLabel = "N", description = "Windows per mini-batch (default: ${DEFAULT-VALUE}).")
    public int batchSize = D.batchSize();

    @Option(names = "--learning-rate", paramLabel = "X", description = "Adam's learning rate, cosine-annealed to 0 "
            + "(default: ${DEFAULT-VALUE}).")
    public double lr = D.lr();

    @Option(names = "--validation", paramLabel = "F", description = "Share of the text held out at its end "
            + "(default: ${DEFAULT-VALUE}).")
    public double validation = D.validation();

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature; 0 takes the most likely "
            + "character (default: ${DEFAULT-VALUE}).")
    public double temperature = D.temperature();

    @Option(names = "--length", paramLabel = "N", description = "Characters to sample (default: ${DEFAULT-VALUE}).")
    public int length = D.sampleLength();

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The sample's beginning (default: the text's first "
            + "character).")
    public String prompt;

    @Override
    protected boolean inLecture() {
        return false;
    }

    @Override
    protected Demo demo() {
        return new TextDemo(new TextDemo.Settings(file, context, embedding, hidden, layers, cell.toLowerCase(Locale.ROOT),
                epochs, batchSize, lr, validation, temperature, length, prompt));
    }

    @Override
    protected void validate() {
        requireChoices("--cell", List.of(cell), TextDemo.CELLS);
        requirePositive("--context", context);
        requirePositive("--embedding", embedding);
        requirePositive("--hidden", hidden);
        requirePositive("--layers", layers);
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--learning-rate", lr);
        if (!(validation > 0 && validation < 1)) {
            throw usageError("Invalid value for option '--validation': expected 0 < f < 1, got " + validation);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw usageError("Invalid value for option '--temperature': expected a finite value >= 0, got " + temperature);
        }
        atLeast("--length", length, 0);
        if (prompt != null && prompt.isEmpty()) throw usageError("Invalid value for option '--prompt': empty");
    }
}
