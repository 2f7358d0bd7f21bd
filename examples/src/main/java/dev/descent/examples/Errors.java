package dev.descent.examples;

import dev.descent.optim.NonFiniteGradientException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns an exception into the one line the command line prints. */
public final class Errors {
    private Errors() {
    }

    /**
     * The exception's message on one line. Messages of the expected kinds (bad arguments, bad state, I/O and bad
     * files, a demo not available, a diverging run) stand alone, without the exception's class; a file system error
     * says what happened to which file ({@code /data/x.csv: no such file or directory}); a wrapper that adds nothing
     * to its cause gives the cause's message. Others (bugs) are prefixed with the exception's simple class name, and
     * an exception without a message is named by its class and its cause's message.
     */
    public static String message(Throwable t) {
        String m = t.getMessage();
        Throwable cause = t.getCause();
        if (cause != null && (m == null || m.isBlank() || m.equals(cause.toString()))) {
            return expected(t) || expected(cause) ? message(cause)
                    : oneLine(t.getClass().getSimpleName() + ": " + message(cause));
        }
        if (t instanceof FileSystemException f) return oneLine(describe(f));
        if (m == null || m.isBlank()) return t.getClass().getSimpleName();
        return oneLine(expected(t) ? m : t.getClass().getSimpleName() + ": " + m);
    }

    /** Whether the exception is of a kind whose message a user can act on directly. */
    public static boolean expected(Throwable t) {
        return t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof DemoUnavailableException || t instanceof UncheckedIOException
                || t instanceof IOException || t instanceof UnsupportedOperationException
                || t instanceof NonFiniteGradientException;
    }

    /** {@code file[ -> other]: reason}, the reason in words when the exception gives none. */
    private static String describe(FileSystemException f) {
        String reason = f.getReason();
        if (reason == null || reason.isBlank()) {
            if (f instanceof NoSuchFileException) reason = "no such file or directory";
            else if (f instanceof AccessDeniedException) reason = "permission denied";
            else if (f instanceof FileAlreadyExistsException) reason = "already exists";
            else if (f instanceof NotDirectoryException) reason = "not a directory";
            else if (f instanceof DirectoryNotEmptyException) reason = "directory not empty";
            else reason = "file system error";
        }
        if (f.getFile() == null) return reason;
        return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason;
    }

    /** {@code s} with line breaks (and the indentation after them) replaced by "; ". */
    public static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
