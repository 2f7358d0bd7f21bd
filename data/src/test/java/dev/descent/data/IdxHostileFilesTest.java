package dev.descent.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile IDX files, generated here (a gzip bomb is 1.2 MB on disk): each fails fast with a
 * {@link DatasetFormatException}, and the reader's allocation stays within its stated bound — the declared data
 * plus {@link #BUFFERS}, or only the buffers when the header disagrees with the file. The module's tests run at
 * {@code -Xmx1g} (see its pom), the heap the bound is stated for.
 */
class IdxHostileFilesTest {
    /** What the reader may allocate besides the declared data: its I/O buffers and small objects. */
    static final long BUFFERS = 1 << 20;
    /** A flush mode of this test's own: finish the stream. */
    private static final int FINISH = -1;

    @TempDir
    Path dir;

    /** A gzip member holding an IDX header and {@code zeros} zero bytes, deflated in 1 MiB full-flush chunks. */
    static void writeZeroBomb(Path file, byte[] idxHeader, long zeros, Long forgedLength) throws IOException {
        Deflater deflater = new Deflater(9, true);
        CRC32 crc = new CRC32();
        byte[] zeroChunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
            out.write(deflate(deflater, idxHeader, idxHeader.length, Deflater.FULL_FLUSH));
            crc.update(idxHeader);
            // NOTE: after a full flush the compressor starts afresh, so every full chunk of zeros deflates to the same bytes
            byte[] chunk = deflate(deflater, zeroChunk, zeroChunk.length, Deflater.FULL_FLUSH);
            long full = zeros / zeroChunk.length;
            for (long i = 0; i < full; i++) {
                out.write(chunk);
                crc.update(zeroChunk);
            }
            int rest = (int) (zeros % zeroChunk.length);
            out.write(deflate(deflater, zeroChunk, rest, Deflater.FULL_FLUSH));
            crc.update(zeroChunk, 0, rest);
            deflater.finish();
            out.write(deflate(deflater, new byte[0], 0, FINISH));
            long length = forgedLength != null ? forgedLength : idxHeader.length + zeros;
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue())
                    .putInt((int) length).array());
        } finally {
            deflater.end();
        }
    }

    /** Deflates {@code length} bytes of {@code input} with {@code flush}, or finishes the stream on FINISH. */
    private static byte[] deflate(Deflater d, byte[] input, int length, int flush) {
        d.setInput(input, 0, length);
        byte[] buf = new byte[1 << 16];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            int n = d.deflate(buf, 0, buf.length, flush == FINISH ? Deflater.NO_FLUSH : flush);
            out.write(buf, 0, n);
            if (flush == FINISH ? d.finished() : n < buf.length) return out.toByteArray();
        }
    }

    static byte[] idxHeader(int type, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.put(new byte[] {0, 0, (byte) type, (byte) dims.length});
        for (int d : dims) b.putInt(d);
        return b.array();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Reads {@code file}, expecting the documented exception within 2 s; returns the bytes allocated meanwhile. */
    private static long refusedWithin2s(Path file, String... parts) {
        long[] bytes = new long[1];
        DatasetFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            long before = allocated();
            DatasetFormatException thrown = assertThrows(DatasetFormatException.class, () -> Idx.read(file));
            bytes[0] = allocated() - before;
            return thrown;
        });
        assertEquals(file, e.file());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        assertFalse(e.getMessage().contains("null"), e.getMessage());
        return bytes[0];
    }

    @Test
    void aGzipBombOfZerosFailsFastWithinTheBuffers() throws IOException {
        Path bomb = dir.resolve("bomb-idx3-ubyte.gz");
        writeZeroBomb(bomb, idxHeader(0x08, 1260, 1000, 1000), 1_260_000_000L, null);
        assertTrue(Files.size(bomb) < 2_000_000, "the bomb is small on disk: " + Files.size(bomb));
        long used = refusedWithin2s(bomb, "declare 1260000000 bytes", "heap that are free");
        assertTrue(used < BUFFERS, "allocated " + used);
    }

    @Test
    void zerosPastTheDeclaredSizeFailBeforeInflating() throws IOException {
        Path file = dir.resolve("long-idx1-ubyte.gz");
        writeZeroBomb(file, idxHeader(0x08, 2), 1_000_000_000L, null);
        long used = refusedWithin2s(file, "gzip trailer says", "inflates to 1000000008");
        assertTrue(used < BUFFERS, "allocated " + used);
    }

    @Test
    void aForgedTrailerLengthStillStopsOneBytePastTheDeclaredSize() throws IOException {
        Path file = dir.resolve("forged-idx1-ubyte.gz");
        writeZeroBomb(file, idxHeader(0x08, 2), 1_000_000_000L, 10L);
        long used = refusedWithin2s(file, "data continues after the 2 bytes");
        assertTrue(used < BUFFERS, "allocated " + used);
    }

    @Test
    void aDeclaredSizeThatTheStreamLacksCostsOnlyTheDeclaredData() throws IOException {
        Path file = dir.resolve("short-idx1-ubyte.gz");
        int declared = 64 << 20;
        writeZeroBomb(file, idxHeader(0x08, declared), 1000, 8L + declared); // trailer agrees with the header, data does not
        long used = refusedWithin2s(file, "corrupted gzip stream");
        assertTrue(used < declared + BUFFERS, "allocated " + used);
    }

    @Test
    void aSecondGzipMemberIsTrailingData() throws IOException {
        byte[] raw = IdxTest.concatBytes(idxHeader(0x08, 3), new byte[] {1, 2, 3});
        byte[] one = IdxTest.gzip(raw);
        Path file = dir.resolve("two-idx1-ubyte.gz");
        Files.write(file, IdxTest.concatBytes(one, one)); // both trailers state the same length
        refusedWithin2s(file, "trailing data after the gzip member");
        Files.write(file, IdxTest.concatBytes(one, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0}));
        refusedWithin2s(file, "trailing data");
        Files.write(file, one);
        assertArrayEquals(new double[] {1, 2, 3}, Idx.read(file).toDoubleArray());
    }

    @Test
    void aValidFileCostsItsDataPlusTheBuffers() throws IOException {
        int n = 8 << 20;
        Path gz = dir.resolve("zeros-idx1-ubyte.gz");
        writeZeroBomb(gz, idxHeader(0x08, n), n, null);
        Path plain = dir.resolve("zeros-idx1-ubyte");
        try (OutputStream out = Files.newOutputStream(plain)) {
            out.write(idxHeader(0x08, n));
            out.write(new byte[n]);
        }
        for (Path file : new Path[] {gz, plain}) {
            long before = allocated();
            IdxArray a = Idx.read(file);
            long used = allocated() - before;
            assertEquals(n, a.size());
            assertTrue(used < n + BUFFERS, file + ": allocated " + used + " for " + n + " bytes of data");
        }
        assertEquals(0.0, Arrays.stream(Idx.read(gz).toDoubleArray()).max().orElseThrow());
    }
}
