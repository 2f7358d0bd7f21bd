package dev.descent.examples.cli;

import dev.descent.core.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code descent info}: the backends found, whether each is available (and if not, why), and the one selected. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "The backends found, their availability, and the one selected.")
final class InfoCommand implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    @ParentCommand
    DescentCommand root;

    @Override
    public Integer call() {
        PrintStream out = root.stdout();
        out.println("Descent " + VERSION + " on Java " + Runtime.version() + " (" + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores)");
        out.println(Backends.describe());
        return 0;
    }
}
