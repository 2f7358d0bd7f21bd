package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxTest {
    @TempDir
    Path dir;

    /** Values that exercise each type's range: its extremes, zero, signs and, for floats, the special values. */
    static double[] samples(IdxType type, Rng rng, int n) {
        double[] special = switch (type) {
            case UBYTE -> new double[] {0, 1, 127, 128, 255};
            case BYTE -> new double[] {-128, -1, 0, 1, 127};
            case SHORT -> new double[] {Short.MIN_VALUE, -1, 0, 256, Short.MAX_VALUE};
            case INT -> new double[] {Integer.MIN_VALUE, -1, 0, 1 << 24, Integer.MAX_VALUE};
            case FLOAT -> new double[] {-0.0, Float.MIN_VALUE, Float.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.NaN, 0.1f};
            case DOUBLE -> new double[] {-0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN, 0.1};
        };
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (i < special.length) v[i] = special[i];
            else if (type.isInteger()) v[i] = Math.rint(-200 + 400 * rng.nextDouble());
            else v[i] = type == IdxType.FLOAT ? (float) rng.nextGaussian() : rng.nextGaussian() * 1e10;
            if (type == IdxType.UBYTE) v[i] = Math.abs(v[i]) % 256;
            if (type == IdxType.BYTE) v[i] = Math.max(-128, Math.min(127, v[i]));
        }
        return v;
    }

    static Stream<Arguments> typesAndCompression() {
        return Arrays.stream(IdxType.values()).flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
    }

    @ParameterizedTest(name = "{0}, gzip {1}")
    @MethodSource("typesAndCompression")
    void everyTypeRoundTripsBitExactly(IdxType type, boolean gzip) throws IOException {
        int[] dims = {2, 3, 4};
        double[] values = samples(type, new Rng(type.code()), 24);
        IdxArray written = IdxArray.of(type, dims, values);
        Path file = dir.resolve("a-idx3" + (gzip ? ".gz" : ""));
        Idx.write(file, written);
        IdxArray read = Idx.read(file);
        assertEquals(written, read);
        assertEquals(type, read.type());
        assertArrayEquals(dims, read.dims());
        double[] back = read.toDoubleArray();
        for (int i = 0; i < values.length; i++) {
            double expected = type == IdxType.FLOAT ? (float) values[i] : values[i];
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(back[i]), "element " + i);
        }
        byte[] raw = gzip ? gunzip(Files.readAllBytes(file)) : Files.readAllBytes(file);
        assertEquals(4 + 4 * 3 + 24 * type.byteSize(), raw.length);
        assertArrayEquals(new byte[] {0, 0, (byte) type.code(), 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4},
                Arrays.copyOf(raw, 16), "magic, then big-endian dimensions");
    }

    @Test
    void rankOneAndEmptyArraysRoundTrip() throws IOException {
        for (int[] dims : new int[][] {{5}, {0}, {3, 0, 2}}) {
            IdxArray a = IdxArray.of(IdxType.INT, dims, new double[Shape.of(dims).size()]);
            Path file = dir.resolve("r.gz");
            Idx.write(file, a);
            assertEquals(a, Idx.read(file));
        }
    }

    @Test
    void readsBigEndianValuesInCOrder() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 4 * 2);
        b.put(new byte[] {0, 0, 0x0B, 2}).putInt(2).putInt(2);
        b.putShort((short) 258).putShort((short) -2).putShort((short) 1).putShort((short) 0x7FFF);
        Path file = dir.resolve("s-idx2");
        Files.write(file, b.array());
        IdxArray a = Idx.read(file);
        assertEquals(IdxType.SHORT, a.type());
        assertArrayEquals(new double[] {258, -2, 1, 32767}, a.toDoubleArray());
        Tensor t = a.toTensor(Tensor.on(Backends.get(), DType.FLOAT64));
        assertEquals(-2, t.get(0, 1));
        assertEquals(1, t.get(1, 0));
    }

    @Test
    void writesExactlyTheFormatsBytes() throws IOException {
        Path file = dir.resolve("u-idx2");
        Idx.write(file, IdxArray.of(IdxType.UBYTE, new int[] {2, 2}, new double[] {1, 2, 3, 255}));
        assertArrayEquals(new byte[] {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, (byte) 255}, Files.readAllBytes(file));
    }

    @Test
    void toTensorScalesAndConverts() {
        IdxArray a = IdxArray.of(IdxType.UBYTE, new int[] {1, 3}, new double[] {0, 51, 255});
        Tensor f = a.toTensor(Tensor.on(Backends.get(), DType.FLOAT32), 1 / 255.0);
        assertEquals(Shape.of(1, 3), f.shape());
        assertArrayEquals(new float[] {0f, 0.2f, 1f}, f.toFloatArray());
        Tensor i = a.toTensor(Tensor.on(Backends.get(), DType.INT32));
        assertArrayEquals(new int[] {0, 51, 255}, i.toIntArray(), "unsigned bytes stay unsigned");
        IdxArray back = IdxArray.fromTensor(i, IdxType.UBYTE);
        assertEquals(a, back);
        IdxArray signed = IdxArray.of(IdxType.BYTE, new int[] {3}, new double[] {-128, -1, 127});
        assertArrayEquals(new int[] {-128, -1, 127}, signed.toTensor(Tensor.on(Backends.get(), DType.INT32)).toIntArray());
        assertArrayEquals(new double[] {-64, -0.5, 63.5},
                signed.toTensor(Tensor.on(Backends.get(), DType.FLOAT64), 0.5).toDoubleArray());
        IdxArray shorts = IdxArray.of(IdxType.SHORT, new int[] {2}, new double[] {-300, 7});
        assertArrayEquals(new float[] {-30f, 0.7f}, shorts.toTensor(Tensor.on(Backends.get(), DType.FLOAT32), 0.1).toFloatArray());
    }

    @Test
    void valuesMustFitTheType() {
        DatasetsTest.assertMessage(() -> IdxArray.of(IdxType.UBYTE, new int[] {2}, new double[] {1, 256}),
                "IdxArray.of", "256", "index 1", "UBYTE");
        DatasetsTest.assertMessage(() -> IdxArray.of(IdxType.INT, new int[] {1}, new double[] {1.5}), "1.5", "INT");
        DatasetsTest.assertMessage(() -> IdxArray.of(IdxType.BYTE, new int[] {2}, new double[] {1}), "need 2", "got 1");
        DatasetsTest.assertMessage(() -> IdxArray.of(IdxType.BYTE, new int[0], new double[] {1}), "1 to 255 dimensions");
    }

    // ---------------------------------------------------------------- bad input

    private Path plain(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad-idx");
        Files.write(file, bytes);
        return file;
    }

    private Path gz(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad-idx.gz");
        Files.write(file, gzip(bytes));
        return file;
    }

    private static byte[] header(int type, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.put(new byte[] {0, 0, (byte) type, (byte) dims.length});
        for (int d : dims) b.putInt(d);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return concatBytes(a, b);
    }

    static byte[] concatBytes(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void assertFormatError(Path file, String... parts) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
    }

    @Test
    void wrongMagicNumber() throws IOException {
        assertFormatError(plain(concat(new byte[] {1, 0, 8, 1, 0, 0, 0, 1}, new byte[1])), "wrong magic number 0x01000801");
        assertFormatError(plain(new byte[] {(byte) 0x50, 0x4B, 3, 4}), "wrong magic number");
    }

    @Test
    void unknownTypeByte() throws IOException {
        assertFormatError(plain(concat(header(0x0A, 1), new byte[1])), "unknown type byte 0x0A");
        assertFormatError(gz(concat(header(0x07, 1), new byte[1])), "unknown type byte 0x07");
    }

    @Test
    void zeroDimensionCount() throws IOException {
        assertFormatError(plain(new byte[] {0, 0, 8, 0, 1}), "dimension count is 0");
    }

    @Test
    void truncatedHeader() throws IOException {
        assertFormatError(plain(new byte[] {0, 0}), "truncated header", "magic number");
        assertFormatError(plain(new byte[] {0, 0, 8, 3, 0, 0, 0, 1}), "truncated header", "3 dimensions", "need 12 bytes");
    }

    @Test
    void declaredSizeLargerThanTheFile() throws IOException {
        assertFormatError(plain(concat(header(0x08, 10, 10), new byte[99])), "declare 100 bytes", "only 99");
        assertFormatError(plain(concat(header(0x0E, 1000), new byte[8])), "declare 8000 bytes");
    }

    @Test
    void trailingData() throws IOException {
        assertFormatError(plain(concat(header(0x08, 2), new byte[3])), "declare 2 bytes", "has 3", "trailing");
        assertFormatError(gz(concat(header(0x08, 2), new byte[3])), "declare 10 bytes", "inflates to 11", "trailing data");
    }

    @Test
    void hostileDimensionsFailBeforeAllocating() throws IOException {
        assertFormatError(plain(concat(header(0x0E, 0x7FFFFFFF, 0x7FFFFFFF), new byte[8])), "more data than one array can hold");
        assertFormatError(plain(concat(header(0x08, -1), new byte[8])), "dimension 0 is 4294967295");
        assertFormatError(plain(header(0x08, 1 << 29, 4, 0)), "not a tensor shape"); // found by IdxMutationProperties
        // the gzip trailer's length disagrees with the declared gigabyte: refused before anything is allocated or inflated
        assertFormatError(gz(concat(header(0x08, 1 << 30), new byte[10])), "declare 1073741832 bytes", "inflates to 18");
    }

    @Test
    void truncatedGzipData() throws IOException {
        byte[] valid = gzip(concat(header(0x0D, 64), randomBytes(256)));
        Path file = dir.resolve("cut-idx.gz");
        Files.write(file, Arrays.copyOf(valid, valid.length / 2));
        assertFormatError(file, "gzip trailer says");
        byte[] cut = Arrays.copyOf(valid, valid.length / 2);
        System.arraycopy(valid, valid.length - 4, cut, cut.length - 4, 4); // a cut stream that keeps a plausible length
        Files.write(file, cut);
        assertFormatError(file, "corrupted gzip stream");
    }

    @Test
    void corruptedGzipChecksum() throws IOException {
        byte[] valid = gzip(concat(header(0x08, 64), randomBytes(64)));
        valid[valid.length - 8] ^= 1; // CRC-32 of the trailer
        Path file = dir.resolve("crc-idx.gz");
        Files.write(file, valid);
        assertFormatError(file, "corrupted gzip stream");
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> Idx.read(dir.resolve("absent")));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        Rng rng = new Rng(n);
        for (int i = 0; i < n; i++) b[i] = (byte) rng.nextInt(256);
        return b;
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] compressed) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }
}
