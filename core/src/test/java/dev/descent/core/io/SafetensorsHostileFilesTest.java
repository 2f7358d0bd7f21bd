package dev.descent.core.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile files of the reliability review, generated here (sparse files through
 * {@link RandomAccessFile#setLength}, big headers written at test time, nothing large committed), each read in a
 * child JVM: once at {@code -Xmx1g}, where every one must give the documented {@link SafetensorsFormatException}
 * within 2 s of CPU time, and again in heaps of the stated bound {@code 3 × header + 2 × data + 64 MiB}, where
 * they must give the same outcomes.
 */
class SafetensorsHostileFilesTest {
    private static final long MIB = 1 << 20;
    private static Path dir;
    /** File name to the start of the expected outcome. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();
    /** File name to the bytes its header and its data block hold (what a read may need to hold). */
    private static final Map<String, long[]> SIZES = new LinkedHashMap<>();

    @BeforeAll
    static void generate() throws IOException {
        dir = Files.createTempDirectory("hostile-safetensors");
        // the review's files
        metadataKeys("metadata-keys-70MB", 70_000_000);
        zeroSizeTensors("zero-size-tensors-99MB", 99_000_000, Integer.MAX_VALUE);
        sparse("zeros-2GiB-minus-1", (1L << 31) - 1, null);
        sparse("zeros-1.5GB", 1_500_000_000L, null);
        bytes("invalid-utf8-name", "{\"a\u0000b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 0xFF);
        bytes("invalid-utf8-metadata", "{\"__metadata__\":{\"k\":\"\u0000\u0000\u0000\"}}", 0, 0xED, 0xA0, 0x80);
        bytes("overlong-utf8-name", "{\"\u0000\u0000\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 0xC0, 0xAF);
        text("lax-number-0008", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0008],\"data_offsets\":[0,32]}}", 32);
        text("escape-u+041", "{\"\\u+041\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        // and their relatives
        sparse("header-of-zeros-1.5GB", 1_500_000_000L, Safetensors.MAX_HEADER - 8L);
        sparse("length-beyond-the-file", 4096, Long.MAX_VALUE);
        String odd = "{\"a\":{\"dtype\":\"F32\",\"shape\":[536870000],\"data_offsets\":[0,2147480000]}}";
        sparseWithHeader("data-block-mismatch-2GiB-minus-1", odd, (1L << 31) - 1);
        String beyondInt = "{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,32768],\"data_offsets\":[0,8589934592]}}";
        sparseWithHeader("tensor-beyond-int-8GiB", beyondInt, 8 + padded(beyondInt) + (1L << 33));
        // valid files at the limits, which must load
        zeroSizeTensors("at-the-tensor-limit", 99_000_000, Safetensors.MAX_TENSORS);
        metadataAtLimit("at-the-metadata-limit");
        String data = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2048,4096],\"data_offsets\":[0,33554432]}}";
        sparseWithHeader("valid-32MiB-of-data", data, 8 + padded(data) + 32 * MIB);
        SIZES.put("valid-32MiB-of-data", new long[] {padded(data), 32 * MIB});
        expect("metadata-keys-70MB", "REJECTED", "more than 65536 __metadata__ entries");
        expect("zero-size-tensors-99MB", "REJECTED", "more than 262144 tensors in the header");
        expect("zeros-2GiB-minus-1", "REJECTED", "header length 0 is outside 2..100000000 for a file of 2147483647 bytes");
        expect("zeros-1.5GB", "REJECTED", "header length 0 is outside");
        expect("invalid-utf8-name", "REJECTED", "invalid JSON header at byte 3: invalid UTF-8 byte 0xFF");
        expect("invalid-utf8-metadata", "REJECTED", "invalid UTF-8 continuation byte 0xA0");
        expect("overlong-utf8-name", "REJECTED", "invalid UTF-8 byte 0xC0");
        expect("lax-number-0008", "REJECTED", "a number may not have a leading zero");
        expect("escape-u+041", "REJECTED", "\\u escape needs four hex digits, got '+'");
        expect("header-of-zeros-1.5GB", "REJECTED", "header does not start with '{'");
        expect("length-beyond-the-file", "REJECTED", "header length 9223372036854775807 is outside");
        expect("data-block-mismatch-2GiB-minus-1", "REJECTED", "the tensors cover 2147480000 bytes of a data block of");
        expect("tensor-beyond-int-8GiB", "REJECTED", "has more than 2147483639 elements");
        expect("at-the-tensor-limit", "READ", Safetensors.MAX_TENSORS + " 0");
        expect("at-the-metadata-limit", "READ", "0 " + Safetensors.MAX_METADATA);
        expect("valid-32MiB-of-data", "READ", "1 0");
    }

    @AfterAll
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    private static void expect(String name, String kind, String fragment) {
        assertTrue(Files.exists(dir.resolve(name)), name);
        EXPECTED.put(name, kind + " " + fragment);
    }

    @Test
    void everyHostileFileGetsTheFormatExceptionAtXmx1gWithinTwoSeconds() throws Exception {
        Map<String, String[]> results = runChild("-Xmx1g", List.copyOf(EXPECTED.keySet()));
        for (var e : EXPECTED.entrySet()) {
            String[] r = results.get(e.getKey());
            long cpu = Long.parseLong(r[1]);
            assertTrue(cpu <= 2000, e.getKey() + " took " + cpu + " ms of CPU (" + r[2] + " ms wall)");
        }
    }

    /**
     * The stated bound, {@code 3 × header length + 2 × data length + 64 MiB}, as the child's whole heap: once for
     * the files with headers over 20 MB (the bound of the largest, a 100 MB header) and once for the others (the
     * bound of the largest, the 15 MB header of 2^18 tensors or the 32 MiB data block). Every file must still get
     * its documented outcome in that heap, so no read needs more.
     */
    @Test
    void everyFileIsReadWithinTheStatedMemoryBound() throws Exception {
        for (boolean large : new boolean[] {true, false}) {
            List<String> group = new ArrayList<>();
            long bound = 0;
            for (String name : EXPECTED.keySet()) {
                long[] hd = SIZES.getOrDefault(name, new long[2]);
                if ((hd[0] > 20_000_000) != large) continue;
                group.add(name);
                bound = Math.max(bound, 3 * hd[0] + 2 * hd[1] + 64 * MIB);
            }
            runChild("-Xmx" + (bound + MIB - 1) / MIB + "m", group);
        }
    }

    /** Runs the reader over every file; checks each outcome and returns the lines by file name. */
    private static Map<String, String[]> runChild(String heap, List<String> names)
            throws IOException, InterruptedException, URISyntaxException {
        String classpath = location(Safetensors.class) + java.io.File.pathSeparator + location(HostileFileReader.class);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-cp", classpath, HostileFileReader.class.getName()));
        for (String name : names) command.add(dir.resolve(name).toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            boolean done = p.waitFor(180, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(done, "the child JVM did not finish in 180 s: " + out);
            assertEquals(0, p.exitValue(), out);
            System.out.println("Safetensors hostile files at " + heap + ":\n" + out);
            Map<String, String[]> byName = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                String[] f = line.split("\t", 4);
                if (f.length == 4 && EXPECTED.containsKey(f[0])) byName.put(f[0], f);
            }
            for (String name : names) {
                var e = Map.entry(name, EXPECTED.get(name));
                String[] r = byName.get(e.getKey());
                assertTrue(r != null, e.getKey() + " has no result in: " + out);
                String kind = e.getValue().substring(0, e.getValue().indexOf(' '));
                String fragment = e.getValue().substring(kind.length() + 1);
                assertTrue(r[3].startsWith(kind + " ") && r[3].contains(fragment),
                        () -> e.getKey() + " at " + heap + ": expected " + e.getValue() + ", got " + r[3]);
            }
            return byName;
        } finally {
            p.destroyForcibly();
        }
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    // ---------------------------------------------------------------- generators

    private static long padded(String header) {
        return (header.getBytes(StandardCharsets.UTF_8).length + 7) / 8 * 8;
    }

    /** A file of the 8-byte length, the header bytes and {@code data} zero bytes. */
    private static void write(String name, byte[] header, long data) throws IOException {
        SIZES.put(name, new long[] {header.length, data});
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
            f.setLength(8 + header.length + data);
        }
    }

    private static void text(String name, String header, long data) throws IOException {
        write(name, header.getBytes(StandardCharsets.UTF_8), data);
    }

    /** A header whose bytes from its first NUL on are replaced by {@code raw} (for invalid UTF-8). */
    private static void bytes(String name, String header, long data, int... raw) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int at = header.indexOf('\u0000');
        for (int i = 0; i < raw.length; i++) h[at + i] = (byte) raw[i];
        write(name, h, data);
    }

    /** A sparse file of {@code length} zero bytes, its first 8 bytes set to {@code declared} if given. */
    private static void sparse(String name, long length, Long declared) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
            f.setLength(length);
            if (declared != null) {
                f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array());
                if (declared <= Safetensors.MAX_HEADER) SIZES.put(name, new long[] {declared, 0});
            }
        }
    }

    /** A sparse file of {@code length} bytes that starts with a valid header (padded with spaces). */
    private static void sparseWithHeader(String name, String header, long length) throws IOException {
        byte[] h = Arrays.copyOf(header.getBytes(StandardCharsets.UTF_8), (int) padded(header));
        for (int i = header.length(); i < h.length; i++) h[i] = ' ';
        write(name, h, 0);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
            f.setLength(length);
        }
    }

    /** {@code {"__metadata__":{"k0":"","k1":"",...}}} of exactly {@code size} bytes (spaces pad the end). */
    private static void metadataKeys(String name, int size) throws IOException {
        StringBuilder sb = new StringBuilder(size).append("{\"__metadata__\":{");
        for (int i = 0; sb.length() + 24 < size; i++) sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"\"");
        write(name, pad(sb.append("}}"), size), 0);
    }

    private static void metadataAtLimit(String name) throws IOException {
        StringBuilder sb = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i < Safetensors.MAX_METADATA; i++) sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        String h = sb.append("}}").toString();
        write(name, pad(new StringBuilder(h), (int) padded(h)), 0);
    }

    /** Up to {@code count} zero-size tensors, in a header of at most {@code size} bytes (exactly, when full). */
    private static void zeroSizeTensors(String name, int size, int count) throws IOException {
        StringBuilder sb = new StringBuilder(size).append('{');
        for (int i = 0; i < count && sb.length() + 80 < size; i++) {
            sb.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        sb.append('}');
        write(name, pad(sb, count == Integer.MAX_VALUE ? size : (int) padded(sb.toString())), 0);
    }

    private static byte[] pad(StringBuilder sb, int size) {
        while (sb.length() < size) sb.append(' ');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
