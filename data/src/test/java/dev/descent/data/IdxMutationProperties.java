package dev.descent.data;

import dev.descent.core.Rng;
import dev.descent.core.testing.Props;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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

    /** A valid array: its element type, its dimensions (0 to 6 each, rank 1 to 3) and the seed of its values. */
    record ArrayCase(IdxType type, int[] dims, long seed) {
        IdxArray array() {
            int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
            return IdxArray.of(type, dims, IdxTest.samples(type, new Rng(seed), n));
        }

        @Override
        public String toString() {
            return type + " " + Arrays.toString(dims) + " seed " + seed;
        }
    }

    static Gen<ArrayCase> arrays() {
        return Generate.enumValues(IdxType.class).zip(Props.intArrays(1, 3, Props.ints(0, 6)), Props.anyLong(),
                ArrayCase::new);
    }

    static Gen<Mutation> mutations() {
        return Generate.enumValues(Kind.class).zip(Props.decimals(0, 1, 2), Props.ints(0, 7),
                Generate.pick(List.of(0x7FFFFFFF, 0xFFFFFFFF, 0x10000000, 1 << 20, 255, 7)), Props.bools(),
                Mutation::new);
    }

    @Test
    void mutatedFilesFailOnlyWithDatasetFormatException() {
        Props.tries(300).forAll(arrays(), Props.bools(), mutations())
                .checkAssert((array, gzip, m) -> {
                    try {
                        mutateAndRead(array.array(), gzip, m);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private static void mutateAndRead(IdxArray array, boolean gzip, Mutation m) throws IOException {
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
