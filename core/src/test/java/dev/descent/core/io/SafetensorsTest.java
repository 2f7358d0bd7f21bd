package dev.descent.core.io;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.testing.ReferenceBackend;
import dev.descent.core.testing.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    private static final ReferenceBackend B = ReferenceBackend.INSTANCE;
    private static int fuzzed;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("layers.0.weight", Tensor.on(B, DType.FLOAT32).normal(new Rng(1), 0, 1, 3, 4));
        m.put("layers.0.bias", Tensor.on(B, DType.FLOAT64).of(new double[] {1.5, -2.25, Math.PI}));
        m.put("step", Tensor.on(B, DType.INT32).of(new int[] {42}).reshape());
        m.put("empty", Tensor.on(B, DType.FLOAT32).zeros(0, 5));
        m.put("naïve \"name\"", Tensor.on(B, DType.FLOAT64).of(new double[] {Double.NaN, Double.NEGATIVE_INFINITY}));
        return m;
    }

    @Test
    void roundTripsEveryDtypeAndShapeWithMetadata(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        Map<String, Tensor> original = sample();
        Safetensors.write(file, original, Map.of("format", "pt"));
        Safetensors.Contents back = Safetensors.read(file, B);
        assertEquals(List.copyOf(original.keySet()), List.copyOf(back.tensors().keySet()));
        for (var e : original.entrySet()) {
            Tensor t = back.tensors().get(e.getKey());
            assertEquals(e.getValue().shape(), t.shape(), e.getKey());
            assertEquals(e.getValue().dtype(), t.dtype(), e.getKey());
            assertArrayEquals(e.getValue().toDoubleArray(), t.toDoubleArray(), 0.0, e.getKey());
        }
        assertEquals(Map.of("format", "pt"), back.metadata());
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the data block is 8-byte aligned");
        assertTrue(new String(bytes, 8, 40, StandardCharsets.UTF_8).startsWith("{\"__metadata__\":{\"format\":\"pt\"}"));
    }

    @Test
    void writingReplacesTheFileAtomicallyAndLeavesNoTemporaries(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, sample(), Map.of());
        Map<String, Tensor> second = Map.of("only", Tensor.on(B, DType.FLOAT32).ones(2));
        Safetensors.write(file, second, Map.of());
        assertEquals(List.of("only"), List.copyOf(Safetensors.read(file, B).tensors().keySet()));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        // a write that fails before the rename leaves the previous file as it was
        byte[] before = Files.readAllBytes(file);
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("ok", Tensor.on(B, DType.FLOAT32).ones(1));
        bad.put("__metadata__", Tensor.on(B, DType.FLOAT32).ones(1));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file, bad, Map.of()));
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void readsAFileLaidOutByThePythonWriter() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/safetensors/torch_linear.safetensors")) {
            bytes = in.readAllBytes();
        }
        Safetensors.Contents c = Safetensors.fromBytes(bytes, B);
        // torch.manual_seed(7); torch.nn.Linear(3, 2).double(): values printed by PyTorch
        assertArrayEquals(new double[] {0.04032507538795471, -0.3477921187877655, 0.18384182453155518,
            0.1811612844467163, -0.3085803687572479, -0.0865316316485405}, c.tensors().get("weight").toDoubleArray(), 0);
        assertEquals(DType.FLOAT64, c.tensors().get("weight").dtype());
        assertEquals(List.of(2, 3), List.of(c.tensors().get("weight").dim(0), c.tensors().get("weight").dim(1)));
        assertArrayEquals(new double[] {-0.33822792768478394, 0.1498066484928131}, c.tensors().get("bias").toDoubleArray(), 0);
        assertArrayEquals(new int[] {7, -3}, c.tensors().get("steps").toIntArray());
        assertEquals(0, c.tensors().get("scale").rank());
        assertEquals(0.5, c.tensors().get("scale").item());
        assertEquals(0, c.tensors().get("empty").size());
        assertEquals("torch.nn.Linear(3, 2)", c.metadata().get("source"));
    }

    @Test
    void readsI64IntoInt32AndWritesNamedInt32TensorsAsI64() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.on(B, DType.FLOAT32).of(new float[] {0.5f, -1}));
        m.put("num_batches_tracked", Tensor.on(B, DType.INT32).of(new int[] {3}).reshape());
        m.put("ids", Tensor.on(B, DType.INT32).of(new int[] {-7, Integer.MAX_VALUE, Integer.MIN_VALUE}));
        byte[] bytes = Safetensors.toBytes(m, Map.of(), java.util.Set.of("num_batches_tracked", "ids"));
        String header = new String(bytes, 8, (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                StandardCharsets.UTF_8).strip();
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[16,40]}}", header);
        ByteBuffer data = ByteBuffer.wrap(bytes, bytes.length - 32, 32).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3L, data.getLong(0));
        assertEquals(-7L, data.getLong(8), "sign-extended");
        assertEquals((long) Integer.MIN_VALUE, data.getLong(24));
        Safetensors.Contents back = Safetensors.fromBytes(bytes, B);
        assertEquals(DType.INT32, back.tensors().get("ids").dtype());
        assertArrayEquals(new int[] {-7, Integer.MAX_VALUE, Integer.MIN_VALUE}, back.tensors().get("ids").toIntArray());
        assertEquals(3, back.tensors().get("num_batches_tracked").toIntArray()[0]);
        assertEquals(0, back.tensors().get("num_batches_tracked").shape().rank());
        String notInt = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.toBytes(m, Map.of(), java.util.Set.of("w"))).getMessage();
        assertTrue(notInt.contains("only INT32 tensors are stored as I64, but \"w\" is float32"), notInt);
    }

    @Test
    void rejectsAnI64ValueOutsideInt32NamingTheTensorAndElement() {
        String h = "{\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] bytes = file(h, 16);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(8 + h.length(), 5).putLong(16 + h.length(), 1L << 31);
        rejects("tensor \"n\" has I64 value 2147483648 at element 1, outside INT32's range", bytes);
        rejects("4 data bytes, but I64 (1,) needs 8",
                file(h.replace("[2]", "[1]").replace("16]", "4]"), 4));
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static void rejects(String fragment, byte[] bytes) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.fromBytes(bytes, B));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void rejectsEachKindOfBadFileWithAClearMessage() {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        Safetensors.Contents fine = assertDoesNotThrowContents(file(ok, 8));
        assertEquals(2, fine.tensors().get("a").size());
        rejects("shorter than the 8-byte", new byte[] {1, 2, 3});
        byte[] huge = file(ok, 8);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        rejects("header length", huge);
        byte[] negative = file(ok, 8);
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -8);
        rejects("header length", negative);
        rejects("unsupported dtype BF16", file(ok.replace("F32", "BF16"), 8));
        rejects("8 data bytes, but F32 (3,) needs 12", file(ok.replace("[2]", "[3]"), 8));
        rejects("outside the data block", file(ok, 4));
        rejects("duplicate key", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        rejects("overlaps", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        rejects("cover 8 bytes of a data block of 12", file(ok, 12));
        rejects("invalid dimension -2", file(ok.replace("[2]", "[-2]"), 8));
        rejects("nesting deeper", file("{\"__metadata__\":" + "[".repeat(40) + "]".repeat(40) + "}", 0));
        rejects("not a string", file("{\"__metadata__\":{\"k\":1}}", 0));
        rejects("invalid JSON", file("{\"a\":", 0));
    }

    private static Safetensors.Contents assertDoesNotThrowContents(byte[] bytes) {
        try {
            return Safetensors.fromBytes(bytes, B);
        } catch (SafetensorsFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void mutatedFilesFailOnlyWithAFormatException() {
        Props.tries(300).forAll(Props.ints(0, 4), Props.anyLong()).checkAssert(SafetensorsTest::readMutated);
        System.out.println("Safetensors reader: " + fuzzed + " mutated files, each rejected cleanly or read whole");
    }

    private static void readMutated(int mutation, long seed) {
        Rng rng = new Rng(seed);
        byte[] valid = Safetensors.toBytes(sample(), Map.of("k", "v"));
        byte[] b = switch (mutation) {
            case 0 -> java.util.Arrays.copyOf(valid, rng.nextInt(valid.length)); // truncation
            case 1 -> flip(valid, rng, 1 + rng.nextInt(8));                          // bit flips anywhere
            case 2 -> flip(valid, rng.split(), 0, 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong()); // in the header
            case 3 -> withLength(valid, rng.nextLong());                             // huge or negative length
            default -> java.util.Arrays.copyOf(valid, valid.length + 1 + rng.nextInt(16)); // trailing bytes
        };
        fuzzed++;
        try {
            Safetensors.Contents c = Safetensors.fromBytes(b, B);
            // a mutation that kept the file valid (a flipped data bit) still yields the full set of tensors
            assertEquals(5, c.tensors().size());
        } catch (SafetensorsFormatException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
        }
    }

    private static byte[] flip(byte[] v, Rng rng, int flips) {
        byte[] b = v.clone();
        for (int i = 0; i < flips; i++) {
            int at = rng.nextInt(b.length);
            b[at] ^= (byte) (1 << rng.nextInt(8));
        }
        return b;
    }

    private static byte[] flip(byte[] v, Rng rng, int from, int to) {
        byte[] b = v.clone();
        int at = from + rng.nextInt(to - from);
        b[at] ^= (byte) (1 << rng.nextInt(8));
        return b;
    }

    private static byte[] withLength(byte[] v, long length) {
        byte[] b = v.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return b;
    }

}
