package dev.descent.examples;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Turns an exception into the one line the command line prints. */
public final class Errors {
    private Errors() {
    }

    /**
     * The exception's message on one line. Messages of the expected kinds (bad arguments, bad state, I/O, a demo
     * not available) stand alone; others are prefixed with the exception's simple class name, and an exception
     * without a message is named by its class and its cause's message.
     */
    public static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName() + (t.getCause() != null ? ": " + message(t.getCause()) : "");
        } else if (!expected(t)) {
            m = t.getClass().getSimpleName() + ": " + m;
        }
        return oneLine(m);
    }

    /** Whether the exception is of a kind whose message a user can act on directly. */
    public static boolean expected(Throwable t) {
        return t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof DemoUnavailableException || t instanceof UncheckedIOException
                || t.getClass() == IOException.class || t instanceof UnsupportedOperationException;
    }

    /** {@code s} with line breaks (and the indentation after them) replaced by "; ". */
    public static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
