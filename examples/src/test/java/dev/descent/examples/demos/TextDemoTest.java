package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.examples.RunContext;
import dev.descent.nn.InferenceMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The character-level language model on a small generated text: perplexity, and sampling at a temperature. */
class TextDemoTest {
    /** A small model that trains in a few seconds. */
    static TextDemo.Settings small(Path file) {
        return new TextDemo.Settings(file, 24, 16, 48, 1, "lstm", 8, 32, 1e-2, 0.1, 0.8, 60, null);
    }

    static TextDemo.Result trained;
    static String text;

    @BeforeAll
    static void train(@TempDir Path dir) throws Exception {
        text = GeneratedText.of(3, 6000);
        Path file = dir.resolve("animals.txt");
        Files.writeString(file, text);
        trained = new TextDemo(small(file)).train(RunContext.forTest(dir, 5));
    }

    @Test
    void heldOutPerplexityFallsFarBelowTheUniformModels() {
        int v = trained.model().vocabulary().size();
        assertEquals(23, v, "the grammar's letters, space and full stop");
        double[] ppl = trained.perplexity();
        assertEquals(8, ppl.length);
        // a uniform model has perplexity v = 23; the grammar's text, once learned, leaves about 1.5 to 2
        assertTrue(ppl[ppl.length - 1] < v / 6.0, "held-out perplexity " + java.util.Arrays.toString(ppl));
        System.out.println("TextDemoTest: held-out perplexity per epoch " + java.util.Arrays.toString(ppl));
        assertTrue(ppl[ppl.length - 1] < ppl[0], java.util.Arrays.toString(ppl));
        assertEquals(text.length() - Math.round(text.length() * 0.1), trained.trainChars());
    }

    @Test
    void samplingIsDeterministicForASeedAndStartsWithThePrompt() {
        TextDemo.CharModel m = trained.model();
        String a = m.sample("the ", 80, 0.8, new Rng(9)), b = m.sample("the ", 80, 0.8, new Rng(9));
        assertEquals(a, b);
        assertTrue(a.startsWith("the ") && a.length() == 84, a);
        assertNotEquals(a, m.sample("the ", 80, 0.8, new Rng(10)));
        assertNotEquals(a, m.sample("the ", 80, 2.0, new Rng(9)));
    }

    @Test
    void temperatureZeroIsTheGreedyArgmaxOfTheFullContextAndSmallTemperaturesApproachIt() {
        TextDemo.CharModel m = trained.model();
        String greedy = m.sample("a ", 30, 0, new Rng(1));
        assertEquals(greedy, m.sample("a ", 30, 0, new Rng(2)), "no randomness at temperature 0");
        // the same chain computed without carried state: the whole prefix through forward(), argmax of the last
        StringBuilder sb = new StringBuilder("a ");
        var ints = Tensor.on(m.parameters().get(0).value().backend(), DType.INT32);
        try (InferenceMode scope = InferenceMode.enter()) {
            for (int i = 0; i < 30; i++) {
                int[] tokens = sb.codePoints().map(c -> m.vocabulary().token(c)).toArray();
                Tensor logits = m.apply(Variable.constant(ints.of(tokens, 1, tokens.length))).value();   // (1, V, T)
                int next = logits.slice(2, tokens.length - 1, tokens.length).reshape(m.vocabulary().size()).argmax()
                        .toIntArray()[0];
                sb.appendCodePoint(m.vocabulary().chars()[next]);
            }
        }
        assertEquals(sb.toString(), greedy);
        assertEquals(greedy, m.sample("a ", 30, 1e-4, new Rng(3)));
    }

    @Test
    void drawFollowsTheSoftmaxAtTheTemperature() {
        double[] logits = {0, Math.log(3)};
        Rng rng = new Rng(4);
        int ones = 0, n = 20_000;
        for (int i = 0; i < n; i++) ones += TextDemo.CharModel.draw(logits, 1.0, rng);
        assertEquals(0.75, ones / (double) n, 0.015);           // sd 0.003
        ones = 0;
        for (int i = 0; i < n; i++) ones += TextDemo.CharModel.draw(logits, 0.5, rng);
        assertEquals(0.9, ones / (double) n, 0.012);            // 9 : 1 at half the temperature
        assertEquals(1, TextDemo.CharModel.draw(new double[] {2, 5, 5, 1}, 0, rng), "the first largest");
    }

    @Test
    void badPromptsAndTemperaturesAreRefusedNamingTheValue() {
        TextDemo.CharModel m = trained.model();
        var e = assertThrows(IllegalArgumentException.class, () -> m.sample("the Zebra", 5, 1, new Rng(1)));
        assertTrue(e.getMessage().contains("'Z' is not in the text's vocabulary"), e.getMessage());
        var t = assertThrows(IllegalArgumentException.class, () -> m.sample("the", 5, -1, new Rng(1)));
        assertTrue(t.getMessage().contains("temperature must be finite and >= 0, got -1.0"), t.getMessage());
    }

    @Test
    void windowsPairEachCharacterWithTheNext() {
        int[] tokens = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        var d = TextDemo.windows(tokens, 0, 10, 4, 2, dev.descent.core.Backends.get());
        assertEquals(3, d.size());                               // starts 0, 2, 4 (start + 4 + 1 <= 10)
        assertEquals(java.util.List.of(4, 5, 6, 7), java.util.Arrays.stream(d.features().slice(0, 2, 3).toIntArray())
                .boxed().toList());
        assertEquals(java.util.List.of(5, 6, 7, 8), java.util.Arrays.stream(d.labels().slice(0, 2, 3).toIntArray())
                .boxed().toList());
        assertEquals(660, TextDemo.minimumLength(65, 0.1));
    }
}
