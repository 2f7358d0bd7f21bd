package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.DemoUnavailableException;
import dev.descent.examples.RunContext;
import dev.descent.examples.report.Figure;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * A subcommand that runs one {@link Demo}: its options are the demo's settings, {@link #demo()} builds the demo
 * from them. Running it checks the options ({@link #validate()}), runs the demo in {@code --out/NAME}, and prints
 * the demo's summary, where its figures are and how long it took.
 *
 * <p>A demo that is not in this build keeps the default {@link #demo()}, which fails with "the 'NAME' demo is not
 * available in this build" (exit code 1).
 */
public abstract class DemoCommand implements Callable<Integer> {
    @ParentCommand
    DescentCommand root;

    @Spec
    CommandSpec spec;

    /** The demo configured by this command's options. */
    protected Demo demo() {
        throw DemoUnavailableException.notBuilt(spec.name());
    }

    /** Whether {@code descent lecture} runs this demo. */
    protected boolean inLecture() {
        return true;
    }

    /** Checks the options beyond their types; throw {@link #usageError} for a bad value. */
    protected void validate() {
    }

    /** A usage error (exit code 2) about this command's options. */
    protected CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Checks that every value is one of {@code allowed}; the error names the option and the choices. */
    protected void requireChoices(String option, List<String> values, List<String> allowed) {
        for (String v : values) {
            if (!allowed.contains(v.toLowerCase(Locale.ROOT))) {
                throw usageError("Invalid value for option '" + option + "': '" + v + "' (expected one of "
                        + String.join(", ", allowed) + ")");
            }
        }
    }

    /** Checks {@code value > 0}. */
    protected void requirePositive(String option, long value) {
        if (value <= 0) throw usageError("Invalid value for option '" + option + "': expected > 0, got " + value);
    }

    /** Checks {@code value > 0}. */
    protected void requirePositive(String option, double value) {
        if (!(value > 0)) throw usageError("Invalid value for option '" + option + "': expected > 0, got " + value);
    }

    @Override
    public Integer call() throws Exception {
        RunContext ctx = root.context().inDirectory(spec.name());
        validate();
        ctx.backend(); // an unavailable backend fails before any work
        Demo demo = demo();
        long t0 = System.nanoTime();
        DemoResult r = demo.run(ctx);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ctx.say("%s", r.title());
        r.summary().forEach(line -> ctx.say("  %s", line));
        for (Figure f : r.figures()) ctx.detail("  figure: %s", f.png());
        ctx.out().printf(Locale.ROOT, "%s: %d figure(s) in %s (%.1f s)%n", spec.name(), r.figures().size(),
                ctx.outDir(), seconds);
        return 0;
    }
}
