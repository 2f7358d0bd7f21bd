package dev.descent.core.io;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mutation fuzz of the safetensors reader: 20,000 mutants of a valid file (truncations, bit flips, header bytes
 * replaced by random or by JSON-significant bytes, deleted, inserted and duplicated header spans with the length
 * fixed up so the parser sees them, numbers replaced by lax or huge ones, random lengths, trailing bytes). The
 * documented {@link SafetensorsFormatException} is the only failure allowed; a mutant that is still accepted must
 * be read whole and consistently (its tensors tile the data block). Seeded, so every run tries the same mutants.
 */
class SafetensorsFuzzTest {
    private static final ReferenceBackend B = ReferenceBackend.INSTANCE;
    private static final int CASES = 20_000;
    private static final int KINDS = 10;
    private static final byte[] SIGNIFICANT = "{}[]\":,\\-+.0123456789eEuU \t\n/ntf".getBytes(StandardCharsets.US_ASCII);
    private static final String[] NUMBERS = {"0008", "-0", "-1", "1e400", "1.5", "2147483648", "9223372036854775808",
        "99999999999999999999", "0", "00", "1E2", "-0.0", "4294967296"};

    private static byte[] valid() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("layers.0.weight", Tensor.on(B, DType.FLOAT32).normal(new Rng(1), 0, 1, 3, 4));
        m.put("layers.0.bias", Tensor.on(B, DType.FLOAT64).of(new double[] {1.5, -2.25, Math.PI}));
        m.put("step", Tensor.on(B, DType.INT32).of(new int[] {42}).reshape());
        m.put("empty", Tensor.on(B, DType.FLOAT32).zeros(0, 5));
        m.put("naïve \"name\" ✓", Tensor.on(B, DType.FLOAT64).of(new double[] {Double.NaN, Double.NEGATIVE_INFINITY}));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "é\n\u20ac\ud83d\ude00");
        return Safetensors.toBytes(m, meta);
    }

    @Test
    void twentyThousandMutantsFailOnlyWithTheFormatException() {
        byte[] valid = valid();
        int header = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int[] accepted = new int[KINDS], rejected = new int[KINDS];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Rng rng = new Rng(20261203);
            for (int i = 0; i < CASES; i++) {
                int kind = i % KINDS;
                byte[] b = mutate(valid, header, kind, rng);
                try {
                    Safetensors.Contents c = Safetensors.fromBytes(b, B);
                    accepted[kind]++;
                    long declared = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    long covered = 0;
                    for (Tensor t : c.tensors().values()) covered += (long) t.size() * t.dtype().byteSize();
                    assertEquals(b.length - 8 - declared, covered, "case " + i + ": the tensors tile the data block");
                } catch (SafetensorsFormatException expected) {
                    rejected[kind]++;
                    assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), "case " + i);
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("case " + i + " (mutation " + kind + ") failed with " + e + " on "
                            + new String(b, StandardCharsets.ISO_8859_1), e);
                }
            }
        });
        int total = Arrays.stream(accepted).sum() + Arrays.stream(rejected).sum();
        assertEquals(CASES, total);
        System.out.println("Safetensors fuzz: " + total + " mutants, accepted by kind " + Arrays.toString(accepted)
                + ", rejected by kind " + Arrays.toString(rejected) + "; no other failure");
        // each kind was exercised both ways where it can be: truncations and bad lengths are never valid
        assertEquals(0, accepted[0] + accepted[4]);
        assertTrue(Arrays.stream(rejected).allMatch(r -> r > 0), Arrays.toString(rejected));
    }

    private static byte[] mutate(byte[] v, int header, int kind, Rng rng) {
        int h0 = 8, h1 = 8 + header;
        return switch (kind) {
            case 0 -> Arrays.copyOf(v, rng.nextInt(v.length));
            case 1 -> {
                byte[] b = v.clone();
                for (int k = 1 + rng.nextInt(8); k > 0; k--) b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                yield b;
            }
            case 2 -> {
                byte[] b = v.clone();
                b[h0 + rng.nextInt(header)] = (byte) rng.nextInt(256);
                yield b;
            }
            case 3 -> {
                byte[] b = v.clone();
                int at = h0 + rng.nextInt(header);
                b[at] = rng.nextInt(4) == 0 ? (byte) (0x80 + rng.nextInt(128)) : SIGNIFICANT[rng.nextInt(SIGNIFICANT.length)];
                yield b;
            }
            case 4 -> {
                byte[] b = v.clone();
                long length = switch (rng.nextInt(3)) {
                    case 0 -> rng.nextLong();
                    case 1 -> header + 1 + rng.nextInt(1 << 20);
                    default -> -1 - rng.nextInt(1 << 20);
                };
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
                yield b;
            }
            case 5 -> Arrays.copyOf(v, v.length + 1 + rng.nextInt(16));
            case 6 -> {
                int from = h0 + rng.nextInt(header), to = Math.min(h1, from + 1 + rng.nextInt(12));
                yield splice(v, header, from, to, new byte[0]);
            }
            case 7 -> {
                byte[] insert = new byte[1 + rng.nextInt(6)];
                for (int k = 0; k < insert.length; k++) insert[k] = SIGNIFICANT[rng.nextInt(SIGNIFICANT.length)];
                int at = h0 + rng.nextInt(header);
                yield splice(v, header, at, at, insert);
            }
            case 8 -> {
                int from = h0 + rng.nextInt(header), to = Math.min(h1, from + 1 + rng.nextInt(40));
                yield splice(v, header, to, to, Arrays.copyOfRange(v, from, to));
            }
            default -> {
                // a run of digits replaced by another number, lax or out of range
                int at = h0 + rng.nextInt(header);
                while (at < h1 && !Character.isDigit(v[at])) at++;
                int end = at;
                while (end < h1 && Character.isDigit(v[end])) end++;
                if (at == h1) at = end = h0 + rng.nextInt(header);
                yield splice(v, header, at, end, NUMBERS[rng.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII));
            }
        };
    }

    /** {@code v} with the bytes {@code [from, to)} replaced by {@code insert}, the header length adjusted to match. */
    private static byte[] splice(byte[] v, int header, int from, int to, byte[] insert) {
        byte[] b = new byte[v.length - (to - from) + insert.length];
        System.arraycopy(v, 0, b, 0, from);
        System.arraycopy(insert, 0, b, from, insert.length);
        System.arraycopy(v, to, b, from + insert.length, v.length - to);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header - (to - from) + insert.length);
        return b;
    }
}
