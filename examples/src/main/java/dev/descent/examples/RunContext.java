package dev.descent.examples;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.spi.Backend;
import dev.descent.examples.plot.Plot;
import dev.descent.examples.report.Figure;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings every demo runs with (the global options {@code --backend}, {@code --dtype}, {@code --seed},
 * {@code --out}, {@code --quiet}, {@code --verbose}) and its terminal output.
 *
 * <pre>{@code
 * Backend b = ctx.backend();
 * Rng rng = ctx.rng();                                   // seeded by --seed
 * Figure f = ctx.figure(plot, "cost.png", point, measured);   // writes outDir/cost.png
 * ctx.say("test accuracy %.1f%%", 100 * acc);            // silent with --quiet
 * }</pre>
 */
public final class RunContext {
    private final String backendName;
    private final DType dtype;
    private final long seed;
    private final Path outDir;
    private final boolean quiet;
    private final boolean verbose;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param backendName the backend's name, or null for the default selection ({@link Backends#get()})
     * @param dtype       FLOAT32 or FLOAT64
     */
    public RunContext(String backendName, DType dtype, long seed, Path outDir, boolean quiet, boolean verbose,
                      PrintStream out, PrintStream err) {
        Objects.requireNonNull(dtype, "dtype");
        if (dtype == DType.INT32) throw new IllegalArgumentException("RunContext: dtype must be FLOAT32 or FLOAT64, got INT32");
        if (quiet && verbose) throw new IllegalArgumentException("RunContext: quiet and verbose exclude each other");
        this.backendName = backendName;
        this.dtype = dtype;
        this.seed = seed;
        this.outDir = Objects.requireNonNull(outDir, "outDir");
        this.quiet = quiet;
        this.verbose = verbose;
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /** A context for tests and programmatic use: default backend, FLOAT32, quiet, printing nowhere. */
    public static RunContext forTest(Path outDir, long seed) {
        PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
        return new RunContext(null, DType.FLOAT32, seed, outDir, true, false, nowhere, nowhere);
    }

    /** The same settings with the output directory {@code outDir/sub}. */
    public RunContext inDirectory(String sub) {
        return new RunContext(backendName, dtype, seed, outDir.resolve(sub), quiet, verbose, out, err);
    }

    /** The backend chosen by {@code --backend}, or the default one. */
    public Backend backend() {
        return backendName == null ? Backends.get() : Backends.get(backendName);
    }

    /** The backend's name as asked ({@code --backend}) or selected. */
    public String backendName() {
        return backendName != null ? backendName : backend().name();
    }

    public DType dtype() {
        return dtype;
    }

    public long seed() {
        return seed;
    }

    /** A fresh generator seeded by {@code --seed}: every call returns the same sequence. */
    public Rng rng() {
        return new Rng(seed);
    }

    public Path outDir() {
        return outDir;
    }

    public boolean quiet() {
        return quiet;
    }

    public boolean verbose() {
        return verbose;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /**
     * Saves {@code model} as safetensors to {@code file} (creating its directory), or to {@code outDir/model.safetensors}
     * when {@code file} is null; returns where. A failure names the file and the reason.
     */
    public Path saveModel(dev.descent.nn.Module model, Path file) {
        Path target = file != null ? file : file("model.safetensors");
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            model.save(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + target + ": " + Errors.message(e), e);
        }
        return target;
    }

    /**
     * Writes {@code model} (put in eval mode) as an ONNX model to {@code file}, creating its directory; the model is
     * traced once on {@code sample}, a batch of its inputs (see {@code Onnx.export}).
     */
    public Path exportOnnx(dev.descent.nn.Module model, dev.descent.core.Tensor sample, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            model.eval();
            dev.descent.onnx.Onnx.export(model, sample, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ONNX model to " + file + ": " + Errors.message(e), e);
        }
        return file;
    }

    /** {@code outDir/name}, creating the directory. */
    public Path file(String name) {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output directory " + outDir + ": " + Errors.message(e), e);
        }
        return outDir.resolve(name);
    }

    /**
     * Renders {@code plot} to {@code outDir/fileName} (a PNG at twice the plot's size, and an SVG beside it with the
     * same name) and returns it as a report figure with the lecture's
     * {@code point} and what this run {@code measured}.
     */
    public Figure figure(Plot<?> plot, String fileName, String point, String measured) {
        if (!fileName.toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("RunContext.figure: expected a .png file name, got '" + fileName + "'");
        }
        Path png = plot.savePng(file(fileName));
        plot.saveSvg(Figure.svgOf(png));
        detail("wrote %s and its .svg", png);
        return new Figure(png, plot.title(), point, measured);
    }

    /** Prints a line of the demo's summary, unless {@code --quiet}. */
    public void say(String format, Object... args) {
        if (!quiet) out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
    }

    /** Prints a line only with {@code --verbose}. */
    public void detail(String format, Object... args) {
        if (verbose) out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
    }

    /** The settings as rows of the report's table. */
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("backend", backendName == null ? describeDefault() : backendName + " (--backend)");
        m.put("dtype", dtype.name());
        m.put("seed", Long.toString(seed));
        m.put("output", outDir.toAbsolutePath().normalize().toString());
        m.put("Java", Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
        m.put("machine", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        return m;
    }

    private static String describeDefault() {
        try {
            return Backends.get().name() + " (default)";
        } catch (RuntimeException e) {
            return "none: " + e.getMessage();
        }
    }
}
