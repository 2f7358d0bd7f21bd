package dev.descent.nn.layers;

import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Asserts that a call fails with an {@link IllegalArgumentException} whose message contains the expected text. */
final class AttentionAsserts {
    private AttentionAsserts() {
    }

    static void message(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
    }
}
