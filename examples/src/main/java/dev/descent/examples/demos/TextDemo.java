package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.nn.InferenceMode;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.losses.Losses;
import dev.descent.nn.recurrent.RecurrentLayer;
import dev.descent.nn.recurrent.RecurrentOutput;
import dev.descent.optim.Adam;
import dev.descent.optim.schedule.Schedules;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Trainer;
import dev.descent.optim.train.TrainingListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * {@code descent text}: a character-level language model on any UTF-8 text file. Each distinct character (code
 * point) is a token; an {@link Embedding}, an LSTM (or GRU) and a linear layer predict every next character of
 * windows of {@code context} characters. The last share of the text is held out: its perplexity
 * {@code exp(mean cross-entropy)} after each epoch says how well the model predicts text it has not seen (a model
 * that knows nothing, uniform over the vocabulary, has perplexity equal to the vocabulary's size). At the end it
 * samples text at a temperature, from the seed: {@code p_i ~ exp(z_i / temperature)}, greedy ({@code argmax}) at 0.
 *
 * <pre>{@code
 * TextDemo.Result r = new TextDemo(TextDemo.Settings.defaults(Path.of("book.txt"))).train(ctx);
 * r.perplexity();                       // held-out, per epoch
 * String s = r.model().sample("The ", 200, 0.8, new Rng(1));
 * }</pre>
 */
public final class TextDemo implements Demo {
    /** The recurrent cells offered. */
    public static final List<String> CELLS = List.of("lstm", "gru");

    /**
     * The command's settings.
     *
     * @param file        the text file (UTF-8)
     * @param context     characters per training window
     * @param embedding   the embedding size
     * @param hidden      the recurrent layer's hidden size
     * @param layers      recurrent layers
     * @param cell        {@code lstm} or {@code gru}
     * @param epochs      epochs of training
     * @param batchSize   windows per mini-batch
     * @param lr          Adam's learning rate (cosine-annealed to 0 over the run)
     * @param validation  the share of the text held out at its end
     * @param temperature the sampling temperature (0: greedy)
     * @param sampleLength characters to sample
     * @param prompt      the sample's beginning (null: the text's first character)
     */
    public record Settings(Path file, int context, int embedding, int hidden, int layers, String cell, int epochs,
                           int batchSize, double lr, double validation, double temperature, int sampleLength,
                           String prompt) {
        public Settings {
            Objects.requireNonNull(file, "file");
            if (!CELLS.contains(cell)) {
                throw new IllegalArgumentException("TextDemo: cell must be lstm or gru, got '" + cell + "'");
            }
        }

        public static Settings defaults(Path file) {
            return new Settings(file, 64, 32, 128, 1, "lstm", 10, 32, 3e-3, 0.1, 0.8, 300, null);
        }
    }

    /** The vocabulary: the text's distinct code points, sorted; token {@code i} is {@code chars[i]}. */
    public record Vocabulary(int[] chars) {
        static Vocabulary of(int[] text) {
            TreeSet<Integer> set = new TreeSet<>();
            for (int c : text) set.add(c);
            return new Vocabulary(set.stream().mapToInt(Integer::intValue).toArray());
        }

        public int size() {
            return chars.length;
        }

        /** The token of code point {@code c}, or -1 when the text has none. */
        public int token(int c) {
            int i = java.util.Arrays.binarySearch(chars, c);
            return i >= 0 ? i : -1;
        }

        public String text(int[] tokens) {
            StringBuilder sb = new StringBuilder();
            for (int t : tokens) sb.appendCodePoint(chars[t]);
            return sb.toString();
        }
    }

    /** What training produced: the model, its history, and the held-out perplexity after each epoch. */
    public record Result(CharModel model, History history, int trainChars, int heldOutChars, int firstChar) {
        public double[] perplexity() {
            return java.util.Arrays.stream(history.metric("val_loss")).map(Math::exp).toArray();
        }

        public double[] trainingPerplexity() {
            return java.util.Arrays.stream(history.metric("loss")).map(Math::exp).toArray();
        }
    }

    private final Settings s;

    public TextDemo(Settings settings) {
        this.s = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "text";
    }

    @Override
    public String title() {
        return "A character-level language model on " + s.file().getFileName();
    }

    /** The file's code points; a missing, unreadable, empty or non-UTF-8 file is an exception naming it. */
    static int[] read(Path file) {
        if (!Files.exists(file)) throw new IllegalArgumentException(file + ": no such file");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": not a regular file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read it: " + e.getMessage(), e);
        }
        if (bytes.length == 0) throw new IllegalArgumentException(file + ": the file is empty");
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return text.codePoints().toArray();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text (" + e.getMessage() + ")");
        }
    }

    /** The fewest characters a text needs for {@code context} and the held-out share {@code validation}. */
    static int minimumLength(int context, double validation) {
        int tail = context + 1;
        return Math.max(2 * tail, (int) Math.ceil(tail / validation));
    }

    /** Windows of {@code context} tokens from {@code tokens[from, to)} every {@code stride}, with their next tokens. */
    static Dataset windows(int[] tokens, int from, int to, int context, int stride, Backend backend) {
        int count = (to - from - 1 - context) / stride + 1;
        int[] x = new int[count * context], y = new int[count * context];
        for (int w = 0; w < count; w++) {
            int start = from + w * stride;
            System.arraycopy(tokens, start, x, w * context, context);
            System.arraycopy(tokens, start + 1, y, w * context, context);
        }
        TensorFactory ints = Tensor.on(backend, DType.INT32);
        return new Dataset(ints.of(x, count, context), ints.of(y, count, context), List.of());
    }

    /** Trains the model on the file with {@code ctx}'s backend, dtype and seed, printing perplexity per epoch. */
    public Result train(RunContext ctx) {
        int[] text = read(s.file());
        int min = minimumLength(s.context(), s.validation());
        if (text.length < min) {
            throw new IllegalArgumentException(s.file() + ": " + text.length + " characters is too short: --context "
                    + s.context() + " and --validation " + s.validation() + " need at least " + min
                    + " (a training part and a held-out tail of context + 1 characters each)");
        }
        Vocabulary vocab = Vocabulary.of(text);
        int[] tokens = new int[text.length];
        for (int i = 0; i < text.length; i++) tokens[i] = vocab.token(text[i]);
        int split = text.length - Math.max(s.context() + 1, (int) Math.round(text.length * s.validation()));
        Backend backend = ctx.backend();
        Dataset train = windows(tokens, 0, split, s.context(), Math.max(1, s.context() / 2), backend);
        Dataset heldOut = windows(tokens, split, text.length, s.context(), s.context(), backend);

        Rng rng = ctx.rng();
        CharModel model = new CharModel(Tensor.on(backend, ctx.dtype()), vocab, s, rng.split());
        int stepsPerEpoch = (train.size() + s.batchSize() - 1) / s.batchSize();
        ctx.say("%d characters (%d distinct; a uniform model's perplexity is %d): %d training windows of %d, %d "
                        + "held-out characters", text.length, vocab.size(), vocab.size(), train.size(), s.context(),
                text.length - split);
        History history = Trainer.builder(model, Losses.crossEntropy(),
                        new Adam(model.parameters(), Adam.options().withLr(s.lr())))
                .trainData(DataLoader.over(train).mode(BatchMode.miniBatch(s.batchSize())).shuffle(rng.split()).build())
                .validationData(DataLoader.over(heldOut).batchSize(256).build())
                .schedule(Schedules.cosine(s.lr(), s.epochs() * stepsPerEpoch, 0), Trainer.ScheduleUnit.STEP)
                .epochs(s.epochs())
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(History.Epoch e) {
                        ctx.say("epoch %d: held-out perplexity %.3f, training %.3f (%.1f s)", e.epoch(),
                                Math.exp(e.get("val_loss")), Math.exp(e.get("loss")), e.nanos() / 1e9);
                    }
                })
                .build().fit();
        return new Result(model, history, split, text.length - split, text[0]);
    }

    @Override
    public DemoResult run(RunContext ctx) throws IOException {
        Result r = train(ctx);
        CharModel model = r.model();
        History h = r.history();
        h.writeEpochsCsv(ctx.file("epochs.csv"));
        h.writeStepsCsv(ctx.file("steps.csv"));
        Path saved = ctx.saveModel(model, null);
        String prompt = s.prompt() != null ? s.prompt() : new String(Character.toChars(r.firstChar()));
        String sample = model.sample(prompt, s.sampleLength(), s.temperature(), new Rng(ctx.seed()));
        Files.writeString(ctx.file("sample.txt"), sample, StandardCharsets.UTF_8);
        double[] ppl = r.perplexity();
        int last = ppl.length - 1;
        int v = model.vocabulary().size();
        LinePlot plot = Plots.line("Perplexity per epoch", "epoch", "perplexity")
                .series("held-out", ppl).series("training", r.trainingPerplexity()).logY().markers();
        String measured = String.format(Locale.ROOT, "held-out perplexity %.3f after %d epochs, against %d for a "
                + "uniform model", ppl[last], ppl.length, v);
        return DemoResult.builder(title())
                .lead(r.trainChars() + " training and " + r.heldOutChars() + " held-out characters, " + v
                        + " distinct; an embedding of " + s.embedding() + ", " + s.layers() + " " + s.cell()
                        + " layer(s) of " + s.hidden() + " and a linear read-out predict every next character.")
                .measurement("vocabulary size (a uniform model's perplexity)", v)
                .measurement("held-out perplexity", String.format(Locale.ROOT, "%.3f", ppl[last]))
                .measurement("training perplexity", String.format(Locale.ROOT, "%.3f", r.trainingPerplexity()[last]))
                .measurement("sample (temperature " + s.temperature() + ", seed " + ctx.seed() + ")", sample)
                .figure(ctx.figure(plot, "perplexity.png", "A language model's perplexity on held-out text falls "
                        + "far below the vocabulary's size as it learns the text's regularities", measured))
                .summary(measured)
                .summary("sample at temperature " + s.temperature() + ": " + sample.replace("\n", "\u21b5"))
                .summary("history: " + ctx.outDir().resolve("epochs.csv") + ", model: " + saved)
                .build();
    }

    /**
     * Embedding, recurrent layer and read-out: INT32 tokens {@code (n, T)} to next-token logits {@code (n, V, T)};
     * {@link #sample} carries the recurrent state from character to character.
     */
    public static final class CharModel extends Module {
        private final Vocabulary vocab;
        private final Embedding embed;
        private final RecurrentLayer rnn;
        private final Linear head;

        CharModel(TensorFactory f, Vocabulary vocab, Settings s, Rng rng) {
            this.vocab = vocab;
            this.embed = register("embed", new Embedding(f, vocab.size(), s.embedding(), null, null, rng));
            this.rnn = register("rnn", (RecurrentLayer) SequenceModels.recurrent(s.cell(), f, s.embedding(), s.hidden(),
                    s.layers(), rng));
            this.head = register("head", new Linear(f, s.hidden(), vocab.size(), true, null, null, rng));
        }

        public Vocabulary vocabulary() {
            return vocab;
        }

        @Override
        public Variable forward(Variable tokens) {
            return SequenceModels.readOut(head, rnn.apply(embed.apply(tokens)));
        }

        /**
         * {@code length} characters after {@code prompt} (whose characters must be in the vocabulary; empty: start
         * from token 0), each drawn from {@code softmax(z / temperature)} by {@code rng}, or the most likely one
         * when {@code temperature} is 0. Returns the prompt and the sampled characters.
         */
        public String sample(String prompt, int length, double temperature, Rng rng) {
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("CharModel.sample: temperature must be finite and >= 0, got "
                        + temperature);
            }
            if (length < 0) throw new IllegalArgumentException("CharModel.sample: length must be >= 0, got " + length);
            int[] start = prompt.isEmpty() ? new int[] {0} : prompt.codePoints().map(c -> {
                int t = vocab.token(c);
                if (t < 0) {
                    throw new IllegalArgumentException("CharModel.sample: the prompt's character '"
                            + new String(Character.toChars(c)) + "' is not in the text's vocabulary");
                }
                return t;
            }).toArray();
            TensorFactory ints = Tensor.on(embed.weight().value().backend(), DType.INT32);
            int[] out = new int[length];
            try (InferenceMode scope = InferenceMode.enter()) {
                RecurrentOutput state = rnn.forward(embed.forward(ints.of(start, 1, start.length)), null, null, null);
                for (int i = 0; i < length; i++) {
                    Variable h = state.output();
                    int t = h.shape().dim(1);
                    double[] logits = head.apply(h.slice(1, t - 1, t).reshape(1, h.shape().dim(2))).value()
                            .toDoubleArray();
                    out[i] = draw(logits, temperature, rng);
                    state = rnn.forward(embed.forward(ints.of(new int[] {out[i]}, 1, 1)), state.h(), state.c(), null);
                }
            }
            return (prompt.isEmpty() ? "" : prompt) + vocab.text(out);
        }

        /** A token drawn from {@code softmax(logits / temperature)}; the first largest at temperature 0. */
        static int draw(double[] logits, double temperature, Rng rng) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
            if (temperature == 0) return best;
            double[] p = new double[logits.length];
            double sum = 0;
            for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - logits[best]) / temperature);
            double u = rng.nextDouble() * sum;
            for (int i = 0; i < p.length; i++) {
                u -= p[i];
                if (u < 0) return i;
            }
            return best;
        }

        @Override
        protected String describe() {
            return "CharModel(vocabulary " + vocab.size() + ")";
        }
    }
}
