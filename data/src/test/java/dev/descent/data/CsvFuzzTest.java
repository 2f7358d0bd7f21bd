package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded mutation fuzz of {@link Csv}: {@value #CASES} valid tables (quoted cells, blank lines, CRLF, a
 * byte-order mark, class or numeric labels), each changed by one to three byte mutations chosen to hit the format's
 * edges (quotes, commas, line breaks, NUL, bytes that are not UTF-8). Reading one either fails with a
 * {@link DatasetFormatException} that names the file and a line, or returns a complete table: one row per sample
 * line, every feature finite. Any other exception fails the test with the case's seed.
 */
class CsvFuzzTest {
    static final int CASES = 10_000;
    private static final long SEED = 20261203L;
    private static final long BUDGET_NANOS = 10_000_000_000L;
    private static final byte[] EDGES = {'"', ',', '\n', '\r', 0, (byte) 0xE9, (byte) 0xC3, (byte) 0xFF, ' ', '.', 'e', '-', '1'};

    @TempDir
    Path dir;

    @Test
    void mutatedTablesFailOnlyWithTheDocumentedException() throws IOException {
        Rng rng = new Rng(SEED);
        Backend backend = Backends.get();
        Path file = dir.resolve("fuzz.csv");
        int refused = 0, accepted = 0;
        long start = System.nanoTime();
        for (int c = 0; c < CASES; c++) {
            long caseSeed = rng.nextLong();
            Rng r = new Rng(caseSeed);
            boolean numericLabel = r.nextBernoulli(0.3);
            byte[] bytes = mutate(table(r, numericLabel), r);
            Csv.Header header = r.nextBernoulli(0.2) ? Csv.Header.NONE : Csv.Header.REQUIRED;
            String label = header == Csv.Header.NONE ? "column " + (1 + r.nextInt(3)) : "y";
            Dataset d;
            try {
                if (c % 100 == 0) { // every hundredth case from a file, the rest from memory
                    Files.write(file, bytes);
                    d = numericLabel ? Csv.readTargets(file, label, header, backend, DType.FLOAT64)
                            : Csv.readClasses(file, label, header, backend, DType.FLOAT64);
                } else {
                    var in = new ByteArrayInputStream(bytes);
                    d = numericLabel ? Csv.readTargets(file, in, label, header, backend, DType.FLOAT64)
                            : Csv.readClasses(file, in, label, header, backend, DType.FLOAT64);
                }
            } catch (DatasetFormatException e) {
                FuzzChecks.assertDocumented(e, file, caseSeed, "line ", "no header line");
                refused++;
                continue;
            } catch (RuntimeException | IOException e) {
                throw FuzzChecks.unexpected(caseSeed, e);
            }
            accepted++;
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) text = text.substring(1);
            long lines = Arrays.stream(text.split("\n", -1)).filter(l -> !l.isBlank()).count(); // lines end at \n only
            assertEquals(header == Csv.Header.NONE ? lines : lines - 1, d.size(), "case seed " + caseSeed);
            assertTrue(Arrays.stream(d.features().toDoubleArray()).allMatch(Double::isFinite), "case seed " + caseSeed);
        }
        long elapsed = System.nanoTime() - start;
        assertTrue(refused > CASES / 4 && accepted > CASES / 20, refused + " refused, " + accepted + " accepted");
        assertTrue(elapsed < BUDGET_NANOS, "fuzz took " + elapsed / 1e9 + " s");
        System.out.printf("CsvFuzzTest: %d cases, %d refused, %d accepted, %.1f s%n", CASES, refused, accepted, elapsed / 1e9);
    }

    /** A valid table: header a,b,y then 1 to 6 rows, with the format's optional forms at random. */
    private static byte[] table(Rng r, boolean numericLabel) {
        StringBuilder s = new StringBuilder();
        if (r.nextBernoulli(0.1)) s.append('\uFEFF');
        String eol = r.nextBernoulli(0.2) ? "\r\n" : "\n";
        s.append(r.nextBernoulli(0.2) ? "\"a\", b ,y" : "a,b,y").append(eol);
        int rows = 1 + r.nextInt(6);
        for (int i = 0; i < rows; i++) {
            if (r.nextBernoulli(0.1)) s.append(eol);
            s.append(number(r)).append(',').append(r.nextBernoulli(0.2) ? "\"" + number(r) + "\"" : number(r)).append(',');
            s.append(numericLabel ? number(r) : new String[] {"cat", "dog", "\"x, \"\"y\"\"\"", "caf\u00e9", "3"}[r.nextInt(5)]);
            s.append(eol);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String number(Rng r) {
        return new String[] {"0", "-1.5", "2e3", ".25", "7", "+3.", "1E-2"}[r.nextInt(7)];
    }

    private static byte[] mutate(byte[] b, Rng r) {
        int count = 1 + r.nextInt(3);
        for (int m = 0; m < count && b.length > 0; m++) {
            int at = r.nextInt(b.length);
            byte edge = EDGES[r.nextInt(EDGES.length)];
            switch (r.nextInt(5)) {
                case 0 -> { // overwrite
                    b = b.clone();
                    b[at] = edge;
                }
                case 1 -> { // insert
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = edge;
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                case 2 -> { // delete
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                case 3 -> b = Arrays.copyOf(b, at); // truncate
                default -> { // flip a bit
                    b = b.clone();
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
        }
        return b;
    }
}
