package dev.descent.core.io;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header mapping each
 * tensor name to its dtype ({@code F32}, {@code F64}, {@code I32}), shape and {@code data_offsets} in the data
 * block, an optional {@code __metadata__} map of strings, then the raw little-endian data. Files written by the
 * Python {@code safetensors} package and PyTorch tools with these dtypes can be read, and files written here load
 * there.
 *
 * <pre>{@code
 * Safetensors.write(Path.of("model.safetensors"), Map.of("layer.weight", w), Map.of("format", "pt"));
 * Safetensors.Contents c = Safetensors.read(Path.of("model.safetensors"), Backends.get());
 * Tensor w2 = c.tensors().get("layer.weight");
 * }</pre>
 *
 * <p>Writing is atomic: the file is written to a temporary sibling and renamed over the target, so a crash
 * mid-write leaves the previous file intact. Reading treats every file as untrusted: the header length is bounded
 * by the file and by {@value #MAX_HEADER} bytes, the JSON by depth and string limits, every tensor's offsets must
 * lie inside the data block, agree with its dtype and shape, and the tensors must tile the data block without
 * overlap or gap (as the reference implementation requires); unknown dtypes and duplicate names are rejected.
 * Every violation is a {@link SafetensorsFormatException} naming the file and the problem, raised before any
 * tensor is returned.
 */
public final class Safetensors {
    /** The largest header accepted (the reference implementation's limit). */
    public static final int MAX_HEADER = 100_000_000;
    private static final String METADATA = "__metadata__";

    private Safetensors() {
    }

    /** The tensors of a file in header order, and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] bytes = toBytes(tensors, metadata);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = TempFiles.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The bytes of a safetensors file holding {@code tensors} and {@code metadata}. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
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
            long bytes = (long) t.size() * t.dtype().byteSize();
            if (!first) header.append(',');
            header.append(Json.quote(name)).append(":{\"dtype\":\"").append(t.dtype().safetensorsName())
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
        if (8L + padded + offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Safetensors.write: " + (8L + padded + offset) + " bytes exceed 2 GiB");
        }
        ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) out.put((byte) ' ');
        for (Tensor t : tensors.values()) {
            Object s = t.storage();
            switch (t.dtype()) {
                case FLOAT32 -> out.asFloatBuffer().put((float[]) s, 0, t.size());
                case FLOAT64 -> out.asDoubleBuffer().put((double[]) s, 0, t.size());
                case INT32 -> out.asIntBuffer().put((int[]) s, 0, t.size());
            }
            out.position(out.position() + t.size() * t.dtype().byteSize());
        }
        return out.array();
    }

    // ---------------------------------------------------------------- reading

    /** Reads a safetensors file onto {@code backend}; see the class description for what is validated. */
    public static Contents read(Path file, Backend backend) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE) {
            throw new SafetensorsFormatException(file + ": " + size + " bytes; files over 2 GiB are not supported");
        }
        try {
            return fromBytes(Files.readAllBytes(file), backend);
        } catch (SafetensorsFormatException e) {
            throw new SafetensorsFormatException(file + ": " + e.getMessage());
        }
    }

    private record Entry(String name, DType dtype, Shape shape, long begin, long end) {
    }

    /** Reads safetensors bytes onto {@code backend}. */
    public static Contents fromBytes(byte[] bytes, Backend backend) throws SafetensorsFormatException {
        if (bytes.length < 8) throw new SafetensorsFormatException("file of " + bytes.length + " bytes is shorter than the 8-byte header length");
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > bytes.length - 8L) {
            throw new SafetensorsFormatException("header length " + Long.toUnsignedString(headerLength)
                    + " is outside 2.." + Math.min(MAX_HEADER, bytes.length - 8L) + " for a file of " + bytes.length + " bytes");
        }
        String headerText = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        if (!headerText.startsWith("{")) throw new SafetensorsFormatException("header does not start with '{'");
        Object parsed;
        try {
            parsed = Json.parse(headerText);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(e.getMessage().replace("invalid JSON", "invalid JSON header"));
        }
        if (!(parsed instanceof Map<?, ?> header)) throw new SafetensorsFormatException("header is not a JSON object");
        int dataStart = 8 + (int) headerLength;
        long dataLength = bytes.length - (long) dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (var e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                readMetadata(e.getValue(), metadata);
            } else {
                entries.add(entry(name, e.getValue(), dataLength));
            }
        }
        checkTiling(entries, dataLength);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) {
            ByteBuffer slice = ByteBuffer.wrap(bytes, dataStart + (int) en.begin, (int) (en.end - en.begin))
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            int n = en.shape.size();
            int[] dims = en.shape.dims();
            Tensor t = switch (en.dtype) {
                case FLOAT32 -> {
                    float[] v = new float[n];
                    slice.asFloatBuffer().get(v);
                    yield Tensor.on(backend, DType.FLOAT32).of(v).reshape(dims);
                }
                case FLOAT64 -> {
                    double[] v = new double[n];
                    slice.asDoubleBuffer().get(v);
                    yield Tensor.on(backend, DType.FLOAT64).of(v).reshape(dims);
                }
                case INT32 -> {
                    int[] v = new int[n];
                    slice.asIntBuffer().get(v);
                    yield Tensor.on(backend, DType.INT32).of(v).reshape(dims);
                }
            };
            tensors.put(en.name, t);
        }
        return new Contents(tensors, metadata);
    }

    private static void readMetadata(Object value, Map<String, String> out) throws SafetensorsFormatException {
        if (!(value instanceof Map<?, ?> m)) throw new SafetensorsFormatException("__metadata__ is not an object");
        for (var e : m.entrySet()) {
            if (!(e.getValue() instanceof String v)) {
                throw new SafetensorsFormatException("__metadata__ value of \"" + e.getKey() + "\" is not a string");
            }
            out.put((String) e.getKey(), v);
        }
    }

    private static Entry entry(String name, Object value, long dataLength) throws SafetensorsFormatException {
        String where = "tensor \"" + name + "\"";
        if (name.isEmpty()) throw new SafetensorsFormatException("empty tensor name");
        if (!(value instanceof Map<?, ?> m)) throw new SafetensorsFormatException(where + " is not an object");
        if (!(m.get("dtype") instanceof String dt)) throw new SafetensorsFormatException(where + " has no dtype string");
        DType dtype = switch (dt) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I32" -> DType.INT32;
            default -> throw new SafetensorsFormatException(where + " has unsupported dtype " + dt
                    + " (supported: F32, F64, I32)");
        };
        if (!(m.get("shape") instanceof List<?> shapeList)) throw new SafetensorsFormatException(where + " has no shape list");
        if (shapeList.size() > 32) throw new SafetensorsFormatException(where + " has rank " + shapeList.size() + " (at most 32)");
        int[] dims = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(where + " has an invalid dimension " + shapeList.get(i));
            }
            dims[i] = (int) (long) d;
            count *= d;
            if (count > Integer.MAX_VALUE) throw new SafetensorsFormatException(where + " has too many elements");
        }
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2
                || !(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)) {
            throw new SafetensorsFormatException(where + " has no [begin, end] data_offsets");
        }
        if (begin < 0 || end < begin || end > dataLength) {
            throw new SafetensorsFormatException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the data block of " + dataLength + " bytes");
        }
        long expected = count * dtype.byteSize();
        if (end - begin != expected) {
            throw new SafetensorsFormatException(where + " has " + (end - begin) + " data bytes, but " + dt + " "
                    + Shape.of(dims) + " needs " + expected);
        }
        return new Entry(name, dtype, Shape.of(dims), begin, end);
    }

    /** The tensors must cover the data block exactly: no overlap, no gap, nothing after the last. */
    private static void checkTiling(List<Entry> entries, long dataLength) throws SafetensorsFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.begin != at) {
                throw new SafetensorsFormatException("tensor \"" + e.name + "\" starts at byte " + e.begin + " of the data "
                        + "block, expected " + at + (e.begin < at ? " (it overlaps another tensor)" : " (gap)"));
            }
            at = e.end;
        }
        if (at != dataLength) {
            throw new SafetensorsFormatException("the tensors cover " + at + " bytes of a data block of " + dataLength);
        }
    }
}
