package dev.descent.examples.cli;

import dev.descent.core.Backends;
import dev.descent.examples.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DescentCommandTest {
    /** Exit code, standard output and standard error of one in-process run. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
        }
    }

    static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final List<String> SUBCOMMANDS = List.of("info", "init", "learning-rate", "gradient-descent", "optimizers",
            "clipping", "losses", "shapes", "fashion-mnist", "train", "lecture", "help");

    static final List<String> GLOBAL = List.of("--backend", "--dtype", "--seed", "--out", "--quiet", "--verbose",
            "--help");

    @Test
    void noArgumentsPrintsTheHelpWithEverySubcommand() {
        Run r = run();
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Usage: descent"), r.out());
        for (String s : SUBCOMMANDS) assertTrue(r.out().contains("  " + s + " "), s + " missing in\n" + r.out());
        for (String g : GLOBAL) assertTrue(r.out().contains(g), g + " missing in\n" + r.out());
        assertTrue(r.out().contains("Exit codes: 0 success, 1 failure, 2 usage error."));
        assertEquals("", r.err());
    }

    static Stream<Object[]> subcommandFlags() {
        return Stream.of(
                new Object[] {"info", List.of()},
                new Object[] {"init", List.of("--inits", "--hidden", "--epochs", "--learning-rate", "--train-size",
                        "--test-size", "--noise", "ZERO, TOO_SMALL, APPROPRIATE, TOO_LARGE")},
                new Object[] {"learning-rate", List.of("--rates", "--steps")},
                new Object[] {"gradient-descent", List.of("--epochs", "--batch-size", "--samples", "--learning-rate")},
                new Object[] {"optimizers", List.of("--optimizers", "--functions", "--epochs", "--batch-size",
                        "--steps", "--target-loss", "adamw", "rosenbrock")},
                new Object[] {"clipping", List.of("--max-norm", "--clip-value", "--steps", "--depth", "--epochs")},
                new Object[] {"losses", List.of("--samples", "--outliers", "--huber-delta", "--steps")},
                new Object[] {"shapes", List.of("--images-per-class", "--image-size", "--epochs", "--batch-size")},
                new Object[] {"fashion-mnist", List.of("--data", "--epochs", "--batch-size", "--learning-rate",
                        "--hidden", "--save", "/usr/share/datasets/fashion-mnist")},
                new Object[] {"train", List.of("--data", "--samples", "--hidden", "--activation", "--init", "--loss",
                        "--optimizer", "--learning-rate", "--momentum", "--betas", "--eps", "--weight-decay",
                        "--batch-mode", "--batch-size", "--epochs", "--validation", "--patience", "--save",
                        "BATCH, MINI_BATCH, STOCHASTIC")},
                new Object[] {"lecture", List.of("--only", "--skip", "--data")});
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("subcommandFlags")
    void helpOfEachSubcommandListsItsFlagsAndTheGlobalOnes(String command, List<String> flags) {
        Run r = run(command, "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Usage: descent " + command + " "), r.out());
        List<String> expected = new ArrayList<>(flags);
        expected.addAll(GLOBAL);
        String text = r.out().replaceAll("\\s+", " ");
        for (String f : expected) assertTrue(text.contains(f), f + " missing in\n" + r.out());
        assertEquals(r.out(), run("help", command).out(), "'descent help CMD' prints the same");
    }

    @Test
    void infoListsBothBackendsAndTheSelection() {
        Run r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Descent 0.1.0 on Java "), r.out());
        assertTrue(r.out().contains("Descent backends (2 found):"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  jblas +priority +20 .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  ejml +priority +10 .*"), r.out());
        assertTrue(r.out().contains("Selected: "), r.out());
    }

    @Test
    void backendOptionSelectsTheBackendForTheRunOnly() {
        Run r = run("--backend", "EJML", "info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Selected: ejml"), r.out());
        assertNull(System.getProperty(Backends.PROPERTY), "the property is restored after the run");
        Run after = run("info", "--backend", "ejml");
        assertTrue(after.out().contains("Selected: ejml"), "global options also follow the subcommand");
    }

    static void assertUsageError(Run r, String prefix, String... contains) {
        assertEquals(Main.USAGE, r.code(), r.err());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith(prefix + ": "), line);
        for (String c : contains) assertTrue(line.contains(c), c + " missing in: " + line);
        assertEquals("", r.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertUsageError(run("frobnicate"), "descent", "unknown command 'frobnicate'", "see 'descent --help'");
    }

    @Test
    void unknownOptionIsAUsageErrorOfTheSubcommand() {
        assertUsageError(run("init", "--frobnicate"), "descent init", "Unknown option: '--frobnicate'",
                "see 'descent init --help'");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertUsageError(run("--seed", "abc", "info"), "descent", "--seed", "abc");
        assertUsageError(run("--dtype", "int32", "info"), "descent", "expected float32 or float64, got 'int32'");
        assertUsageError(run("info", "--backend", "cuda"), "descent info", "unknown backend 'cuda'", "ejml", "jblas");
        assertUsageError(run("init", "--epochs", "0"), "descent init", "--epochs", "expected > 0");
        assertUsageError(run("init", "--inits", "ZERO,HUGE"), "descent init", "HUGE");
        assertUsageError(run("optimizers", "--optimizers", "adam,sgdx"), "descent optimizers", "'sgdx'", "adamw");
        assertUsageError(run("train", "--data", "mnist"), "descent train", "csv:FILE");
        assertUsageError(run("lecture", "--only", "nope"), "descent lecture", "unknown demo 'nope'", "shapes");
        assertUsageError(run("--quiet", "--verbose", "info"), "descent info", "exclude each other");
    }

    @Test
    void missingFashionMnistDataSaysHowToGetIt(@TempDir Path out) {
        Run r = run("--out", out.toString(), "fashion-mnist", "--data", out.resolve("none").toString());
        assertEquals(Main.FAILURE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("Fashion-MNIST data not found in " + out.resolve("none")), r.err());
        assertTrue(r.err().contains("--data DIR"), r.err());
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path out) {
        Run r = run("--verbose", "--out", out.toString(), "fashion-mnist", "--data", out.toString());
        assertEquals(Main.FAILURE, r.code());
        assertTrue(r.errLines().size() > 3, r.err());
        assertTrue(r.err().contains("\tat dev.descent.examples.cli.FashionMnistCommand.requireData"), r.err());
    }

    @Test
    void lectureWritesTheReportAndFailsWhileDemosAreMissing(@TempDir Path out) throws Exception {
        // The built demos are skipped: their own tests cover them, at settings that run in seconds.
        Run r = run("--out", out.toString(), "lecture", "--skip",
                "fashion-mnist,init,learning-rate,gradient-descent,optimizers,clipping,losses");
        Path index = out.resolve("report/index.html");
        assertTrue(Files.isRegularFile(index), r.err());
        assertTrue(r.out().contains("report: " + index.toAbsolutePath().normalize()), r.out());
        assertEquals(Main.FAILURE, r.code());
        String last = r.errLines().get(r.errLines().size() - 1);
        assertEquals("descent lecture: of 1 demos, 1 not available in this build (shapes)", last);
        String html = Files.readString(index);
        assertTrue(html.contains("Not run: the &#39;shapes&#39; demo is not available in this build."), html);
        assertTrue(html.contains("<td>seed</td><td>42</td>"), html);
    }

    @Test
    void versionOption() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Descent 0.1.0 on Java "), r.out());
    }
}
