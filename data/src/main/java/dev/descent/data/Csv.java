package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
 * Reads a numeric table from a UTF-8 CSV file: a header line of column names (or none, with {@link Header#NONE}),
 * then one sample per line, comma-separated, a cell optionally in double quotes as a whole (without line breaks
 * inside; {@code ""} is a quote). One named column holds the label; every other column is a feature and must hold
 * a finite decimal number ({@code 3}, {@code -0.5}, {@code 1e-3}). Blank lines are skipped; a UTF-8 byte-order mark
 * is ignored. A first line whose every cell is a number is taken for data, so without {@link Header#NONE} it is an
 * error rather than a header.
 *
 * <p>A bad cell, a byte that is not UTF-8, a stray quote ({@code 1"2"3}), a NUL character, a row of the wrong
 * length or a missing label column is a {@link DatasetFormatException} naming the file, the line (counting from 1,
 * the header included) and the column (from 1).
 *
 * <p><b>Memory bound.</b> The reader holds one line at a time, at most {@value #MAX_LINE_BYTES} bytes (a longer line
 * is an error, found after allocating at most four times that limit, whatever the file's size), and the values
 * parsed so far: 8 bytes per feature cell, in an array that grows by doubling, and one string per distinct label.
 *
 * <pre>{@code
 * Dataset iris = Csv.readClasses(Path.of("iris.csv"), "species");   // classes "setosa", ... in sorted order
 * Dataset houses = Csv.readTargets(Path.of("houses.csv"), "price"); // float32 targets (n, 1)
 * }</pre>
 */
public final class Csv {
    /** The most classes a label column may define. */
    static final int MAX_CLASSES = 1 << 16;
    /** The longest line the reader accepts, in bytes (16 MiB). */
    static final int MAX_LINE_BYTES = 1 << 24;

    /** Whether the file's first non-blank line names the columns. */
    public enum Header {
        /** The first line names the columns; a first line whose every cell is a number is an error. */
        REQUIRED,
        /** Every line is a sample; the columns are named {@code "column 1"}, {@code "column 2"}, ... */
        NONE
    }

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
        return readClasses(file, labelColumn, Header.REQUIRED, backend, dtype);
    }

    /** {@link #readClasses(Path, String, Backend, DType)} for a file with or without a header line. */
    public static Dataset readClasses(Path file, String labelColumn, Header header, Backend backend, DType dtype)
            throws IOException {
        return fromFile(Csv::readClasses, file, labelColumn, header, backend, dtype);
    }

    /** One of the stream readers below. */
    private interface StreamReader {
        Dataset read(Path file, InputStream in, String column, Header header, Backend backend, DType dtype) throws IOException;
    }

    private static Dataset fromFile(StreamReader reader, Path file, String column, Header header, Backend backend,
                                    DType dtype) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return reader.read(file, in, column, header, backend, dtype);
        }
    }

    /** {@link #readClasses(Path, String, Header, Backend, DType)} of the bytes in {@code in}, named {@code file}. */
    static Dataset readClasses(Path file, InputStream in, String labelColumn, Header header, Backend backend, DType dtype)
            throws IOException {
        Table t = parse(file, in, labelColumn, header, dtype, "Csv.readClasses");
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
        return readTargets(file, targetColumn, Header.REQUIRED, backend, dtype);
    }

    /** {@link #readTargets(Path, String, Backend, DType)} for a file with or without a header line. */
    public static Dataset readTargets(Path file, String targetColumn, Header header, Backend backend, DType dtype)
            throws IOException {
        return fromFile(Csv::readTargets, file, targetColumn, header, backend, dtype);
    }

    /** {@link #readTargets(Path, String, Header, Backend, DType)} of the bytes in {@code in}, named {@code file}. */
    static Dataset readTargets(Path file, InputStream in, String targetColumn, Header header, Backend backend, DType dtype)
            throws IOException {
        Table t = parse(file, in, targetColumn, header, dtype, "Csv.readTargets");
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

    private static Table parse(Path file, InputStream stream, String labelColumn, Header headerMode, DType dtype, String op)
            throws IOException {
        if (labelColumn == null) throw new IllegalArgumentException(op + ": labelColumn must not be null");
        if (headerMode == null) throw new IllegalArgumentException(op + ": header must not be null");
        if (!dtype.isFloating()) throw new IllegalArgumentException(op + ": expected FLOAT32 or FLOAT64, got " + dtype);
        try (Lines in = new Lines(file, stream)) {
            List<String> header = null;
            List<String> first = null;
            while (first == null && in.next()) {
                if (!in.blank()) first = split(file, in.number(), in.text());
            }
            if (first == null) throw new DatasetFormatException(file, "no header line (the file is empty)");
            int headerLine = in.number();
            if (headerMode == Header.NONE) {
                header = generatedNames(first.size());
            } else {
                header = first;
                first = null;
                if (header.stream().allMatch(Csv::isDecimal)) {
                    throw new DatasetFormatException(file, "line " + headerLine + ": every cell is a number, so this is "
                            + "a row of data, not a header of column names (read a file without a header line with "
                            + "Csv.Header.NONE; on the command line, --no-header)");
                }
            }
            for (int c = 0; c < header.size(); c++) {
                if (header.indexOf(header.get(c)) != c) {
                    throw new DatasetFormatException(file, "line " + headerLine + ", column " + (c + 1) + ": the name '"
                            + header.get(c) + "' appears twice in the header");
                }
            }
            int labelIndex = header.indexOf(labelColumn);
            if (labelIndex < 0) {
                throw new DatasetFormatException(file, "line " + headerLine + ": no column '" + labelColumn
                        + "' in the " + (headerMode == Header.NONE ? "generated column names " : "header ") + header);
            }
            if (header.size() < 2) throw new DatasetFormatException(file, "line " + headerLine + ": no feature columns besides '" + labelColumn + "'");
            List<String> featureNames = new ArrayList<>(header);
            featureNames.remove(labelIndex);
            int d = featureNames.size();
            double[] values = new double[64 * d];
            List<String> labels = new ArrayList<>();
            Map<String, String> distinct = new HashMap<>();
            int[] labelLines = new int[64];
            while (first != null || in.next()) {
                List<String> cells;
                if (first != null) {
                    cells = first;
                    first = null;
                } else {
                    if (in.blank()) continue;
                    cells = split(file, in.number(), in.text());
                }
                int lineNo = in.number();
                if (cells.size() != header.size()) {
                    throw new DatasetFormatException(file, "line " + lineNo + ": " + cells.size() + " cells, expected "
                            + header.size() + (headerMode == Header.NONE ? " as in line " + headerLine : " as in the header"));
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
                labels.add(distinct.computeIfAbsent(label, k -> k)); // one String per distinct label
                labelLines[row] = lineNo;
            }
            return new Table(featureNames, labelIndex, Arrays.copyOf(values, labels.size() * d), labels, labelLines);
        }
    }

    /** The names of a file without a header line: {@code "column 1"}, {@code "column 2"}, ... */
    static List<String> generatedNames(int n) {
        List<String> names = new ArrayList<>(n);
        for (int c = 1; c <= n; c++) names.add("column " + c);
        return names;
    }

    /**
     * The column names of {@code file}: its header line, or {@code "column 1"} to {@code "column n"} for
     * {@link Header#NONE} (n from the first line). Reads only up to the first non-blank line.
     *
     * @throws DatasetFormatException as the readers do, naming the file, the line and the column
     */
    public static List<String> columnNames(Path file, Header header) throws IOException {
        try (Lines in = new Lines(file, Files.newInputStream(file))) {
            while (in.next()) {
                if (in.blank()) continue;
                List<String> cells = split(file, in.number(), in.text());
                return header == Header.NONE ? generatedNames(cells.size()) : List.copyOf(cells);
            }
            throw new DatasetFormatException(file, "no header line (the file is empty)");
        }
    }

    /**
     * The cells of one line: split at commas outside double quotes, each trimmed. A quoted cell ({@code "a, b"}, with
     * {@code ""} for a quote) must be the whole cell; a quote anywhere else, or a NUL character, is an error naming
     * the line and the column.
     */
    private static List<String> split(Path file, int lineNo, String line) throws DatasetFormatException {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int i = 0, n = line.length();
        while (true) {
            int column = cells.size() + 1;
            while (i < n && line.charAt(i) == ' ') i++;
            boolean quoted = i < n && line.charAt(i) == '"';
            if (quoted) {
                i++;
                while (true) {
                    if (i >= n) throw new DatasetFormatException(file, "line " + lineNo + ", column " + column
                            + ": a quote is not closed on this line");
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cell.append(checked(file, lineNo, column, ch));
                    }
                }
                while (i < n && line.charAt(i) == ' ') i++;
                if (i < n && line.charAt(i) != ',') {
                    throw new DatasetFormatException(file, "line " + lineNo + ", column " + column
                            + ": text after the closing quote of a quoted cell");
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        throw new DatasetFormatException(file, "line " + lineNo + ", column " + column + ": a stray "
                                + "quote inside an unquoted cell (quote the whole cell and double the quote: \"1\"\"2\")");
                    }
                    cell.append(checked(file, lineNo, column, ch));
                }
            }
            cells.add(cell.toString().trim());
            cell.setLength(0);
            if (i >= n) return cells;
            i++; // the comma
        }
    }

    private static char checked(Path file, int lineNo, int column, char ch) throws DatasetFormatException {
        if (ch == 0) throw new DatasetFormatException(file, "line " + lineNo + ", column " + column + ": a NUL character");
        return ch;
    }

    /**
     * The file's lines, decoded as strict UTF-8 one at a time: a byte sequence that is not UTF-8 is an error naming
     * the line and the column; a line longer than {@link #MAX_LINE_BYTES} is an error, so the reader never holds
     * more than one such line.
     */
    private static final class Lines implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private final byte[] buf = new byte[1 << 16];
        private int pos, limit;
        private byte[] line = new byte[1 << 12];
        private int length;
        private int number;
        private String text;
        private boolean eof;

        Lines(Path file, InputStream in) {
            this.file = file;
            this.in = in;
        }

        /** Appends {@code n} bytes from {@code buf[pos]} to the line, within the line limit. */
        private void append(int n) throws DatasetFormatException {
            if ((long) length + n > MAX_LINE_BYTES) {
                throw new DatasetFormatException(file, "line " + (number + 1) + " is longer than " + MAX_LINE_BYTES
                        + " bytes (is it a CSV file?)");
            }
            if (length + n > line.length) line = Arrays.copyOf(line, (int) Math.min(MAX_LINE_BYTES, Math.max(length + n, 2L * line.length)));
            System.arraycopy(buf, pos, line, length, n);
            length += n;
        }

        /** Reads the next line; false at the end of the file. */
        boolean next() throws IOException {
            if (eof) return false;
            length = 0;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buf);
                    pos = 0;
                    if (limit < 0) {
                        limit = 0;
                        eof = true;
                        if (length == 0) return false;
                        break;
                    }
                }
                int end = pos;
                while (end < limit && buf[end] != '\n') end++;
                append(end - pos);
                boolean lineEnds = end < limit;
                pos = lineEnds ? end + 1 : end;
                if (lineEnds) break;
            }
            number++;
            int from = number == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
                    && (line[2] & 0xFF) == 0xBF ? 3 : 0; // a UTF-8 byte-order mark
            int to = length > from && line[length - 1] == '\r' ? length - 1 : length;
            ByteBuffer bytes = ByteBuffer.wrap(line, from, to - from);
            CharBuffer chars = CharBuffer.allocate(to - from);
            utf8.reset();
            CoderResult r = utf8.decode(bytes, chars, true);
            if (!r.isError()) r = utf8.flush(chars);
            if (r.isError()) {
                int at = bytes.position();
                throw new DatasetFormatException(file, String.format("line %d, column %d: byte 0x%02X at byte %d of "
                        + "the line is not UTF-8 (save the file as UTF-8)", number, columnAt(from, at), line[at] & 0xFF, at + 1));
            }
            text = chars.flip().toString();
            return true;
        }

        /** The column (from 1) that byte {@code at} of the line falls in: commas outside quotes before it, plus 1. */
        private int columnAt(int from, int at) {
            int column = 1;
            boolean quoted = false;
            for (int i = from; i < at; i++) {
                if (line[i] == '"') quoted = !quoted;
                else if (line[i] == ',' && !quoted) column++;
            }
            return column;
        }

        int number() {
            return number;
        }

        String text() {
            return text;
        }

        boolean blank() {
            return text.isBlank();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
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
