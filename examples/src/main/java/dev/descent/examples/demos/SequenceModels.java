package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.LearnedPositionalEmbedding;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.TransformerEncoder;
import dev.descent.nn.layers.TransformerEncoderLayer;
import dev.descent.nn.recurrent.GRU;
import dev.descent.nn.recurrent.LSTM;
import dev.descent.nn.recurrent.RecurrentOptions;

/**
 * The models of the sequence demos: tokens through an {@link Embedding}, a sequence layer (LSTM, GRU or a
 * transformer encoder, batch first) and a {@link Linear} read-out at every position or at the last positions.
 *
 * <pre>{@code
 * Module lstm = SequenceModels.reverser("lstm", f, SequenceDemo.Config.defaults(), rng);
 * Variable logits = lstm.apply(Variable.constant(tokens));   // (n, 10, length): classes second
 * }</pre>
 */
public final class SequenceModels {
    private SequenceModels() {
    }

    /** The recurrent layer {@code kind} ("lstm" or "gru"), batch first. */
    static Module recurrent(String kind, TensorFactory f, int input, int hidden, int layers, Rng rng) {
        RecurrentOptions o = RecurrentOptions.of(input, hidden).withNumLayers(layers).withBatchFirst(true);
        return switch (kind) {
            case "lstm" -> new LSTM(f, o, rng);
            case "gru" -> new GRU(f, o, rng);
            default -> throw new IllegalArgumentException("SequenceModels: expected lstm or gru, got '" + kind + "'");
        };
    }

    /** The reversal model {@code kind} ({@link SequenceDemo#MODELS}) for {@code c}'s sizes. */
    public static Module reverser(String kind, TensorFactory f, SequenceDemo.Config c, Rng rng) {
        int len = 2 * c.length();
        if (kind.equals("transformer")) {
            Embedding embed = new Embedding(f, DigitReversal.VOCABULARY, c.modelDim(), null, null, rng);
            TransformerEncoderLayer layer = new TransformerEncoderLayer(f, c.modelDim(), c.heads(), c.feedForward(), 0.0,
                    "relu", 1e-5, true, false, true, rng);
            Module body = new Encoder(new LearnedPositionalEmbedding(f, len, c.modelDim(), true, null, rng),
                    new TransformerEncoder(layer, 2, null, rng));
            return new Tagger(embed, body, new Linear(f, c.modelDim(), DigitReversal.DIGITS, true, null, null, rng),
                    c.length());
        }
        Embedding embed = new Embedding(f, DigitReversal.VOCABULARY, c.embedding(), null, null, rng);
        return new Tagger(embed, recurrent(kind, f, c.embedding(), c.hidden(), 1, rng),
                new Linear(f, c.hidden(), DigitReversal.DIGITS, true, null, null, rng), c.length());
    }

    /** Learned positions added to the embedded tokens, then the encoder. */
    static final class Encoder extends Module {
        private final LearnedPositionalEmbedding positions;
        private final TransformerEncoder encoder;

        Encoder(LearnedPositionalEmbedding positions, TransformerEncoder encoder) {
            this.positions = register("positions", positions);
            this.encoder = register("encoder", encoder);
        }

        @Override
        public Variable forward(Variable x) {
            return encoder.apply(positions.apply(x));
        }
    }

    /**
     * Embedding, sequence layer and read-out of the last {@code answered} positions: INT32 tokens {@code (n, T)} to
     * logits {@code (n, classes, answered)}, the class axis second as cross-entropy takes a sequence of labels.
     */
    static final class Tagger extends Module {
        private final Embedding embed;
        private final Module body;
        private final Linear head;
        private final int answered;

        Tagger(Embedding embed, Module body, Linear head, int answered) {
            this.embed = register("embed", embed);
            this.body = register("body", body);
            this.head = register("head", head);
            this.answered = answered;
        }

        @Override
        public Variable forward(Variable tokens) {
            if (tokens.rank() != 2 || tokens.shape().dim(1) < answered) {
                throw new IllegalArgumentException("Tagger.forward: expected tokens (n, T) with T >= " + answered
                        + ", got " + tokens.shape());
            }
            int t = tokens.shape().dim(1);
            return readOut(head, body.apply(embed.apply(tokens)).slice(1, t - answered, t));
        }
    }

    /** {@code head} at every position of {@code h} {@code (n, T, H)}: logits {@code (n, classes, T)}. */
    static Variable readOut(Linear head, Variable h) {
        int n = h.shape().dim(0), t = h.shape().dim(1);
        return head.apply(h.reshape(n * t, h.shape().dim(2))).reshape(n, t, head.outFeatures()).permute(0, 2, 1);
    }
}
