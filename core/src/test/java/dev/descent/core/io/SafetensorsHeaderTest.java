package dev.descent.core.io;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

/** The header rules of {@link Safetensors}: strict JSON and UTF-8, the entry limits, and what is tolerated. */
class SafetensorsHeaderTest {
    private static final ReferenceBackend B = ReferenceBackend.INSTANCE;
    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    private static byte[] file(byte[] h, int dataBytes) {
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    private static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static void rejects(String fragment, byte[] bytes) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.fromBytes(bytes, B));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void laxJsonIsRejectedAndRfc8259IsAccepted() throws SafetensorsFormatException {
        rejects("leading zero", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[02],\"data_offsets\":[0,8]}}", 8));
        rejects("leading zero", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,0008]}}", 8));
        rejects("four hex digits, got '+'", file("{\"\\u+041\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        rejects("high surrogate without a low one", file("{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        rejects("expected ',' or '}'", file("{" + A + " " + A.replace("\"a\"", "\"b\"") + "}", 16));
        rejects("expected a value after ','", file("{" + A + ",}", 8));
        rejects("unexpected 'x' after the value", file("{" + A + "}x", 8));
        // -0 is RFC 8259's zero, escapes are decoded, trailing spaces (the writers' padding) are whitespace
        Safetensors.Contents c = Safetensors.fromBytes(file("{\"\\u0041\\u00e9\":{\"dtype\":\"F32\",\"shape\":[-0],"
                + "\"data_offsets\":[0,0]}}   ", 0), B);
        assertEquals(List.of("A\u00e9"), List.copyOf(c.tensors().keySet()));
        assertEquals(0, c.tensors().get("A\u00e9").size());
    }

    @Test
    void invalidUtf8InNamesAndMetadataIsRejectedNotReplaced() {
        byte[] name = ("{" + A + "}").getBytes(StandardCharsets.UTF_8);
        name[2] = (byte) 0xFF; // the tensor's name "a"
        rejects("invalid JSON header at byte 2: invalid UTF-8 byte 0xFF", file(name, 8));
        byte[] meta = "{\"__metadata__\":{\"k\":\"xyz\"}}".getBytes(StandardCharsets.UTF_8);
        meta[22] = (byte) 0xED;
        meta[23] = (byte) 0xB0; // an encoded low surrogate
        meta[24] = (byte) 0x80;
        rejects("invalid UTF-8 continuation byte 0xB0", file(meta, 0));
    }

    @Test
    void entriesAndMetadataAreCountedAgainstTheLimits() throws SafetensorsFormatException {
        // (the tensor limit, 2^18 entries, is exercised at scale by SafetensorsHostileFilesTest)
        StringBuilder meta = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i <= Safetensors.MAX_METADATA; i++) meta.append(i == 0 ? "" : ",").append("\"").append(i).append("\":\"\"");
        rejects("more than 65536 __metadata__ entries", file(meta.append("}}").toString(), 0));
        rejects("has rank over 32", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(32) + "1],\"data_offsets\":[0,4]}}", 4));
        assertEquals(32, Safetensors.fromBytes(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(31) + "1],"
                + "\"data_offsets\":[0,4]}}", 4), B).tensors().get("a").rank());
    }

    @Test
    void entryFieldsAreCheckedAndUnknownOnesSkipped() throws SafetensorsFormatException {
        rejects("has a duplicate key \"dtype\"", file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        rejects("duplicate key \"k\" in __metadata__", file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0));
        rejects("duplicate key \"__metadata__\"", file("{\"__metadata__\":{},\"__metadata__\":{}}", 0));
        rejects("no [begin, end] data_offsets (more than two)", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", 8));
        rejects("no [begin, end] data_offsets (got 8.0)", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.0]}}", 8));
        rejects("invalid dimension 2.0", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8));
        rejects("invalid dimension (a string)", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8));
        rejects("invalid dimension 2147483648", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483648],\"data_offsets\":[0,8]}}", 8));
        rejects("has no shape list", file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8));
        rejects("has no dtype string", file("{\"a\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        rejects("is not an object", file("{\"a\":[1,2]}", 0));
        rejects("nesting deeper", file("{\"a\":{\"dtype\":\"F32\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}}", 0));
        // an unknown field is skipped, whatever it holds
        Safetensors.Contents c = Safetensors.fromBytes(file("{\"a\":{\"extra\":{\"deep\":[1,\"é\",null,{}]},\"dtype\":\"F32\","
                + "\"shape\":[2],\"data_offsets\":[0,8]}}", 8), B);
        assertEquals(2, c.tensors().get("a").size());
    }

    @Test
    void theStreamedFileEqualsTheBytesAndReadsBackAcrossManyChunks(@TempDir Path dir) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        // 3 MiB of float64 and 1.5 MiB of int32: several 1 MiB chunks each, the last one partial
        m.put("big", Tensor.on(B, DType.FLOAT64).normal(new Rng(3), 0, 1, 393_217));
        int[] ints = new int[393_219];
        for (int i = 0; i < ints.length; i++) ints[i] = i * 31 - 7;
        m.put("ints", Tensor.on(B, DType.INT32).of(ints));
        m.put("small", Tensor.on(B, DType.FLOAT32).of(new float[] {1.5f, -2f}));
        Path file = dir.resolve("big.safetensors");
        Safetensors.write(file, m, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(Safetensors.toBytes(m, Map.of("k", "v")), bytes);
        Safetensors.Contents back = Safetensors.read(file, B);
        assertArrayEquals(m.get("big").toDoubleArray(), back.tensors().get("big").toDoubleArray(), 0);
        assertArrayEquals(ints, back.tensors().get("ints").toIntArray());
        assertArrayEquals(new float[] {1.5f, -2f}, back.tensors().get("small").toFloatArray(), 0);
        Safetensors.Contents fromBytes = Safetensors.fromBytes(bytes, B);
        assertArrayEquals(m.get("big").toDoubleArray(), fromBytes.tensors().get("big").toDoubleArray(), 0);
    }

    @Test
    void aFileTruncatedOnDiskIsTheFormatExceptionNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cut.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.on(B, DType.FLOAT32).ones(1000)), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(file, B));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("outside the data block"), e.getMessage());
    }
}
