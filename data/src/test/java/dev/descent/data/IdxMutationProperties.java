package dev.descent.data;

import dev.descent.core.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Valid IDX files, plain or gzip, mutated at random (truncation, bit flips, overwritten bytes, huge dimensions,
 * appended bytes): reading one either fails with a {@link DatasetFormatException} naming the file, or returns
 * exactly what the mutated bytes say — never another exception, never a partial array.
 */
class IdxMutationProperties {

    enum Kind { TRUNCATE, FLIP_BIT, SET_BYTE, HUGE_DIMENSION, APPEND }

    /** One mutation: where positions are fractions of the file, applied to the IDX bytes or to the gzip bytes. */
    record Mutation(Kind kind, double where, int bit, int value, boolean onCompressed) {
    }

    @Provide
    Arbitrary<IdxArray> arrays() {
        Arbitrary<IdxType> types = Arbitraries.of(IdxType.class);
        Arbitrary<int[]> dims = Arbitraries.integers().between(0, 6).array(int[].class).ofMinSize(1).ofMaxSize(3);
        Arbitrary<Long> seeds = Arbitraries.longs();
        return Combinators.combine(types, dims, seeds).as((t, d, s) -> {
            int n = Arrays.stream(d).reduce(1, (a, b) -> a * b);
            return IdxArray.of(t, d, IdxTest.samples(t, new Rng(s), n));
        });
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 7), Arbitraries.of(0x7FFFFFFF, 0xFFFFFFFF, 0x10000000, 1 << 20, 255, 7),
                Arbitraries.of(false, true)).as(Mutation::new);
    }

    @Property(tries = 300)
    void mutatedFilesFailOnlyWithDatasetFormatException(@ForAll("arrays") IdxArray array, @ForAll boolean gzip,
                                                        @ForAll("mutations") Mutation m) throws IOException {
        Path file = Files.createTempFile("mutated-idx", gzip ? ".gz" : "");
        try {
            Idx.write(file, array);
            byte[] valid = Files.readAllBytes(file);
            byte[] raw = gzip ? IdxTest.gunzip(valid) : valid;
            boolean compressedLevel = gzip && m.onCompressed();
            byte[] mutatedRaw = compressedLevel ? raw : mutate(raw, m);
            byte[] bytes = compressedLevel ? mutate(valid, m) : gzip ? IdxTest.gzip(mutatedRaw) : mutatedRaw;
            Files.write(file, bytes);
            IdxArray read;
            try {
                read = Idx.read(file);
            } catch (DatasetFormatException e) {
                assertEquals(file, e.file());
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                return;
            }
            // accepted: it must be the complete array those bytes describe
            if (compressedLevel) {
                assertEquals(array, read, "a gzip stream that passes its checksum holds the original data");
            } else {
                Path again = Files.createTempFile("rewritten-idx", "");
                try {
                    Idx.write(again, read);
                    assertArrayEquals(mutatedRaw, Files.readAllBytes(again));
                } finally {
                    Files.deleteIfExists(again);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] mutate(byte[] bytes, Mutation m) {
        int at = (int) Math.min(bytes.length - 1, Math.floor(m.where() * bytes.length));
        byte[] b = bytes.clone();
        switch (m.kind()) {
            case TRUNCATE -> b = Arrays.copyOf(bytes, at);
            case FLIP_BIT -> b[at] ^= (byte) (1 << m.bit());
            case SET_BYTE -> b[at] = (byte) m.value();
            case HUGE_DIMENSION -> {
                int rank = Math.max(1, bytes[3] & 0xFF);
                int dim = Math.min(rank - 1, (int) (m.where() * rank));
                if (4 + 4 * dim + 4 <= b.length) ByteBuffer.wrap(b).putInt(4 + 4 * dim, m.value());
            }
            case APPEND -> {
                b = Arrays.copyOf(bytes, bytes.length + 1 + m.bit());
                Arrays.fill(b, bytes.length, b.length, (byte) m.value());
            }
        }
        return b;
    }
}
