package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a numeric table from a CSV file: a header line of column names, then one sample per line, comma-separated,
 * fields optionally in double quotes (without line breaks inside). One named column holds the label; every other
 * column is a feature and must hold a finite decimal number ({@code 3}, {@code -0.5}, {@code 1e-3}). Blank lines
 * are skipped; a UTF-8 byte-order mark is ignored.
 *
 * <p>A bad cell, a row of the wrong length or a missing label column is a {@link DatasetFormatException} naming the
 * file, the line (counting from 1, the header included) and the column.
 *
 * <pre>{@code
 * Dataset iris = Csv.readClasses(Path.of("iris.csv"), "species");   // classes "setosa", ... in sorted order
 * Dataset houses = Csv.readTargets(Path.of("houses.csv"), "price"); // float32 targets (n, 1)
 * }</pre>
 */
public final class Csv {
    /** The most classes a label column may define. */
    static final int MAX_CLASSES = 1 << 16;

    private Csv() {
    }

    /**
     * A classification set, FLOAT32 on the default backend. If every label is a non-negative integer, the labels
     * are those class indices and the class names are {@code "0"} to the largest; otherwise the distinct labels,
     * sorted, are the class names and each label is its name's index.
     */
    public static Dataset readClasses(Path file, String labelColumn) throws IOException {
        return readClasses(file, labelColumn, Backends.get(), DType.FLOAT32);
    }

    /** {@link #readClasses(Path, String)} with features in {@code dtype} on {@code backend}. */
    public static Dataset readClasses(Path file, String labelColumn, Backend backend, DType dtype) throws IOException {
        Table t = parse(file, labelColumn, dtype, "Csv.readClasses");
        int n = t.labels.size();
        int[] y = new int[n];
        List<String> classNames = new ArrayList<>();
        boolean integers = t.labels.stream().allMatch(s -> !s.isEmpty() && s.length() <= 9 && s.chars().allMatch(ch -> ch >= '0' && ch <= '9'));
        if (integers) {
            int max = -1;
            for (int i = 0; i < n; i++) {
                y[i] = Integer.parseInt(t.labels.get(i));
                max = Math.max(max, y[i]);
            }
            if (max >= MAX_CLASSES) {
                throw new DatasetFormatException(file, "label column '" + labelColumn + "' has class " + max
                        + ", more than " + MAX_CLASSES + " classes (use readTargets for a numeric target)");
            }
            for (int c = 0; c <= max; c++) classNames.add(Integer.toString(c));
        } else {
            classNames.addAll(new TreeSet<>(t.labels));
            if (classNames.size() > MAX_CLASSES) {
                throw new DatasetFormatException(file, "label column '" + labelColumn + "' has " + classNames.size()
                        + " distinct values, more than " + MAX_CLASSES + " classes");
            }
            Map<String, Integer> index = new HashMap<>();
            for (int c = 0; c < classNames.size(); c++) index.put(classNames.get(c), c);
            for (int i = 0; i < n; i++) y[i] = index.get(t.labels.get(i));
        }
        return new Dataset(t.features(backend, dtype), Tensor.on(backend, DType.INT32).of(y), classNames, t.featureNames);
    }

    /** A regression set: FLOAT32 features and targets {@code (n, 1)} on the default backend. */
    public static Dataset readTargets(Path file, String targetColumn) throws IOException {
        return readTargets(file, targetColumn, Backends.get(), DType.FLOAT32);
    }

    /** {@link #readTargets(Path, String)} with features and targets in {@code dtype} on {@code backend}. */
    public static Dataset readTargets(Path file, String targetColumn, Backend backend, DType dtype) throws IOException {
        Table t = parse(file, targetColumn, dtype, "Csv.readTargets");
        int n = t.labels.size();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = number(file, t.labelLines[i], t.labelIndex, targetColumn, t.labels.get(i));
        return new Dataset(t.features(backend, dtype), Tensor.on(backend, dtype).of(y, n, 1), List.of(), t.featureNames);
    }

    /** The parsed table: feature values row by row, raw label cells, and where each label came from. */
    private static final class Table {
        final List<String> featureNames;
        final int labelIndex;
        final double[] values;
        final List<String> labels;
        final int[] labelLines;

        Table(List<String> featureNames, int labelIndex, double[] values, List<String> labels, int[] labelLines) {
            this.featureNames = featureNames;
            this.labelIndex = labelIndex;
            this.values = values;
            this.labels = labels;
            this.labelLines = labelLines;
        }

