package dev.descent.examples.cli;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.DefaultDType;
import dev.descent.examples.Main;
import dev.descent.examples.DemoUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            "clipping", "losses", "shapes", "hyperparameters", "layers", "early-stopping", "sparse", "training-steps",
            "sequence", "exploding-gradients", "fashion-mnist", "mlp-vs-cnn", "train", "text", "export", "predict",
            "lecture", "help");

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
                        "--steps", "adamw", "rosenbrock")},
                new Object[] {"clipping", List.of("--max-norm", "--clip-value", "--steps", "--depth", "--epochs")},
                new Object[] {"losses", List.of("--samples", "--outliers", "--huber-delta", "--steps")},
                new Object[] {"shapes", List.of("--images-per-class", "--image-size", "--noise", "--hidden", "--epochs",
                        "--batch-size", "--learning-rate")},
                new Object[] {"hyperparameters", List.of("--depths", "--widths", "--activations", "--base", "--epochs",
                        "--long-epochs", "--points-per-class", "--optimizer", "--learning-rate", "--batch-size")},
                new Object[] {"layers", List.of("--sizes", "--samples", "--activation")},
                new Object[] {"early-stopping", List.of("--train-size", "--validation-size", "--test-size", "--noise",
                        "--hidden", "--epochs", "--patience", "--learning-rate", "--batch-size")},
                new Object[] {"sparse", List.of("--optimizers", "--documents", "--vocabulary", "--zipf", "--length",
                        "--common", "--signal", "--epochs", "--batch-size")},
                new Object[] {"training-steps", List.of("--batch-size", "--hidden", "--learning-rate")},
                new Object[] {"fashion-mnist", List.of("--data", "--epochs", "--batch-size", "--learning-rate",
                        "--hidden", "--dropout", "--schedule", "--train-size", "--test-size", "--save",
                        "/usr/share/datasets/fashion-mnist")},
                new Object[] {"mlp-vs-cnn", List.of("--images", "--data", "--no-download", "--train-size",
                        "--test-size", "--hidden", "--epochs", "--batch-size", "--learning-rate")},
                new Object[] {"train", List.of("--data", "--samples", "--hidden", "--activation", "--init", "--loss",
                        "--optimizer", "--learning-rate", "--momentum", "--betas", "--eps", "--weight-decay",
                        "--batch-mode", "--batch-size", "--epochs", "--validation", "--patience", "--save",
                        "batch (all), mini-batch (--batch-size) or stochastic (one) (default: mini-batch)")},
                new Object[] {"sequence", List.of("--models", "--length", "--train-size", "--test-size", "--epochs",
                        "--batch-size", "--learning-rate", "--hidden", "--model-dim")},
                new Object[] {"exploding-gradients", List.of("--length", "--hidden", "--gain", "--learning-rate",
                        "--steps", "--max-norm")},
                new Object[] {"text", List.of("--file", "--cell", "--context", "--embedding", "--hidden", "--layers",
                        "--epochs", "--batch-size", "--learning-rate", "--validation", "--temperature", "--length",
                        "--prompt")},
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
    void infoListsEveryBackendAndTheSelection() {
        Run r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Descent 0.1.0 on Java "), r.out());
        assertTrue(r.out().contains("Descent backends (3 found):"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  openblas +priority +30 .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  jblas +priority +20 .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  ejml +priority +10 .*"), r.out());
        assertTrue(r.out().contains("Selected: openblas (highest priority available backend)"), r.out());
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
        assertUsageError(run("train", "--data", "csv:"), "descent train", "names no file");
        assertUsageError(run("train", "--betas", "0.9"), "descent train", "--betas", "expected two values");
        assertUsageError(run("train", "--optimizer", "lbfgs"), "descent train", "'lbfgs'", "adamw");
        assertUsageError(run("train", "--batch-mode", "huge"), "descent train", "--batch-mode", "huge");
        assertUsageError(run("train", "--momentum", "1"), "descent train", "--momentum", "expected 0 <= m < 1");
        assertUsageError(run("train", "--validation", "1"), "descent train", "--validation");
        assertUsageError(run("shapes", "--image-size", "4"), "descent shapes", "--image-size", "expected >= 8");
        assertUsageError(run("shapes", "--hidden", "64,0"), "descent shapes", "--hidden", "expected > 0");
        assertUsageError(run("fashion-mnist", "--dropout", "1"), "descent fashion-mnist", "--dropout");
        assertUsageError(run("fashion-mnist", "--schedule", "linear"), "descent fashion-mnist", "'linear'", "cosine");
        assertUsageError(run("lecture", "--only", "nope"), "descent lecture", "unknown demo 'nope'", "shapes");
        assertUsageError(run("--quiet", "--verbose", "info"), "descent info", "exclude each other");
    }

    @Test
    void everyDemoOfTheLectureIsBuilt() {
        assertEquals(List.of(), notBuilt(DescentCommand.commandLine(System.out, System.err)));
    }

    @Test
    void missingFashionMnistDataSaysHowToGetIt(@TempDir Path out) {
        Run r = run("--out", out.toString(), "fashion-mnist", "--data", out.resolve("none").toString());
        assertEquals(Main.FAILURE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("Fashion-MNIST data not found in " + out.resolve("none")), r.err());
        assertTrue(r.err().contains("--data DIR"), r.err());
        assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
    }

    @Test
    void trainFailuresAreOneLineWithExitCode1(@TempDir Path out) {
        Run missing = run("--out", out.toString(), "train", "--data", "csv:" + out.resolve("none.csv"));
        assertEquals(Main.FAILURE, missing.code());
        assertEquals(1, missing.errLines().size(), missing.err());
        assertTrue(missing.err().startsWith("descent train: ") && missing.err().contains("none.csv"), missing.err());
        Run bce = run("--out", out.toString(), "train", "--data", "blobs", "--loss", "bce");
        assertEquals(List.of("descent train: --loss bce needs two classes, the data has 3"), bce.errLines());
    }

    /** One failing run: exit code 1, the one line it printed. */
    private static String failure(String... args) {
        Run r = run(args);
        assertEquals(Main.FAILURE, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        return r.errLines().get(0);
    }

    @Test
    void failureMessagesSayWhatWentWrongOnceAndNameNoJavaClass(@TempDir Path out) throws Exception {
        String o = out.toString();
        Path none = out.resolve("none.csv"), oneClass = out.resolve("one.csv"), badNumber = out.resolve("bad.csv");
        Files.writeString(oneClass, "a,b,label\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n9,10,0\n");
        Files.writeString(badNumber, "a,b,label\n1,2,0\n3,x,1\n");
        Files.writeString(out.resolve("file"), "");
        List<String> lines = List.of(
                failure("--out", o, "train", "--data", "csv:" + none),
                failure("--out", o, "train", "--data", "csv:" + out),
                failure("--out", o, "train", "--data", "csv:" + oneClass),
                failure("--out", o, "train", "--data", "csv:" + badNumber),
                failure("--out", o, "train", "--data", "xor", "--samples", "40", "--epochs", "1",
                        "--save", out.resolve("file").resolve("model.safetensors").toString()),
                failure("--out", out.resolve("file").toString(), "train", "--data", "xor", "--samples", "40"));
        assertEquals(List.of(
                "descent train: " + none + ": no such CSV file",
                "descent train: " + out + ": a directory, not a CSV file",
                "descent train: the data has only 1 class; classification needs at least 2",
                "descent train: " + badNumber + ": line 3, column 2 ('b'): 'x' is not a number",
                "descent train: cannot save the model to " + out.resolve("file").resolve("model.safetensors") + ": "
                        + out.resolve("file") + ": already exists",
                "descent train: cannot create the output directory " + out.resolve("file").resolve("train") + ": "
                        + out.resolve("file").resolve("train") + ": Not a directory"), lines);
        for (String line : lines) {
            assertTrue(!line.matches(".*\\b[A-Z]\\w*(Exception|Error)\\b.*"), "a Java class in: " + line);
            assertTrue(!line.startsWith("descent train: train:"), line);
        }
    }

    @Test
    void dtypeOptionIsTheDefaultDtypeForTheRunOnly(@TempDir Path out) throws Exception {
        Run r = run("--quiet", "--dtype", "float64", "--out", out.toString(), "train", "--data", "xor", "--samples", "40",
                "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        var saved = dev.descent.core.io.Safetensors.read(out.resolve("train").resolve("model.safetensors"),
                Backends.get("ejml")).tensors();
        assertTrue(!saved.isEmpty() && saved.values().stream().allMatch(t -> t.dtype() == DType.FLOAT64), saved.toString());
        assertEquals(DType.FLOAT32, DefaultDType.get(), "the default is restored after the run");
    }

    @Test
    void batchModesAreNamedAsTheLibraryNamesThemAndTheOlderSpellingStillWorks(@TempDir Path out) throws Exception {
        for (String spelling : List.of("mini-batch", "MINI_BATCH", "minibatch")) {
            Run r = run("--quiet", "--out", out.toString(), "train", "--data", "xor", "--samples", "40", "--epochs", "1",
                    "--batch-mode", spelling, "--batch-size", "8");
            assertEquals(0, r.code(), spelling + ": " + r.err());
            // 32 training samples (40 less 20 % for validation) in mini-batches of 8: 4 steps
            assertEquals(1 + 4, Files.readAllLines(out.resolve("train").resolve("steps.csv")).size(), spelling);
        }
        assertTrue(!run("train", "--help").out().contains("MINI_BATCH"), "the help names the modes as the library does");
        assertUsageError(run("train", "--batch-mode", "mini"), "descent train",
                "expected batch, mini-batch or stochastic, got 'mini'");
    }

    @Test
    void trainWritesHistoryPlotsAndModel(@TempDir Path out) {
        Run r = run("--quiet", "--out", out.toString(), "train", "--data", "xor", "--samples", "200", "--epochs", "3",
                "--hidden", "8", "--activation", "tanh", "--init", "xavier", "--optimizer", "momentum",
                "--learning-rate", "0.1", "--batch-mode", "stochastic", "--patience", "5");
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("epochs.csv", "steps.csv", "model.safetensors", "cost.png", "accuracy.png",
                "confusion.png", "boundary.png")) {
            assertTrue(Files.isRegularFile(out.resolve("train").resolve(f)), f);
        }
        assertTrue(r.out().startsWith("train: 4 figure(s) in "), r.out());
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path out) {
        Run r = run("--verbose", "--out", out.toString(), "fashion-mnist", "--data", out.toString(), "--no-download");
        assertEquals(Main.FAILURE, r.code());
        assertTrue(r.errLines().size() > 3, r.err());
        assertTrue(r.err().contains("\tat dev.descent.examples.demos.FashionMnistDemo.locate"), r.err());
    }

    /** The lecture's demo commands whose demo is not in this build (fashion-mnist, which needs data, aside). */
    static List<String> notBuilt(CommandLine cl) {
        List<String> names = new ArrayList<>();
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof DemoCommand d) || !d.inLecture() || d instanceof FashionMnistCommand) continue;
            try {
                d.demo();
            } catch (DemoUnavailableException e) {
                names.add(sub.getCommandName());
            }
        }
        return names;
    }

    @Test
    void lectureRunsTheDemosOfTheCommandsAndLinksEveryFigure(@TempDir Path out) throws Exception {
        var stdout = new ByteArrayOutputStream();
        var stderr = new ByteArrayOutputStream();
        CommandLine cl = DescentCommand.commandLine(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        ShapesCommand shapes = (ShapesCommand) cl.getSubcommands().get("shapes").getCommand();
        shapes.imagesPerClass = 100; // a tiny configuration: the claim itself is tested in ShapesDemoTest
        shapes.epochs = 2;
        int code = cl.execute("--out", out.toString(), "lecture", "--only", "shapes,fashion-mnist", "--data",
                out.resolve("no-data").toString());
        String err = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, "missing data alone is not a failure: " + err);
        assertTrue(err.contains("descent lecture: skipped fashion-mnist: Fashion-MNIST data not found in "), err);
        Path report = out.resolve("report");
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("on 195 generated images"), "the command's settings were used: " + html);
        assertTrue(html.contains("Not run: Fashion-MNIST data not found"), html);
        assertTrue(html.contains("dataset-fashion-mnist"), html);
        List<Path> pngs;
        try (Stream<Path> files = Files.walk(report)) {
            pngs = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertEquals(5, pngs.size(), pngs.toString());
        for (Path png : pngs) {
            String link = report.relativize(png).toString().replace('\\', '/');
            assertTrue(html.contains("<img src=\"" + link + "\""), link + " is not linked");
        }
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            images++;
            assertTrue(Files.isRegularFile(report.resolve(m.group(1))), m.group(1) + " does not exist");
        }
        assertEquals(pngs.size(), images);
        assertTrue(html.contains("<td>shapes</td>"), "timing of the demo");
        assertTrue(html.contains("\u2014 test accuracy "), "captions say what this run measured");
    }

    @Test
    void versionOption() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("Descent 0.1.0 on Java "), r.out());
    }
}
