package dev.descent.data;

import dev.descent.core.Shape;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * <p>An IDX file is a magic number {@code 00 00 TT DD} — two zero bytes, the type byte {@code TT} ({@link IdxType})
 * and the dimension count {@code DD} — then {@code DD} big-endian 32-bit dimensions, then the values in C
 * (row-major) order, big-endian. The reader recognises gzip by its own magic bytes ({@code 1f 8b}), not by the file
 * name.
 *
 * <p>Every file is treated as untrusted. The header is checked before anything is allocated: the declared data
 * must fit an array and, in a plain file, match the bytes the file has; a gzip stream is decompressed into a buffer
 * of at most 16 times the compressed size that grows only as data arrives, so a header that declares more than the
 * stream holds fails as truncated data instead of exhausting the heap. The whole stream is read to its end, so a gzip trailer's checksum is verified. Any problem is a
 * {@link DatasetFormatException} naming the file; nothing is returned partially.
 *
 * <pre>{@code
 * IdxArray images = Idx.read(dir.resolve("train-images-idx3-ubyte.gz"));   // UBYTE (60000, 28, 28)
 * Tensor x = images.toTensor(Tensor.on(backend), 1 / 255.0);             // float32 in [0, 1]
 * Idx.write(Path.of("out-idx1-ubyte.gz"), labels);                       // gzip because of ".gz"
 * }</pre>
 */
public final class Idx {
    /** The largest data section an IDX array may have: what one Java array can hold. */
    static final int MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    private static final int CHUNK = 1 << 20;
    private static final long GZIP_FIRST_BUFFER_RATIO = 16;

    private Idx() {
    }

