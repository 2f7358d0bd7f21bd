package dev.descent.data;

import dev.descent.core.Shape;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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
 * must fit one array and the heap that is free, and match the bytes the file has (a plain file's size, or the
 * inflated length in a gzip file's trailer). A gzip file is one member: it is inflated only up to the declared size
 * (one byte more shows data that continues), its CRC-32 is checked, and a second member or trailing bytes are
 * refused, as trailing data is in a plain file. Any problem is a {@link DatasetFormatException} naming the file;
 * nothing is returned partially.
 *
 * <p><b>Memory bound.</b> Reading allocates the declared data once ({@code dims} times the element size, no growth
 * or copies) plus under 1 MiB of buffers. A header that disagrees with the file's size or its gzip trailer fails before
 * that allocation, so a hostile file costs at most the buffers; a consistent one at most what it declares, and one
 * that declares more than the free heap fails at once.
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


    private Idx() {
    }

    /**
     * The array stored in {@code file}, plain or gzip.
     *
     * @throws DatasetFormatException if the file is not a complete, valid IDX file, or if its data would not fit the
     *                                heap that is free
     * @throws java.nio.file.NoSuchFileException if there is no such file
     */
    public static IdxArray read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            byte[] start = new byte[2], end = new byte[4];
            channel.read(ByteBuffer.wrap(start), 0);
            if (size >= 4) channel.read(ByteBuffer.wrap(end), size - 4);
            return read(file, size, start, end, new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
        }
    }

    /** The array in {@code bytes}, as if read from a file named {@code file} (for tests that need no file). */
    static IdxArray read(Path file, byte[] bytes) throws IOException {
        int n = bytes.length;
        return read(file, n, Arrays.copyOf(bytes, 2), n >= 4 ? Arrays.copyOfRange(bytes, n - 4, n) : new byte[4],
                new ByteArrayInputStream(bytes));
    }

    /** Reads from {@code in}, which holds {@code size} bytes that start with {@code start} and end with {@code end}. */
    private static IdxArray read(Path file, long size, byte[] start, byte[] end, InputStream in) throws IOException {
        boolean gzip = size >= 2 && (start[0] & 0xFF) == 0x1f && (start[1] & 0xFF) == 0x8b;
        if (!gzip) return parse(file, in, size, -1);
        if (size < 18) throw new DatasetFormatException(file, "truncated gzip file: " + size + " bytes, a gzip member has at least 18");
        try (GzipMember unzipped = new GzipMember(file, in)) {
            return parse(file, unzipped, -1, GzipMember.le32(end, 0));
        }
    }

    /**
     * Parses header and data from {@code in}; {@code fileSize} is a plain file's size (or -1), {@code gzipLength}
     * the inflated length a gzip trailer states (or -1). Either is checked against the header before the data is
     * allocated, so the only large allocation is the declared data itself.
     */
    private static IdxArray parse(Path file, InputStream in, long fileSize, long gzipLength) throws IOException {
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
        String declared = "dimensions " + Arrays.toString(dims) + " of " + type;
        if (elements > Integer.MAX_VALUE || bytes > MAX_DATA_BYTES) {
            throw new DatasetFormatException(file, declared + " declare more data than one array can hold");
        }
        try {
            Shape.of(dims);
        } catch (IllegalArgumentException e) {
            // NOTE: Shape.of bounds the running product, so [2^29, 4, 0] is refused although it holds no element
            throw new DatasetFormatException(file, "dimensions " + Arrays.toString(dims) + " are not a tensor shape ("
                    + e.getMessage() + ")");
        }
        long headerBytes = 4 + 4L * rank;
        if (fileSize >= 0) {
            long available = fileSize - headerBytes;
            if (bytes > available) {
                throw new DatasetFormatException(file, declared + " declare " + bytes + " bytes of data but the file has only "
                        + available + " after the header (truncated or wrong dimensions)");
            }
            if (bytes < available) {
                throw new DatasetFormatException(file, declared + " declare " + bytes + " bytes of data but the file has "
                        + available + " after the header (trailing data or wrong dimensions)");
            }
        }
        if (gzipLength >= 0 && gzipLength != ((headerBytes + bytes) & 0xFFFFFFFFL)) {
            // NOTE: gzip stores the inflated length mod 2^32; every IDX file that fits an array is shorter than 2^32
            throw new DatasetFormatException(file, declared + " declare " + (headerBytes + bytes) + " bytes with the "
                    + "header, but the gzip trailer says the stream inflates to " + gzipLength
                    + " (a truncated or corrupted gzip stream, trailing data, or wrong dimensions)");
        }
        byte[] data = allocate(file, bytes, declared);
        int filled = in.readNBytes(data, 0, data.length);
        if (filled < data.length) {
            throw new DatasetFormatException(file, "truncated data: " + declared + " declare " + bytes
                    + " bytes, the stream ends after " + filled);
        }
        if (in.read() != -1) {
            throw new DatasetFormatException(file, "data continues after the " + bytes + " bytes that " + declared + " declare");
        }
        return new IdxArray(type, dims, data);
    }

    /** The data array, refused before allocation when it would not fit the heap that is free. */
    private static byte[] allocate(Path file, long bytes, String declared) throws DatasetFormatException {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        String refused = declared + " declare " + bytes + " bytes of data, more than the " + free
                + " bytes of heap that are free (a larger -Xmx may read it)";
        if (bytes > free) throw new DatasetFormatException(file, refused);
        try {
            return new byte[(int) bytes];
        } catch (OutOfMemoryError e) {
            // NOTE: only this one allocation failed, so nothing else is left half-done
            throw new DatasetFormatException(file, refused);
        }
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
