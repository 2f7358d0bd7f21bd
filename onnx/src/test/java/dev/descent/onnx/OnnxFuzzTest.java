package dev.descent.onnx;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.activations.Softmax;
import dev.descent.nn.layers.Sequential;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutated ONNX files (bit flips, overwritten, inserted and deleted bytes, truncations, repeated chunks) from ten
 * seeds (PyTorch's MLP, activations, CNN, two-layer bidirectional LSTM, two-layer Transformer encoder (with its
 * run-time shape arithmetic), ReLU RNN and masked Transformer encoder (three inputs, two BOOL; Equal, Where, Expand,
 * Or, Cast to BOOL), a Descent custom module, a Descent masked encoder layer and a Descent masked MultiheadAttention with add_bias_kv
 * and add_zero_attn): each either fails to load with {@link OnnxFormatException}, or loads and then runs or fails with the
 * importer's {@code IllegalArgumentException} naming the node. Nothing else escapes: no other exception, no
 * {@code Error}.
 */
class OnnxFuzzTest {
    static final int CASES = 10_000;
    static final long TIME_LIMIT_MS = 120_000;

    record Seed(String name, byte[] bytes, Map<String, Tensor> inputs) {
        Seed(String name, byte[] bytes, Tensor input) {
            this(name, bytes, Map.of("input", input));
        }
    }

    static List<Seed> seeds() throws Exception {
        TensorFactory f32 = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        TensorFactory f64 = Tensor.on(Backends.get("ejml"), DType.FLOAT64);
        var i32 = Tensor.on(Backends.get("ejml"), DType.INT32);
        // a pre-norm batch-first encoder layer, a float (N·H, L, S) mask and a bool (N, S) padding mask
        var maskedCase = MaskedAttentionExportTest.cases().get(9);
        var maskedModel = AttentionExportTest.prepared(MaskedAttentionExportTest.plain(maskedCase), f32);
        var masked = Onnx.toModel(maskedModel, MaskedAttentionExportTest.inputs(
                f32.normal(new Rng(12), 0, 1, 2, 3, 8), MaskedAttentionExportTest.masks(maskedCase, f32, 2, 3, 13)));
        // unbatched, add_bias_kv and add_zero_attn, a bool (L, S) mask: run-time shapes, Expand, ConstantOfShape
        var kvCase = MaskedAttentionExportTest.cases().get(7);
        var kvModel = Onnx.toModel(AttentionExportTest.prepared(MaskedAttentionExportTest.plain(kvCase), f32),
                MaskedAttentionExportTest.inputs(f32.normal(new Rng(15), 0, 1, 4, 6),
                        MaskedAttentionExportTest.masks(kvCase, f32, 1, 4, 16)));
        var custom = new Sequential(new OnnxExportTest.Residual(f64), OnnxExportTest.linear(f64, 4, 3, 8), new Softmax(-1));
        return List.of(
                new Seed("pytorch mlp", OnnxImportTest.resource("pytorch/mlp.onnx"), f32.normal(new Rng(1), 0, 1, 3, 4)),
                new Seed("pytorch activations", OnnxImportTest.resource("pytorch/activations.onnx"),
                        f32.normal(new Rng(2), 0, 1, 3, 2, 3)),
                new Seed("pytorch cnn", OnnxImportTest.resource("pytorch/cnn.onnx"),
                        f32.normal(new Rng(5), 0, 1, 3, 1, 12, 12)),
                new Seed("pytorch lstm", OnnxImportTest.resource("pytorch/lstm.onnx"),
                        f32.normal(new Rng(6), 0, 1, 4, 2, 3)),
                new Seed("pytorch encoder", OnnxImportTest.resource("pytorch/encoder.onnx"),
                        f32.normal(new Rng(7), 0, 1, 3, 2, 8)),
                new Seed("pytorch rnn", OnnxImportTest.resource("pytorch/rnn_relu.onnx"),
                        f32.normal(new Rng(8), 0, 1, 4, 2, 3)),
                new Seed("descent custom", Onnx.toModel(custom, f64.normal(new Rng(3), 0, 1, 2, 5)).toByteArray(),
                        f64.normal(new Rng(4), 0, 1, 3, 5)),
                new Seed("pytorch masked encoder", OnnxImportTest.resource("pytorch/encoder_masked.onnx"), Map.of(
                        "input", f32.normal(new Rng(9), 0, 1, 3, 2, 8),
                        "attn_mask", i32.of(new int[] {0, 1, 0, 0, 0, 1, 0, 1, 0}, 3, 3),
                        "key_padding_mask", i32.of(new int[] {0, 0, 1, 0, 1, 0}, 2, 3))),
                new Seed("descent masked encoder", masked.toByteArray(), Map.of(
                        "input", f32.normal(new Rng(10), 0, 1, 2, 3, 8),
                        "attn_mask", MaskedAttentionExportTest.masks(maskedCase, f32, 2, 3, 11).get("attn_mask"),
                        "key_padding_mask", i32.of(new int[] {0, 0, 1, 0, 1, 0}, 2, 3))),
                new Seed("descent masked attention, bias_kv and zero_attn", kvModel.toByteArray(), Map.of(
                        "input", f32.normal(new Rng(14), 0, 1, 3, 6),
                        "attn_mask", i32.of(new int[] {0, 1, 0, 0, 0, 1, 0, 1, 0}, 3, 3))));
    }