        Tensor features(Backend backend, DType dtype) {
            return Tensor.on(backend, dtype).of(values, labels.size(), featureNames.size());
        }
    }

    private static Table parse(Path file, String labelColumn, DType dtype, String op) throws IOException {
        if (labelColumn == null) throw new IllegalArgumentException(op + ": labelColumn must not be null");
        if (!dtype.isFloating()) throw new IllegalArgumentException(op + ": expected FLOAT32 or FLOAT64, got " + dtype);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            String line;
            List<String> header = null;
            while (header == null && (line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                if (!line.isBlank()) header = split(file, lineNo, line);
            }
            if (header == null) throw new DatasetFormatException(file, "no header line (the file is empty)");
            for (int c = 0; c < header.size(); c++) {
                if (header.indexOf(header.get(c)) != c) {
                    throw new DatasetFormatException(file, "line " + lineNo + ", column " + (c + 1) + ": the name '"
                            + header.get(c) + "' appears twice in the header");
                }
            }
            int labelIndex = header.indexOf(labelColumn);
            if (labelIndex < 0) {
                throw new DatasetFormatException(file, "line " + lineNo + ": no column '" + labelColumn
                        + "' in the header " + header);
            }
            if (header.size() < 2) throw new DatasetFormatException(file, "line " + lineNo + ": no feature columns besides '" + labelColumn + "'");
            List<String> featureNames = new ArrayList<>(header);
            featureNames.remove(labelIndex);
            int d = featureNames.size();
            double[] values = new double[64 * d];
            List<String> labels = new ArrayList<>();
            int[] labelLines = new int[64];
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                List<String> cells = split(file, lineNo, line);
                if (cells.size() != header.size()) {
                    throw new DatasetFormatException(file, "line " + lineNo + ": " + cells.size() + " cells, expected "
                            + header.size() + " as in the header");
                }
                int row = labels.size();
                if ((long) (row + 1) * d > Integer.MAX_VALUE - 8) {
                    throw new DatasetFormatException(file, "line " + lineNo + ": more values than a tensor can hold");
                }
                if ((row + 1) * d > values.length) values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, 2L * values.length));
                if (row == labelLines.length) labelLines = Arrays.copyOf(labelLines, 2 * row);
                for (int c = 0, f = 0; c < cells.size(); c++) {
                    if (c == labelIndex) continue;
                    values[row * d + f++] = number(file, lineNo, c, header.get(c), cells.get(c));
                }
                String label = cells.get(labelIndex);
                if (label.isEmpty()) {
                    throw new DatasetFormatException(file, "line " + lineNo + ", column " + (labelIndex + 1) + " ('"
                            + labelColumn + "'): empty label");
                }
                labels.add(label);
                labelLines[row] = lineNo;
            }
            return new Table(featureNames, labelIndex, Arrays.copyOf(values, labels.size() * d), labels, labelLines);
        }
    }

    /** The cells of one line: split at commas outside double quotes, trimmed, quotes removed ("" is a quote). */
    private static List<String> split(Path file, int lineNo, String line) throws DatasetFormatException {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        if (quoted) throw new DatasetFormatException(file, "line " + lineNo + ": a quote is not closed on this line");
        cells.add(cell.toString().trim());
        return cells;
    }

    /** A finite decimal number, or an exception naming line and column (columns count from 1). */
    private static double number(Path file, int lineNo, int column, String name, String cell) throws DatasetFormatException {
        String where = "line " + lineNo + ", column " + (column + 1) + " ('" + name + "'): ";
        if (cell.isEmpty()) throw new DatasetFormatException(file, where + "empty cell (expected a number)");
        if (!isDecimal(cell)) throw new DatasetFormatException(file, where + "'" + cell + "' is not a number");
        double v = Double.parseDouble(cell);
        if (!Double.isFinite(v)) throw new DatasetFormatException(file, where + "'" + cell + "' is out of range");
        return v;
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}: no NaN, infinity, hex or type suffix. */
    static boolean isDecimal(String s) {
        int i = 0, n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = 0;
        while (i < n && isAsciiDigit(s.charAt(i))) { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isAsciiDigit(s.charAt(i))) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int exp = 0;
            while (i < n && isAsciiDigit(s.charAt(i))) { i++; exp++; }
            if (exp == 0) return false;
        }
        return i == n;
    }

    private static boolean isAsciiDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }
}
