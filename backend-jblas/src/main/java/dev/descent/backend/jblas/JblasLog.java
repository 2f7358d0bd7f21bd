package dev.descent.backend.jblas;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Routes what jBLAS prints through {@link System.Logger} at DEBUG, so that no jBLAS line reaches stderr.
 *
 * <p>NOTE: jBLAS's {@code org.jblas.util.Logger} writes straight to {@code System.err} and has no hook, and its
 * loader swallows the {@code UnsatisfiedLinkError} after printing it, so the printed line is the only place the
 * real reason of a failed load appears. While {@link #routed} runs, {@code System.err} is a stream that takes the
 * lines this thread prints, and jBLAS's lines from any thread, and passes every other output through unchanged;
 * afterwards jBLAS's logger is set above its ERROR level, so that it prints nothing more (its later messages are
 * only temporary-file clean-up).
 */
final class JblasLog {
    static final System.Logger LOG = System.getLogger("dev.descent.backend.jblas");
    private static final String PREFIX = "-- org.jblas ";
    /** One above {@code org.jblas.util.Logger.ERROR}: nothing passes. */
    private static final int SILENT = org.jblas.util.Logger.ERROR + 1;

    private JblasLog() {
    }

    /**
     * What an action run with jBLAS's output routed gave: its value, or what it threw (then value is null), and
     * jBLAS's ERROR lines, without their prefix.
     */
    record Routed<T>(T value, Throwable failure, List<String> errors) {
    }

    static <T> Routed<T> routed(Callable<T> action) {
        List<String> errors = new ArrayList<>();
        PrintStream original = System.err;
        Thread self = Thread.currentThread();
        org.jblas.util.Logger jblas = org.jblas.util.Logger.getLogger();
        ThreadRouter router = new ThreadRouter(original, self, line -> {
            LOG.log(System.Logger.Level.DEBUG, line);
            if (line.startsWith(PREFIX + "ERROR ")) errors.add(line.substring(PREFIX.length() + 6).strip());
        });
        PrintStream routing = new ThreadPrintStream(router, original, self, router::line);
        jblas.setLevel(org.jblas.util.Logger.DEBUG);
        System.setErr(routing);
        try {
            return new Routed<>(action.call(), null, errors);
        } catch (Throwable t) {
            return new Routed<>(null, t, errors);
        } finally {
            if (System.err == routing) System.setErr(original);
            jblas.setLevel(SILENT);
            router.flushLine();
        }
    }

    /** Bytes from {@code owner} are split into lines for {@code sink}; other threads' bytes go to {@code original}. */
    private static final class ThreadRouter extends OutputStream {
        private final PrintStream original;
        private final Thread owner;
        private final java.util.function.Consumer<String> sink;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        ThreadRouter(PrintStream original, Thread owner, java.util.function.Consumer<String> sink) {
            this.original = original;
            this.owner = owner;
            this.sink = sink;
        }

        @Override
        public void write(int b) {
            if (Thread.currentThread() != owner) {
                original.write(b);
                return;
            }
            synchronized (line) {
                if (b == '\n') flushLine();
                else line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (Thread.currentThread() != owner) {
                original.write(b, off, len);
                return;
            }
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        @Override
        public void flush() {
            if (Thread.currentThread() != owner) original.flush();
        }

        void flushLine() {
            synchronized (line) {
                String s = line.toString(Charset.defaultCharset()).stripTrailing();
                line.reset();
                if (!s.isEmpty()) sink.accept(s);
            }
        }

        /** A whole line printed by another thread that is jBLAS's (its clean-up thread starts a second later). */
        void line(String s) {
            synchronized (line) {
                sink.accept(s.stripTrailing());
            }
        }
    }

    /**
     * Keeps other threads' text as characters (not re-encoded) for the common print calls, except jBLAS's own lines
     * (by their prefix), which go to {@code jblasLine} whichever thread prints them.
     */
    private static final class ThreadPrintStream extends PrintStream {
        private final PrintStream original;
        private final Thread owner;
        private final java.util.function.Consumer<String> jblasLine;

        ThreadPrintStream(OutputStream router, PrintStream original, Thread owner,
                          java.util.function.Consumer<String> jblasLine) {
            super(router, true, Charset.defaultCharset());
            this.original = original;
            this.owner = owner;
            this.jblasLine = jblasLine;
        }

        private boolean foreign() {
            return Thread.currentThread() != owner;
        }

        @Override
        public void print(String s) {
            if (foreign()) original.print(s);
            else super.print(s);
        }

        @Override
        public void print(Object o) {
            if (foreign()) original.print(o);
            else super.print(o);
        }

        @Override
        public void println(String s) {
            if (!foreign()) super.println(s);
            else if (s != null && s.startsWith(PREFIX)) jblasLine.accept(s);
            else original.println(s);
        }

        @Override
        public void println(Object o) {
            if (foreign()) original.println(o);
            else super.println(o);
        }

        @Override
        public void println() {
            if (foreign()) original.println();
            else super.println();
        }
    }
}