    /** Mutates a seed's bytes. */
    interface Mutator {
        byte[] mutate(Seed seed, Random random) throws Exception;
    }

    @Test
    void mutatedFilesFailOnlyWithTheDocumentedExceptions() throws Exception {
        fuzz("bytes", (seed, random) -> mutate(seed.bytes(), random), 20261203);
    }

    /**
     * Mutations of the parsed model that keep it well-formed protobuf, so that they reach the graph checks and the
     * operators: window attributes, axes, perms and epsilons set to extreme values (negative, zero, 2^16, 2^31, 2^40,
     * NaN), initialiser dims changed under their data, node inputs rewired or dropped, operator types swapped.
     */
    @Test
    void structurallyMutatedModelsFailOnlyWithTheDocumentedExceptions() throws Exception {
        fuzz("structure", (seed, random) -> StructureMutations.mutate(ModelProto.parseFrom(seed.bytes()), random)
                .toByteArray(), 20261204);
    }

    private static void fuzz(String kind, Mutator mutator, long seedValue) throws Exception {
        List<Seed> seeds = seeds();
        Random random = new Random(seedValue);
        int rejected = 0, ran = 0, runErrors = 0, n = 0;
        long start = System.currentTimeMillis();
        for (; n < CASES; n++) {
            Seed seed = seeds.get(n % seeds.size());
            byte[] mutant = mutator.mutate(seed, random);
            OnnxModule model;
            try {
                model = OnnxModule.fromBytes(mutant);
            } catch (OnnxFormatException expected) {
                rejected++;
                continue;
            } catch (Throwable t) {
                fail("case " + n + " (" + seed.name() + "): load threw " + t + "\nmutant: " + Arrays.toString(mutant), t);
                return;
            }
            try {
                if (seed.inputs().size() == 1) model.predict(seed.inputs().get("input").to(model.dtype()));
                else model.predict(seed.inputs());
                ran++;
            } catch (IllegalArgumentException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("OnnxModule:")) {
                    fail("case " + n + " (" + seed.name() + "): run threw an unnamed " + e, e);
                }
                runErrors++;
            } catch (Throwable t) {
                fail("case " + n + " (" + seed.name() + "): run threw " + t, t);
            }
            assertTrue(System.currentTimeMillis() - start < TIME_LIMIT_MS, "fuzz over its time limit at case " + n);
        }
        System.out.printf("ONNX fuzz (%s): %d cases in %d ms: %d rejected, %d loaded and ran, %d loaded and failed to "
                + "run%n", kind, n, System.currentTimeMillis() - start, rejected, ran, runErrors);
        assertTrue(n >= 10_000);
        assertTrue(rejected > 0 && ran > 0, "the mutations reach both outcomes");
    }

    static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            if (b.length == 0) return b;
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> {
                    byte[] in = new byte[1 + r.nextInt(8)];
                    r.nextBytes(in);
                    b = splice(b, at, 0, in);
                }
                case 3 -> b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(16)), new byte[0]);
                case 4 -> b = Arrays.copyOf(b, at);
                default -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    b = splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