    /**
     * The array stored in {@code file}, plain or gzip.
     *
     * @throws DatasetFormatException if the file is not a complete, valid IDX file
     * @throws java.nio.file.NoSuchFileException if there is no such file
     */
    public static IdxArray read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             BufferedInputStream in = new BufferedInputStream(raw, 1 << 16)) {
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            long size = Files.size(file);
            if (!gzip) return parse(file, in, size, size);
            try (InputStream unzipped = new GZIPInputStream(in, 1 << 16)) {
                // NOTE: a first buffer of up to 16 times the compressed size holds MNIST's images (1.8:1) in one
                // allocation, while a hostile header cannot make the reader reserve more than 16 bytes per byte it has.
                return parse(file, unzipped, -1, GZIP_FIRST_BUFFER_RATIO * size);
            } catch (DatasetFormatException e) {
                throw e;
            } catch (IOException e) {
                throw new DatasetFormatException(file, "corrupted gzip stream (" + e.getMessage() + ")", e);
            }
        }
    }

    /**
     * Parses header and data from {@code in}; {@code fileSize} is the plain file's size, or -1 for a gzip stream;
     * {@code firstBuffer} bounds the first allocation for the data.
     */
    private static IdxArray parse(Path file, InputStream in, long fileSize, long firstBuffer) throws IOException {
        byte[] magic = readHeader(file, in, 4, "magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DatasetFormatException(file, String.format("wrong magic number 0x%02X%02X%02X%02X: an IDX file "
                    + "starts with two zero bytes, a type byte and a dimension count", magic[0], magic[1], magic[2], magic[3]));
        }
        IdxType type = IdxType.ofCode(magic[2] & 0xFF);
        if (type == null) {
            throw new DatasetFormatException(file, String.format("unknown type byte 0x%02X (expected 0x08 ubyte, "
                    + "0x09 byte, 0x0B short, 0x0C int, 0x0D float or 0x0E double)", magic[2] & 0xFF));
        }
        int rank = magic[3] & 0xFF;
        if (rank == 0) throw new DatasetFormatException(file, "dimension count is 0 (expected at least 1)");
        byte[] header = readHeader(file, in, 4 * rank, rank + " dimensions");
        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            long d = ((header[4 * i] & 0xFFL) << 24) | ((header[4 * i + 1] & 0xFF) << 16)
                    | ((header[4 * i + 2] & 0xFF) << 8) | (header[4 * i + 3] & 0xFF);
            if (d > Integer.MAX_VALUE) {
                throw new DatasetFormatException(file, "dimension " + i + " is " + d + ", more than a tensor can hold");
            }
            dims[i] = (int) d;
            // saturate at 2^40 (far above the limits checked below) so the product cannot overflow; a later 0 still gives 0
            elements = d != 0 && elements > (1L << 40) / d ? 1L << 40 : elements * d;
        }
        long bytes = elements * type.byteSize();
        if (elements > Integer.MAX_VALUE || bytes > MAX_DATA_BYTES) {
            throw new DatasetFormatException(file, "dimensions " + Arrays.toString(dims) + " of " + type
                    + " declare more data than one array can hold");
        }
        try {
            Shape.of(dims);
        } catch (IllegalArgumentException e) {
            // NOTE: Shape.of bounds the running product, so [2^29, 4, 0] is refused although it holds no element
            throw new DatasetFormatException(file, "dimensions " + Arrays.toString(dims) + " are not a tensor shape ("
                    + e.getMessage() + ")");
        }
        if (fileSize >= 0) {
            long available = fileSize - 4 - 4L * rank;
            if (bytes > available) {
                throw new DatasetFormatException(file, "dimensions " + Arrays.toString(dims) + " of " + type
                        + " declare " + bytes + " bytes of data but the file has only " + available
                        + " after the header (truncated or wrong dimensions)");
            }
            if (bytes < available) {
                throw new DatasetFormatException(file, "dimensions " + Arrays.toString(dims) + " of " + type
                        + " declare " + bytes + " bytes of data but the file has " + available
                        + " after the header (trailing data or wrong dimensions)");
            }
        }
        byte[] data = readData(file, in, (int) bytes, firstBuffer, type, dims);
        if (in.read() != -1) {
            throw new DatasetFormatException(file, "data continues after the " + bytes + " bytes that dimensions "
                    + Arrays.toString(dims) + " of " + type + " declare");
        }
        return new IdxArray(type, dims, data);
    }

    private static byte[] readHeader(Path file, InputStream in, int n, String what) throws IOException {
        byte[] b = new byte[n];
        int got = in.readNBytes(b, 0, n);
        if (got < n) {
            throw new DatasetFormatException(file, "truncated header: the " + what + " need " + n
                    + " bytes, the file has " + got);
        }
        return b;
    }

    /** Reads exactly {@code bytes} bytes, growing the buffer beyond {@code firstBuffer} only as data arrives. */
    private static byte[] readData(Path file, InputStream in, int bytes, long firstBuffer, IdxType type, int[] dims)
            throws IOException {
        byte[] buf = new byte[(int) Math.min(bytes, Math.max(CHUNK, firstBuffer))];
        int filled = 0;
        while (filled < bytes) {
            if (filled == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(bytes, 2L * buf.length));
            int r = in.read(buf, filled, buf.length - filled);
            if (r < 0) {
                throw new DatasetFormatException(file, "truncated data: dimensions " + Arrays.toString(dims) + " of "
                        + type + " declare " + bytes + " bytes, the stream ends after " + filled);
            }
            filled += r;
        }
        return buf;
    }

    /**
     * Writes {@code array} to {@code file} as IDX, gzip-compressed when the file name ends with {@code .gz}.
     * Replaces an existing file.
     */
    public static void write(Path file, IdxArray array) throws IOException {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        try (OutputStream raw = Files.newOutputStream(file)) {
            OutputStream sink = gzip ? new GZIPOutputStream(raw, 1 << 16) : new BufferedOutputStream(raw, 1 << 16);
            try (DataOutputStream out = new DataOutputStream(sink)) {
                int[] dims = array.dims();
                out.writeShort(0);
                out.writeByte(array.type().code());
                out.writeByte(dims.length);
                for (int d : dims) out.writeInt(d);
                out.write(array.rawData());
            }
        }
    }
}
