package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes that are not UTF-8, stray quotes, NULs, a missing header and a file that is one endless line: each is a
 * {@link DatasetFormatException} naming the file, the line and the column, and the endless line costs the reader
 * at most its line limit, whatever the file's size.
 */
class CsvHostileFilesTest {
    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        Path f = dir.resolve("hostile.csv");
        Files.write(f, bytes);
        return f;
    }

    private Path file(String text) throws IOException {
        return file(text.getBytes(StandardCharsets.UTF_8));
    }

    private static DatasetFormatException refused(Path f, String... parts) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Csv.readClasses(f, "y"));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        assertFalse(e.getMessage().contains("null"), e.getMessage());
        return e;
    }

    @Test
    void aLatin1ByteNamesTheLineAndTheColumn() throws IOException {
        byte[] latin1 = "a,b,y\n1,2,0\n3,caf\u00e9,1\n".getBytes(StandardCharsets.ISO_8859_1);
        refused(file(latin1), "line 3, column 2", "byte 0xE9", "not UTF-8");
        byte[] inHeader = "a,\"b,c\",d\u00e9,y\n".getBytes(StandardCharsets.ISO_8859_1);
        refused(file(inHeader), "line 1, column 3", "byte 0xE9");
    }

    @Test
    void strayQuotesAreErrors() throws IOException {
        refused(file("a,b,y\n1\"2\"3,4,0\n"), "line 2, column 1", "stray quote");
        refused(file("a,b,y\n1,\"2\"3,0\n"), "line 2, column 2", "text after the closing quote");
        refused(file("a,b,y\n1,2,0\n5,6,\"x\n"), "line 3, column 3", "quote is not closed");
        Dataset ok = Csv.readClasses(file("a,b,y\n\" 1.5 \",\"2\",\"x, \"\"y\"\"\"\n"), "y");
        assertArrayEquals(new float[] {1.5f, 2f}, ok.features().toFloatArray());
        assertEquals(List.of("x, \"y\""), ok.classNames());
    }

    @Test
    void aNulInsideACellIsAnError() throws IOException {
        refused(file("a,b,y\n1,2\u00003,0\n"), "line 2, column 2", "NUL");
        refused(file("a,b,y\n1,2,0\u0000\n"), "line 2, column 3", "NUL");
        refused(file("a,b,y\n1,\"\u0000\",0\n"), "line 2, column 2", "NUL");
    }

    @Test
    void aFileWithoutAHeaderNeedsHeaderNone() throws IOException {
        Path f = file("5.1,3.5,0\n4.9,3.0,1\n6.2,2.9,1\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Csv.readClasses(f, "column 3"));
        assertTrue(e.getMessage().contains("line 1: every cell is a number"), e.getMessage());
        assertTrue(e.getMessage().contains("--no-header"), e.getMessage());
        Dataset d = Csv.readClasses(f, "column 3", Csv.Header.NONE, Backends.get(), DType.FLOAT64);
        assertEquals(List.of("column 1", "column 2"), d.featureNames());
        assertArrayEquals(new double[] {5.1, 3.5, 4.9, 3.0, 6.2, 2.9}, d.features().toDoubleArray());
        assertArrayEquals(new int[] {0, 1, 1}, d.labels().toIntArray());
        assertEquals(List.of("column 1", "column 2", "column 3"), Csv.columnNames(f, Csv.Header.NONE));
        Dataset t = Csv.readTargets(f, "column 1", Csv.Header.NONE, Backends.get(), DType.FLOAT64);
        assertArrayEquals(new double[] {5.1, 4.9, 6.2}, t.labels().toDoubleArray());
        DatasetFormatException ragged = assertThrows(DatasetFormatException.class, () -> Csv.readClasses(
                file("1,2,0\n3,4\n"), "column 3", Csv.Header.NONE, Backends.get(), DType.FLOAT32));
        assertTrue(ragged.getMessage().contains("line 2: 2 cells, expected 3 as in line 1"), ragged.getMessage());
    }

    @Test
    void anEndlessLineCostsAtMostTheLineLimit() throws IOException {
        Path f = dir.resolve("endless.csv");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write("a,b,y\n1,".getBytes(StandardCharsets.US_ASCII));
            raf.setLength(1L << 30); // 1 GiB, sparse: the rest is zero bytes without a line break
        }
        long[] used = new long[1];
        DatasetFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = bean.getCurrentThreadAllocatedBytes();
            DatasetFormatException thrown = assertThrows(DatasetFormatException.class, () -> Csv.readClasses(f, "y"));
            used[0] = bean.getCurrentThreadAllocatedBytes() - before;
            return thrown;
        });
        assertTrue(e.getMessage().contains("line 2 is longer than " + Csv.MAX_LINE_BYTES + " bytes"), e.getMessage());
        assertTrue(used[0] < 4L * Csv.MAX_LINE_BYTES, "allocated " + used[0]); // the bound the class documents
    }
}
