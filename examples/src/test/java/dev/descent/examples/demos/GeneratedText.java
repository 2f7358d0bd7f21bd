package dev.descent.examples.demos;

import dev.descent.core.Rng;

/**
 * A small generated English-like text for the language-model tests: sentences drawn from a tiny grammar (article,
 * noun, verb, preposition, article, noun), so that the next character is often, but not always, predictable.
 */
final class GeneratedText {
    private static final String[] ARTICLES = {"the", "a"};
    private static final String[] NOUNS = {"cat", "dog", "bird", "fox", "mouse"};
    private static final String[] VERBS = {"sat", "ran", "slept", "looked"};
    private static final String[] PREPOSITIONS = {"on", "under", "near"};
    private static final String[] PLACES = {"mat", "tree", "house", "wall"};

    private GeneratedText() {
    }

    /** Sentences until the text has at least {@code chars} characters. */
    static String of(long seed, int chars) {
        Rng rng = new Rng(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < chars) {
            sb.append(pick(rng, ARTICLES)).append(' ').append(pick(rng, NOUNS)).append(' ').append(pick(rng, VERBS))
                    .append(' ').append(pick(rng, PREPOSITIONS)).append(' ').append(pick(rng, ARTICLES)).append(' ')
                    .append(pick(rng, PLACES)).append(". ");
        }
        return sb.toString();
    }

    private static String pick(Rng rng, String[] words) {
        return words[rng.nextInt(words.length)];
    }
}
