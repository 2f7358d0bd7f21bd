package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The data of exactly one gzip member (RFC 1952) read from {@code in}, inflated only as far as the caller reads.
 * At the member's end its CRC-32 and length are checked, and the stream must end there: a second member or any
 * trailing byte is an error, as trailing data is in a plain file. Every problem is a {@link DatasetFormatException}
 * naming the file; none reads "(null)".
 *
 * <p>{@code java.util.zip.GZIPInputStream} is not used because it reads concatenated members and silently ignores
 * trailing bytes that do not look like a member.
 */
final class GzipMember extends InputStream {
    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, RESERVED = 0xE0;

    private final Path file;
    private final InputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] input = new byte[1 << 16];
    private int inputEnd;
    private long inflated;
    private boolean ended;

    GzipMember(Path file, InputStream in) throws IOException {
        this.file = file;
        this.in = in;
        readHeader();
    }

    private void readHeader() throws IOException {
        if (raw() != 0x1f || raw() != 0x8b) throw fail("not a gzip stream (wrong magic bytes)");
        int method = raw();
        if (method != 8) throw fail("gzip compression method " + method + " is not deflate (8)");
        int flags = raw();
        if ((flags & RESERVED) != 0) throw fail(String.format("gzip header has reserved flag bits set (0x%02X)", flags));
        for (int i = 0; i < 6; i++) raw(); // MTIME, XFL, OS
        if ((flags & FEXTRA) != 0) {
            int length = raw() | raw() << 8;
            for (int i = 0; i < length; i++) raw();
        }
        if ((flags & FNAME) != 0) while (raw() != 0) { /* skip the original file name */ }
        if ((flags & FCOMMENT) != 0) while (raw() != 0) { /* skip the comment */ }
        if ((flags & FHCRC) != 0) {
            raw();
            raw();
        }
    }

    /** One byte of the compressed stream before the deflate data. */
    private int raw() throws IOException {
        int b = in.read();
        if (b < 0) throw fail("truncated gzip header");
        return b;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) return -1;
        if (len == 0) return 0;
        while (true) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                String why = e.getMessage();
                throw fail("corrupted gzip stream: invalid deflate data" + (why == null ? "" : " (" + why + ")"));
            }
            if (n > 0) {
                crc.update(b, off, n);
                inflated += n;
                return n;
            }
            if (inflater.finished()) {
                end();
                return -1;
            }
            if (inflater.needsDictionary()) throw fail("corrupted gzip stream: the deflate data asks for a preset dictionary");
            if (inflater.needsInput()) {
                inputEnd = in.read(input);
                if (inputEnd < 0) {
                    throw fail("corrupted gzip stream: the file ends inside the deflate data (truncated) after "
                            + inflated + " inflated bytes");
                }
                inflater.setInput(input, 0, inputEnd);
            }
        }
    }

    /** Checks the trailer (CRC-32, length mod 2^32) and that nothing follows it. */
    private void end() throws IOException {
        ended = true;
        int pos = inputEnd - inflater.getRemaining();
        byte[] trailer = new byte[8];
        for (int i = 0; i < 8; i++) {
            int b = pos < inputEnd ? input[pos++] & 0xFF : in.read();
            if (b < 0) throw fail("corrupted gzip stream: the trailer (CRC-32 and length) is truncated");
            trailer[i] = (byte) b;
        }
        long storedCrc = le32(trailer, 0), storedSize = le32(trailer, 4);
        if (storedCrc != crc.getValue()) {
            throw fail(String.format("corrupted gzip stream: CRC-32 of the data is %08x, the trailer says %08x",
                    crc.getValue(), storedCrc));
        }
        if (storedSize != (inflated & 0xFFFFFFFFL)) {
            throw fail("corrupted gzip stream: " + inflated + " bytes inflated, the trailer says " + storedSize);
        }
        if (pos < inputEnd || in.read() >= 0) {
            throw fail("trailing data after the gzip member (a gzip IDX file holds exactly one member)");
        }
    }

    static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private DatasetFormatException fail(String problem) {
        return new DatasetFormatException(file, problem);
    }

    @Override
    public void close() {
        inflater.end();
    }
}
