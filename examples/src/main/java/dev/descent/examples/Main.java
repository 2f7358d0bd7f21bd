package dev.descent.examples;

import dev.descent.core.Backends;

import java.io.PrintStream;

/**
 * The {@code descent} command line. {@code descent info} prints the backends found on the class path, whether
 * each is available (and if not, why), and which one is selected and how.
 *
 * <p>Exit codes: 0 success, 1 a command failed, 2 a usage error.
 */
public final class Main {
    static final String USAGE = """
            Usage: descent <command>

            Commands:
              info    the backends found, their availability, and the one selected
              help    this text

            Select a backend with -Ddescent.backend=NAME or the environment variable DESCENT_BACKEND=NAME.""";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command, printing to {@code out} and {@code err}; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "info" -> {
                    out.println("Descent 0.1.0 on Java " + Runtime.version() + " (" + System.getProperty("os.name")
                            + " " + System.getProperty("os.arch") + ", "
                            + Runtime.getRuntime().availableProcessors() + " cores)");
                    out.println(Backends.describe());
                    return 0;
                }
                case "help", "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    err.println("descent: unknown command '" + command + "'");
                    err.println(USAGE);
                    return 2;
                }
            }
        } catch (RuntimeException e) {
            err.println("descent " + command + ": " + e.getMessage());
            return 1;
        }
    }
}
