package dev.descent.data;

import dev.descent.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded mutation fuzz of {@link Idx#read}: {@value #CASES} valid files, plain or gzip, each changed by one to
 * three random mutations of the IDX bytes or of the compressed bytes. Reading one either fails with a
 * {@link DatasetFormatException} that names the file and never reads "null", or returns exactly the array the
 * mutated bytes describe. Any other exception fails the test with the case's seed.
 */
class IdxFuzzTest {
    static final int CASES = 10_000;
    private static final long SEED = 20261203L;
    private static final long BUDGET_NANOS = 10_000_000_000L;

    enum Kind { TRUNCATE, FLIP_BIT, SET_BYTE, HUGE_DIMENSION, APPEND, INSERT, DELETE, RANK }

    @TempDir
    Path dir;

    @Test
    void mutatedFilesFailOnlyWithTheDocumentedException() throws IOException {
        Rng rng = new Rng(SEED);
        Path plain = dir.resolve("fuzz-idx"), gz = dir.resolve("fuzz-idx.gz");
        Map<Kind, Integer> uses = new EnumMap<>(Kind.class);
        int refused = 0, accepted = 0;
        long start = System.nanoTime();
        for (int c = 0; c < CASES; c++) {
            long caseSeed = rng.nextLong();
            Rng r = new Rng(caseSeed);
            IdxArray array = randomArray(r);
            boolean gzip = r.nextBernoulli(0.5), onCompressed = gzip && r.nextBernoulli(0.5);
            Path file = gzip ? gz : plain;
            byte[] raw = rawBytes(array);
            byte[] valid = gzip ? IdxTest.gzip(raw) : raw;
            if (c < 100) { // the in-memory bytes are the writer's
                Idx.write(plain, array);
                assertArrayEquals(Files.readAllBytes(plain), raw);
            }
            byte[] mutatedRaw = onCompressed ? raw : mutate(raw, r, uses);
            byte[] bytes = onCompressed ? mutate(valid, r, uses) : gzip ? IdxTest.gzip(mutatedRaw) : mutatedRaw;
            if (c % 100 == 0) Files.write(file, bytes); // every hundredth case from a file, the rest from memory
            IdxArray read;
            try {
                read = c % 100 == 0 ? Idx.read(file) : Idx.read(file, bytes);
            } catch (DatasetFormatException e) {
                FuzzChecks.assertDocumented(e, file, caseSeed);
                refused++;
                continue;
            } catch (RuntimeException | IOException e) {
                throw FuzzChecks.unexpected(caseSeed, e);
            }
            accepted++;
            if (onCompressed) {
                assertEquals(array, read, "case seed " + caseSeed + ": a member that passes its CRC holds the original data");
            } else {
                assertArrayEquals(mutatedRaw, rawBytes(read), "case seed " + caseSeed);
            }
        }
        long elapsed = System.nanoTime() - start;
        assertEquals(CASES, refused + accepted);
        assertTrue(refused > CASES / 2 && accepted > 0, refused + " refused, " + accepted + " accepted");
        for (Kind k : Kind.values()) assertTrue(uses.getOrDefault(k, 0) > 100, "mutation " + k + " used " + uses.get(k));
        assertTrue(elapsed < BUDGET_NANOS, "fuzz took " + elapsed / 1e9 + " s");
        System.out.printf("IdxFuzzTest: %d cases, %d refused, %d accepted, %.1f s%n", CASES, refused, accepted, elapsed / 1e9);
    }

    /** The bytes {@link Idx#write} writes for {@code a} in a plain file. */
    static byte[] rawBytes(IdxArray a) {
        int[] dims = a.dims();
        byte[] data = a.rawData();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put(new byte[] {0, 0, (byte) a.type().code(), (byte) dims.length});
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    static IdxArray randomArray(Rng r) {
        IdxType type = IdxType.values()[r.nextInt(IdxType.values().length)];
        int[] dims = new int[1 + r.nextInt(3)];
        for (int i = 0; i < dims.length; i++) dims[i] = r.nextInt(7);
        int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        return IdxArray.of(type, dims, IdxTest.samples(type, r, n));
    }

    private static byte[] mutate(byte[] bytes, Rng r, Map<Kind, Integer> uses) {
        byte[] b = bytes;
        int count = 1 + r.nextInt(3);
        for (int m = 0; m < count && b.length > 0; m++) {
            Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
            uses.merge(kind, 1, Integer::sum);
            int at = r.nextInt(b.length);
            switch (kind) {
                case TRUNCATE -> b = Arrays.copyOf(b, at);
                case FLIP_BIT -> {
                    b = b.clone();
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                case SET_BYTE -> {
                    b = b.clone();
                    b[at] = (byte) new int[] {0, 0xFF, 0x7F, 0x80, 1, r.nextInt(256)}[r.nextInt(6)];
                }
                case HUGE_DIMENSION -> {
                    b = b.clone();
                    int dim = 4 + 4 * r.nextInt(Math.max(1, Math.min(3, (b.length - 4) / 4)));
                    int value = new int[] {0x7FFFFFFF, 0xFFFFFFFF, 0x10000000, 1 << 20, 255, 7}[r.nextInt(6)];
                    if (dim + 4 <= b.length) ByteBuffer.wrap(b).putInt(dim, value);
                }
                case APPEND -> {
                    int extra = 1 + r.nextInt(16);
                    b = Arrays.copyOf(b, b.length + extra);
                    for (int i = b.length - extra; i < b.length; i++) b[i] = (byte) r.nextInt(256);
                }
                case INSERT -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                case DELETE -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                case RANK -> {
                    if (b.length > 3) {
                        b = b.clone();
                        b[3] = (byte) r.nextInt(256);
                    }
                }
            }
        }
        return b;
    }
}
