package dev.descent.examples;

import dev.descent.examples.cli.DescentCommand;

import java.io.PrintStream;

/**
 * The {@code descent} command line: {@code descent info}, the lecture's demos ({@code descent init},
 * {@code descent optimizers}, ...), {@code descent train} and {@code descent lecture}, which writes the report.
 * {@code descent} alone prints the help; every subcommand has {@code --help}.
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILURE} a command failed, {@value #USAGE} a usage error. Errors are
 * one line on standard error; {@code --verbose} adds the stack trace.
 */
public final class Main {
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: the command failed (including a demo that is not available). */
    public static final int FAILURE = 1;
    /** Exit code: the command line was wrong (unknown command or option, bad value). */
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        // NOTE: charts are rendered off-screen; headless must be set before AWT starts.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return DescentCommand.commandLine(out, err).execute(args);
    }
}
