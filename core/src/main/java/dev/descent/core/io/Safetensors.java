package dev.descent.core.io;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of a UTF-8 JSON
 * header mapping each tensor name to its dtype ({@code F32}, {@code F64}, {@code I32}, {@code I64}), shape and
 * {@code data_offsets} in the data block, with an optional {@code __metadata__} map of strings, then the raw
 * little-endian data. Files written by the Python {@code safetensors} package and PyTorch tools with these dtypes
 * can be read, and files written here load there.
 *
 * <p>Descent holds integers as {@code INT32}: an {@code I64} tensor (PyTorch's default integer type, that of
 * BatchNorm's {@code num_batches_tracked}) is read into an {@code INT32} tensor when every value fits, and is a
 * {@link SafetensorsFormatException} naming the tensor, the element and the value when one does not; the writer
 * widens the {@code INT32} tensors it is told to store as {@code I64} ({@link #write(Path, Map, Map, Set)}).
 *
 * <pre>{@code
 * Safetensors.write(Path.of("model.safetensors"), Map.of("layer.weight", w), Map.of("format", "pt"));
 * Safetensors.Contents c = Safetensors.read(Path.of("model.safetensors"), Backends.get());
 * Tensor w2 = c.tensors().get("layer.weight");
 * }</pre>
 *
 * <p>Writing is atomic: the file is written to a temporary sibling and renamed over the target, so a crash
 * mid-write leaves the previous file intact. Files are streamed in both directions, so their size is limited by
 * the format (a 64-bit length), not by a Java array; each tensor holds at most {@value #MAX_ELEMENTS} elements, as
 * a Java array does.
 *
 * <p>Reading treats every file as untrusted. It reads the 8-byte length first, then the header, then only the data
 * the validated header describes, in chunks of 1 MiB. Limits, each a {@link SafetensorsFormatException} when
 * exceeded:
 * <ul>
 *   <li>the header is 2 to {@value #MAX_HEADER} bytes (the Rust {@code safetensors} crate's
 *       {@code MAX_HEADER_SIZE}) and lies inside the file;</li>
 *   <li>at most {@value #MAX_TENSORS} tensors and {@value #MAX_METADATA} metadata entries, rank at most
 *       {@value #MAX_RANK};</li>
 *   <li>the JSON is RFC 8259's, decoded as strict UTF-8 (see {@link Json}: no U+FFFD replacement, no lax numbers,
 *       no duplicate keys, depth and string-length limits);</li>
 *   <li>each tensor's offsets lie inside the data block and agree with its dtype and shape, and the tensors tile
 *       the data block without overlap or gap (as the reference implementation requires); unknown dtypes are
 *       rejected, unknown fields of a tensor entry skipped.</li>
 * </ul>
 *
 * <p>Parsing is one pass over the header, and its memory is the header's bytes plus the strings decoded from them
 * (each at most two bytes per byte of UTF-8) plus a bounded amount per entry, so at most
 * {@code 3 × header + 64 MiB} at the entry limits; the data then needs its own size plus one copy of the tensor
 * being created. The memory bound checked by the tests is {@code 3 × header length + 2 × data length + 64 MiB}.
 * Every violation is a {@link SafetensorsFormatException} naming the file and the problem, raised before any
 * tensor is returned.
 */
public final class Safetensors {
    /** The largest header accepted: 100,000,000 bytes, the Rust {@code safetensors} crate's limit. */
    public static final int MAX_HEADER = 100_000_000;
    /** The most tensors a file may hold (2^18); a header of that many costs tens of MiB to parse. */
    public static final int MAX_TENSORS = 1 << 18;
    /** The most {@code __metadata__} entries a file may hold (2^16). */
    public static final int MAX_METADATA = 1 << 16;
    /** The largest rank of a tensor. */
    public static final int MAX_RANK = 32;
    /** The most elements of one tensor: the largest Java array. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final String METADATA = "__metadata__";
    private static final int CHUNK = 1 << 20;

    private Safetensors() {
    }

    /** The tensors of a file in header order, and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, Set.of());
    }

    /**
     * Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}, atomically, storing the
     * {@code INT32} tensors named in {@code asInt64} as {@code I64} (sign-extended), as PyTorch keeps its integer
     * tensors. Every name in {@code asInt64} must be an {@code INT32} tensor of {@code tensors}.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Set<String> asInt64)
            throws IOException {
        Layout layout = layout(tensors, metadata, asInt64);
        AtomicFiles.write(file, ch -> layout.writeTo(buffer -> {
            while (buffer.hasRemaining()) ch.write(buffer);
        }));
    }

    /** The bytes of a safetensors file holding {@code tensors} and {@code metadata} (at most a Java array's size). */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        return toBytes(tensors, metadata, Set.of());
    }

    /** {@link #toBytes(Map, Map)} with the {@code INT32} tensors named in {@code asInt64} stored as {@code I64}. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata, Set<String> asInt64) {
        Layout layout = layout(tensors, metadata, asInt64);
        if (layout.fileSize() > MAX_ELEMENTS) {
            throw new IllegalArgumentException("Safetensors.toBytes: " + layout.fileSize() + " bytes exceed a Java "
                    + "array; write the file with Safetensors.write");
        }
        ByteBuffer out = ByteBuffer.allocate((int) layout.fileSize());
        try {
            layout.writeTo(out::put);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a heap buffer does not fail
        }
        return out.array();
    }

    /** Where a sequence of buffers goes: a file channel or a heap buffer. */
    private interface Sink {
        void write(ByteBuffer buffer) throws IOException;
    }

    /** How a tensor's elements are stored in a file: its dtype code and width, and the dtype Descent holds them in. */
    private enum Stored {
        F32(DType.FLOAT32, 4), F64(DType.FLOAT64, 8), I32(DType.INT32, 4), I64(DType.INT32, 8);

        final DType dtype;
        final int width;

        Stored(DType dtype, int width) {
            this.dtype = dtype;
            this.width = width;
        }

        static Stored of(DType dtype) {
            return switch (dtype) {
                case FLOAT32 -> F32;
                case FLOAT64 -> F64;
                case INT32 -> I32;
            };
        }
    }

    /** A file's header (padded) and the tensors whose data follows it, with how each is stored. */
    private record Layout(byte[] header, List<Tensor> tensors, List<Stored> stored, long dataLength) {
        long fileSize() {
            return 8L + header.length + dataLength;
        }

        void writeTo(Sink sink) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(8, dataLength))).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length).flip();
            sink.write(buf);
            sink.write(ByteBuffer.wrap(header));
            for (int i = 0; i < tensors.size(); i++) writeData(tensors.get(i), stored.get(i), buf, sink);
        }

        /** A tensor's elements in chunks, read out through the public API (never its storage). */
        private static void writeData(Tensor t, Stored how, ByteBuffer buf, Sink sink) throws IOException {
            int n = t.size(), width = how.width, per = buf.capacity() / width;
            Object values = switch (t.dtype()) {
                case FLOAT32 -> t.toFloatArray();
                case FLOAT64 -> t.toDoubleArray();
                case INT32 -> t.toIntArray();
            };
            for (int done = 0; done < n; ) {
                int k = Math.min(n - done, per);
                buf.clear();
                switch (how) {
                    case F32 -> buf.asFloatBuffer().put((float[]) values, done, k);
                    case F64 -> buf.asDoubleBuffer().put((double[]) values, done, k);
                    case I32 -> buf.asIntBuffer().put((int[]) values, done, k);
                    case I64 -> {
                        int[] ints = (int[]) values;
                        for (int j = 0; j < k; j++) buf.putLong(j * 8, ints[done + j]);
                    }
                }
                buf.limit(k * width);
                sink.write(buf);
                done += k;
            }
        }
    }

    private static Layout layout(Map<String, Tensor> tensors, Map<String, String> metadata, Set<String> asInt64) {
        for (String name : asInt64) {
            Tensor t = tensors.get(name);
            if (t == null || t.dtype() != DType.INT32) {
                throw new IllegalArgumentException("Safetensors.write: only INT32 tensors are stored as I64, but "
                        + Json.quote(name) + (t == null ? " is not among the tensors" : " is " + t.dtype()));
            }
        }
        List<Stored> stored = new ArrayList<>();
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        boolean first = true;
        if (metadata != null && !metadata.isEmpty()) {
            header.append(Json.quote(METADATA)).append(":{");
            boolean firstMeta = true;
            for (var e : metadata.entrySet()) {
                if (!firstMeta) header.append(',');
                header.append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                firstMeta = false;
            }
            header.append('}');
            first = false;
        }
        for (var e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA)) {
                throw new IllegalArgumentException("Safetensors.write: invalid tensor name " + Json.quote(String.valueOf(name)));
            }
            Tensor t = e.getValue();
            Stored how = asInt64.contains(name) ? Stored.I64 : Stored.of(t.dtype());
            stored.add(how);
            long bytes = (long) t.size() * how.width;
            if (!first) header.append(',');
            header.append(Json.quote(name)).append(":{\"dtype\":\"").append(how.name())
                    .append("\",\"shape\":[");
            int[] dims = t.shape().dims();
            for (int i = 0; i < dims.length; i++) header.append(i == 0 ? "" : ",").append(dims[i]);
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            first = false;
        }
        header.append('}');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8; // NOTE: the data block starts 8-byte aligned, padded with spaces
        if (padded > MAX_HEADER) {
            throw new IllegalArgumentException("Safetensors.write: a header of " + padded + " bytes exceeds the "
                    + MAX_HEADER + " that readers accept");
        }
        byte[] out = Arrays.copyOf(h, padded);
        Arrays.fill(out, h.length, padded, (byte) ' ');
        return new Layout(out, List.copyOf(tensors.values()), List.copyOf(stored), offset);
    }

    // ---------------------------------------------------------------- reading

    /** Reads a safetensors file onto {@code backend}; see the class description for what is validated. */
    public static Contents read(Path file, Backend backend) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(new ChannelSource(ch), backend);
        } catch (SafetensorsFormatException e) {
            throw new SafetensorsFormatException(file + ": " + e.getMessage());
        }
    }

    /** Reads safetensors bytes onto {@code backend}. */
    public static Contents fromBytes(byte[] bytes, Backend backend) throws SafetensorsFormatException {
        try {
            return read(new ArraySource(bytes), backend);
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an array does not fail
        }
    }

    /** The bytes of a file or an array, read by position. */
    private interface Source {
        long size() throws IOException;

        /** Fills {@code into} from {@code position}. */
        void readFully(long position, byte[] into) throws IOException;

        /** {@code length <= CHUNK} bytes from {@code position}, little-endian, valid until the next call. */
        ByteBuffer read(long position, int length) throws IOException;
    }

    private record ArraySource(byte[] bytes) implements Source {
        public long size() {
            return bytes.length;
        }

        public void readFully(long position, byte[] into) {
            System.arraycopy(bytes, (int) position, into, 0, into.length);
        }

        public ByteBuffer read(long position, int length) {
            return ByteBuffer.wrap(bytes, (int) position, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static final class ChannelSource implements Source {
        private final FileChannel ch;
        private ByteBuffer buffer;

        ChannelSource(FileChannel ch) {
            this.ch = ch;
        }

        public long size() throws IOException {
            return ch.size();
        }

        public void readFully(long position, byte[] into) throws IOException {
            fill(position, ByteBuffer.wrap(into));
        }

        public ByteBuffer read(long position, int length) throws IOException {
            if (buffer == null || buffer.capacity() < length) {
                buffer = ByteBuffer.allocate(Math.max(length, Math.min(CHUNK, 4096))).order(ByteOrder.LITTLE_ENDIAN);
            }
            buffer.clear().limit(length);
            fill(position, buffer);
            return buffer.flip();
        }

        private void fill(long position, ByteBuffer into) throws IOException {
            long at = position;
            while (into.hasRemaining()) {
                int n = ch.read(into, at);
                if (n < 0) {
                    throw new SafetensorsFormatException("the file ended at byte " + at + " while reading bytes up to "
                            + (position + into.limit()) + " (it shrank while being read)");
                }
                at += n;
            }
        }
    }

    private record Entry(String name, Stored stored, int[] dims, long begin, long end) {
    }

    private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    private static Contents read(Source src, Backend backend) throws IOException {
        Header h = header(src);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : h.entries) tensors.put(e.name, tensor(src, h.dataStart + e.begin, e, backend));
        return new Contents(tensors, h.metadata);
    }

    /** The length, then the header (its bytes are dropped when this returns), validated against the file's size. */
    private static Header header(Source src) throws IOException {
        long size = src.size();
        if (size < 8) throw new SafetensorsFormatException("file of " + size + " bytes is shorter than the 8-byte header length");
        long headerLength = src.read(0, 8).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
            throw new SafetensorsFormatException("header length " + Long.toUnsignedString(headerLength)
                    + " is outside 2.." + Math.min(MAX_HEADER, size - 8) + " for a file of " + size + " bytes");
        }
        byte[] bytes = new byte[(int) headerLength];
        src.readFully(8, bytes);
        if (bytes[0] != '{') throw new SafetensorsFormatException("header does not start with '{'");
        long dataLength = size - 8 - headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        Json.Reader r = new Json.Reader(bytes, 0, bytes.length);
        try {
            parse(r, entries, metadata, dataLength);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(e.getMessage().replace("invalid JSON", "invalid JSON header"));
        }
        checkTiling(entries, dataLength);
        return new Header(entries, metadata, 8 + headerLength);
    }

    private static void parse(Json.Reader r, List<Entry> entries, Map<String, String> metadata, long dataLength)
            throws SafetensorsFormatException {
        Set<String> names = new HashSet<>();
        r.beginObject();
        while (r.nextMember()) {
            String name = r.name();
            if (!names.add(name)) throw new SafetensorsFormatException("duplicate key " + Json.quote(name) + " in the header");
            if (name.equals(METADATA)) {
                readMetadata(r, metadata);
            } else {
                if (entries.size() == MAX_TENSORS) {
                    throw new SafetensorsFormatException("more than " + MAX_TENSORS + " tensors in the header");
                }
                entries.add(entry(r, name, dataLength));
            }
        }
        r.end();
    }

    private static void readMetadata(Json.Reader r, Map<String, String> out) throws SafetensorsFormatException {
        if (r.peek() != '{') {
            r.skipValue();
            throw new SafetensorsFormatException("__metadata__ is not an object");
        }
        r.beginObject();
        while (r.nextMember()) {
            if (out.size() == MAX_METADATA) {
                throw new SafetensorsFormatException("more than " + MAX_METADATA + " __metadata__ entries");
            }
            String key = r.name();
            if (r.peek() != '"') {
                r.skipValue();
                throw new SafetensorsFormatException("__metadata__ value of " + Json.quote(key) + " is not a string");
            }
            if (out.putIfAbsent(key, r.string()) != null) {
                throw new SafetensorsFormatException("duplicate key " + Json.quote(key) + " in __metadata__");
            }
        }
    }

    private static Entry entry(Json.Reader r, String name, long dataLength) throws SafetensorsFormatException {
        String where = "tensor " + Json.quote(name);
        if (name.isEmpty()) throw new SafetensorsFormatException("empty tensor name");
        if (r.peek() != '{') {
            r.skipValue();
            throw new SafetensorsFormatException(where + " is not an object");
        }
        String dt = null;
        int[] dims = null;
        long[] offsets = null;
        r.beginObject();
        while (r.nextMember()) {
            String field = r.name();
            boolean repeated = switch (field) {
                case "dtype" -> {
                    boolean seen = dt != null;
                    if (r.peek() != '"') {
                        r.skipValue();
                        throw new SafetensorsFormatException(where + " has no dtype string");
                    }
                    dt = r.string();
                    yield seen;
                }
                case "shape" -> {
                    boolean seen = dims != null;
                    dims = shape(r, where);
                    yield seen;
                }
                case "data_offsets" -> {
                    boolean seen = offsets != null;
                    offsets = offsets(r, where);
                    yield seen;
                }
                default -> {
                    r.skipValue();
                    yield false;
                }
            };
            if (repeated) throw new SafetensorsFormatException(where + " has a duplicate key " + Json.quote(field));
        }
        if (dt == null) throw new SafetensorsFormatException(where + " has no dtype string");
        Stored stored = switch (dt) {
            case "F32" -> Stored.F32;
            case "F64" -> Stored.F64;
            case "I32" -> Stored.I32;
            case "I64" -> Stored.I64;
            default -> throw new SafetensorsFormatException(where + " has unsupported dtype " + dt
                    + " (supported: F32, F64, I32, I64)");
        };
        if (dims == null) throw new SafetensorsFormatException(where + " has no shape list");
        if (offsets == null) throw new SafetensorsFormatException(where + " has no [begin, end] data_offsets");
        long count = 1;
        for (int d : dims) count *= d; // each count so far is at most MAX_ELEMENTS: no overflow
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin || end > dataLength) {
            throw new SafetensorsFormatException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the data block of " + dataLength + " bytes");
        }
        long expected = count * stored.width;
        if (end - begin != expected) {
            throw new SafetensorsFormatException(where + " has " + (end - begin) + " data bytes, but " + dt + " "
                    + Shape.of(dims) + " needs " + expected);
        }
        return new Entry(name, stored, dims, begin, end);
    }

    private static int[] shape(Json.Reader r, String where) throws SafetensorsFormatException {
        if (r.peek() != '[') {
            r.skipValue();
            throw new SafetensorsFormatException(where + " has no shape list");
        }
        int[] dims = new int[4];
        int rank = 0;
        long count = 1;
        r.beginArray();
        while (r.nextElement()) {
            if (rank == MAX_RANK) throw new SafetensorsFormatException(where + " has rank over " + MAX_RANK);
            Object d = r.peek() == '-' || (r.peek() >= '0' && r.peek() <= '9') ? r.numberValue() : skipped(r);
            if (!(d instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(where + " has an invalid dimension " + d);
            }
            count *= v;
            if (count > MAX_ELEMENTS) {
                throw new SafetensorsFormatException(where + " has more than " + MAX_ELEMENTS
                        + " elements, the most a tensor holds");
            }
            if (rank == dims.length) dims = Arrays.copyOf(dims, 2 * rank);
            dims[rank++] = (int) (long) v;
        }
        return Arrays.copyOf(dims, rank);
    }

    private static long[] offsets(Json.Reader r, String where) throws SafetensorsFormatException {
        String missing = where + " has no [begin, end] data_offsets";
        if (r.peek() != '[') {
            r.skipValue();
            throw new SafetensorsFormatException(missing);
        }
        long[] out = new long[2];
        int n = 0;
        r.beginArray();
        while (r.nextElement()) {
            if (n == 2) throw new SafetensorsFormatException(missing + " (more than two)");
            Object v = r.peek() == '-' || (r.peek() >= '0' && r.peek() <= '9') ? r.numberValue() : skipped(r);
            if (!(v instanceof Long o)) throw new SafetensorsFormatException(missing + " (got " + v + ")");
            out[n++] = o;
        }
        if (n != 2) throw new SafetensorsFormatException(missing);
        return out;
    }

    /** Skips a value that is not a number, for the message: what kind it was. */
    private static String skipped(Json.Reader r) {
        int c = r.peek();
        r.skipValue();
        return switch (c) {
            case '"' -> "(a string)";
            case '[' -> "(a list)";
            case '{' -> "(an object)";
            default -> "(a literal)";
        };
    }

    /** The tensors must cover the data block exactly: no overlap, no gap, nothing after the last. */
    private static void checkTiling(List<Entry> entries, long dataLength) throws SafetensorsFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.begin != at) {
                throw new SafetensorsFormatException("tensor " + Json.quote(e.name) + " starts at byte " + e.begin
                        + " of the data block, expected " + at + (e.begin < at ? " (it overlaps another tensor)" : " (gap)"));
            }
            at = e.end;
        }
        if (at != dataLength) {
            throw new SafetensorsFormatException("the tensors cover " + at + " bytes of a data block of " + dataLength);
        }
    }

    /** One tensor's data, streamed in chunks into a new array and handed to the backend through the factory. */
    private static Tensor tensor(Source src, long position, Entry e, Backend backend) throws IOException {
        int width = e.stored.width, n = (int) ((e.end - e.begin) / width), per = CHUNK / width;
        Object values = switch (e.stored.dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
        };
        for (int done = 0; done < n; ) {
            int k = Math.min(n - done, per);
            ByteBuffer chunk = src.read(position + (long) done * width, k * width);
            switch (e.stored) {
                case F32 -> chunk.asFloatBuffer().get((float[]) values, done, k);
                case F64 -> chunk.asDoubleBuffer().get((double[]) values, done, k);
                case I32 -> chunk.asIntBuffer().get((int[]) values, done, k);
                case I64 -> narrow(chunk, (int[]) values, done, k, e.name);
            }
            done += k;
        }
        TensorFactory f = Tensor.on(backend, e.stored.dtype);
        Tensor flat = switch (e.stored.dtype) {
            case FLOAT32 -> f.of((float[]) values);
            case FLOAT64 -> f.of((double[]) values);
            case INT32 -> f.of((int[]) values);
        };
        return flat.reshape(e.dims);
    }

    /** {@code k} little-endian I64 values of {@code chunk} into {@code into[done..]}, each of which must fit INT32. */
    private static void narrow(ByteBuffer chunk, int[] into, int done, int k, String name)
            throws SafetensorsFormatException {
        for (int j = 0; j < k; j++) {
            long v = chunk.getLong(chunk.position() + j * 8);
            if (v != (int) v) {
                throw new SafetensorsFormatException("tensor " + Json.quote(name) + " has I64 value " + v
                        + " at element " + (done + j) + ", outside INT32's range [" + Integer.MIN_VALUE + ", "
                        + Integer.MAX_VALUE + "] (Descent holds integers as INT32)");
            }
            into[done + j] = (int) v;
        }
    }
}
