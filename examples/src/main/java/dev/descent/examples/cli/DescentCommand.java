package dev.descent.examples.cli;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.DefaultDType;
import dev.descent.examples.Errors;
import dev.descent.examples.Main;
import dev.descent.examples.RunContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The root command, {@code descent}: the global options every subcommand inherits and the subcommand tree. Build it
 * with {@link #commandLine(PrintStream, PrintStream)}, which installs the error handling: usage errors print one
 * line and exit {@value Main#USAGE}; failures print one line (and with {@code --verbose} the stack trace) and exit
 * {@value Main#FAILURE}.
 */
@Command(name = "descent", mixinStandardHelpOptions = true, versionProvider = DescentCommand.Version.class,
        description = {"Descent: reverse-mode autodiff and neural networks for the JVM.",
                "Reproduces the lecture's demos with plots, trains on real data, and writes a report."},
        subcommands = {InfoCommand.class, InitCommand.class, LearningRateCommand.class, GradientDescentCommand.class,
                OptimizersCommand.class, ClippingCommand.class, LossesCommand.class, ShapesCommand.class,
                HyperparametersCommand.class, LayersCommand.class, EarlyStoppingCommand.class, SparseCommand.class,
                TrainingStepsCommand.class, SequenceCommand.class, ExplodingGradientsCommand.class,
                FashionMnistCommand.class, MlpVsCnnCommand.class, TrainCommand.class, TextCommand.class,
                ExportCommand.class,
                PredictCommand.class, LectureCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error.",
                "Run 'descent COMMAND --help' for a command's options."})
public final class DescentCommand implements Runnable {
    /** The default output directory. */
    public static final String DEFAULT_OUT = "descent-out";

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", scope = ScopeType.INHERIT, converter = BackendName.class,
            description = "Backend to run on (ejml, jblas, openblas); default: the highest-priority available one.")
    String backend;

    @Option(names = "--dtype", paramLabel = "TYPE", scope = ScopeType.INHERIT, converter = FloatType.class,
            description = "Floating type of the tensors: float32 or float64 (default: float32, or what "
                    + "DESCENT_DTYPE or -Ddescent.dtype says).")
    DType dtype;

    @Option(names = "--seed", paramLabel = "N", scope = ScopeType.INHERIT,
            description = "Seed of every random number (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--out", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Directory for figures, models and the report (default: ${DEFAULT-VALUE}).")
    Path out = Path.of(DEFAULT_OUT);

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Print only results and errors.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Print more detail, and the stack trace of an error.")
    boolean verbose;

    private final PrintStream stdout;
    private final PrintStream stderr;

    /** For picocli's reflection only; use {@link #commandLine}. */
    public DescentCommand() {
        this(System.out, System.err);
    }

    DescentCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The configured command line, printing to {@code out} and {@code err}. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        DescentCommand root = new DescentCommand(out, err);
        CommandLine cl = new CommandLine(root);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, args) -> {
            err.println(usageLine(ex));
            return Main.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + Errors.message(ex)
                    + (root.verbose || Errors.expected(ex) ? "" : " (--verbose shows the stack trace)"));
            if (root.verbose) ex.printStackTrace(err);
            return Main.FAILURE;
        });
        cl.setExecutionStrategy(parseResult -> {
            // NOTE: --backend also becomes the process default, so library code that asks Backends.get() follows
            // it; restored afterwards so that in-process callers (tests) see no trace of it. --dtype likewise
            // becomes the default dtype, in a scope on this thread.
            if (root.quiet && root.verbose) {
                List<CommandLine> chain = parseResult.asCommandLineList();
                throw new CommandLine.ParameterException(chain.get(chain.size() - 1),
                        "--quiet and --verbose exclude each other");
            }
            String before = System.getProperty(Backends.PROPERTY);
            if (root.backend != null) System.setProperty(Backends.PROPERTY, root.backend);
            try (DefaultDType scope = DefaultDType.scope(root.dtype())) {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                if (before == null) System.clearProperty(Backends.PROPERTY);
                else System.setProperty(Backends.PROPERTY, before);
            }
        });
        return cl;
    }

    static String usageLine(CommandLine.ParameterException ex) {
        String name = ex.getCommandLine().getCommandSpec().qualifiedName();
        String message = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && ex.getCommandLine().getCommandSpec()
                .subcommands().size() > 1 && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        return name + ": " + Errors.oneLine(message) + " (see '" + name + " --help')";
    }

    /** Prints the help. */
    @Override
    public void run() {
        spec.commandLine().usage(stdout);
    }

    PrintStream stdout() {
        return stdout;
    }

    PrintStream stderr() {
        return stderr;
    }

    /** The global options as a run context. */
    RunContext context() {
        return new RunContext(backend, dtype(), seed, out, quiet, verbose, stdout, stderr);
    }

    /** {@code --dtype}, else the default dtype ({@code DESCENT_DTYPE}, {@code -Ddescent.dtype}, float32). */
    DType dtype() {
        return dtype != null ? dtype : DefaultDType.get();
    }

    /** Accepts the name of a backend on the class path (case-insensitive); returns its canonical name. */
    static final class BackendName implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            List<String> names = Backends.found().stream().map(Backends.Found::name).toList();
            for (String n : names) if (n.equalsIgnoreCase(value.trim())) return n;
            throw new CommandLine.TypeConversionException("unknown backend '" + value + "'; found: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
    }

    /** Accepts float32/f32 and float64/f64 (case-insensitive). */
    static final class FloatType implements CommandLine.ITypeConverter<DType> {
        @Override
        public DType convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "float32", "f32" -> DType.FLOAT32;
                case "float64", "f64" -> DType.FLOAT64;
                default -> throw new CommandLine.TypeConversionException("expected float32 or float64, got '"
                        + value + "'");
            };
        }
    }

    /** The version line of {@code descent --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Descent " + InfoCommand.VERSION + " on Java " + Runtime.version()};
        }
    }
}
