package dev.descent.examples.cli;

import dev.descent.core.Tensor;
import dev.descent.onnx.Onnx;
import dev.descent.onnx.OnnxModule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code descent predict}: runs an ONNX model (exported by {@code descent export}, PyTorch or another tool, within
 * the supported operators) on the rows of a CSV file and writes its outputs and the arg-max class of each row.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        header = "Run an ONNX model on data",
        description = {"Runs an ONNX model with one input (batch, features) on a CSV file: an optional header line, "
                + "then one sample per line, every column a feature (drop label columns first, or name them with "
                + "--skip-columns). Writes OUT/predictions.csv: the outputs of each row and the arg-max class."})
final class PredictCommand implements Callable<Integer> {
    /** The most rows read. */
    static final int MAX_ROWS = 1 << 22;

    @ParentCommand
    DescentCommand root;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ONNX model.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "The CSV file of samples.")
    Path data;

    @Option(names = "--skip-columns", split = ",", paramLabel = "I",
            description = "Zero-based columns that are not features (a label, an id).")
    List<Integer> skip = List.of();

    @Override
    public Integer call() throws IOException {
        var ctx = root.context();
        OnnxModule net = Onnx.load(model);
        Tensor x = read(data, skip).to(net.dtype());
        Tensor y = net.predict(x);
        if (y.rank() != 2) {
            throw new IllegalArgumentException("the model's output has shape " + y.shape()
                    + "; expected (rows, outputs)");
        }
        Tensor classes = y.argmax(1);
        Path file = ctx.file("predictions.csv");
        int n = y.shape().dim(0), k = y.shape().dim(1);
        double[] v = y.toDoubleArray();
        int[] c = classes.toIntArray();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            List<String> header = new ArrayList<>();
            for (int j = 0; j < k; j++) header.add("output_" + j);
            header.add("class");
            w.write(String.join(",", header));
            w.newLine();
            for (int i = 0; i < n; i++) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < k; j++) sb.append(v[i * k + j]).append(',');
                w.write(sb.append(c[i]).toString());
                w.newLine();
            }
        }
        ctx.say("Ran %s on %d rows of %s: %d outputs each; wrote %s", model.getFileName(), n, data.getFileName(), k, file);
        if (!ctx.quiet()) {
            for (int i = 0; i < Math.min(n, 5); i++) ctx.out().printf(Locale.ROOT, "  row %d: class %d%n", i, c[i]);
        }
        return 0;
    }

    /** The CSV's numbers as a float64 (rows, columns) tensor; a first line that is not numeric is a header. */
    static Tensor read(Path file, List<Integer> skip) throws IOException {
        List<double[]> rows = new ArrayList<>();
        int width = -1, lineNo = 0;
        try (var lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] cells = line.split(",", -1);
                List<Double> values = new ArrayList<>();
                boolean numeric = true;
                for (int j = 0; j < cells.length && numeric; j++) {
                    if (skip.contains(j)) continue;
                    try {
                        values.add(Double.parseDouble(cells[j].trim()));
                    } catch (NumberFormatException e) {
                        numeric = false;
                    }
                }
                if (!numeric) {
                    if (rows.isEmpty() && lineNo == 1) continue; // the header
                    throw new IllegalArgumentException(file + " line " + lineNo + " has a value that is "
                            + "not a number: " + line);
                }
                if (width < 0) width = values.size();
                if (values.size() != width) {
                    throw new IllegalArgumentException(file + " line " + lineNo + " has " + values.size()
                            + " features, expected " + width);
                }
                if (rows.size() == MAX_ROWS) throw new IllegalArgumentException("more than " + MAX_ROWS + " rows");
                rows.add(values.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        if (rows.isEmpty() || width == 0) throw new IllegalArgumentException(file + " holds no samples");
        double[] all = new double[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, all, i * width, width);
        return Tensor.on(dev.descent.core.Backends.get(), dev.descent.core.DType.FLOAT64).of(all, rows.size(), width);
    }
}
