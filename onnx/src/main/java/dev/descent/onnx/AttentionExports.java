package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.MultiheadAttention;
import dev.descent.nn.layers.TransformerEncoder;
import dev.descent.nn.layers.TransformerEncoderLayer;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.descent.onnx.GraphWriter.attr;
import static dev.descent.onnx.GraphWriter.ints;

/**
 * The ONNX form (opset 17) of self-attention, {@code MultiheadAttention.forward(x)}, and of the Transformer encoder
 * built on it, as standard operators: MatMul, Add, Slice, Reshape, Transpose, Div, Softmax, LayerNormalization,
 * Relu (or GELU's Mul, Erf, Add).
 *
 * <p>Self-attention of {@code x} {@code (L, N, E)} ({@code (N, L, E)} batch-first, {@code (L, E)} unbatched) with
 * {@code H} heads of size {@code d = E / H}, as {@link MultiheadAttention} computes it:
 * <pre>
 *   qkv = x · in_proj_weight^T + in_proj_bias, as (N, L, 3E)         Slice into q, k, v (each E features)
 *   q, k, v: Reshape (0, 0, H, d), Transpose to (N, H, L, d)         (k to (N, H, d, L))
 *   A = Softmax(q / sqrt(d) · k, axis -1)                             (N, H, L, L)
 *   out = Reshape(Transpose(A · v) to (N, L, H, d), (0, 0, E)) · out_proj.weight + out_proj.bias
 * </pre>
 * (a sequence-first layer transposes {@code qkv} to {@code (N, L, 3E)} and {@code out} back to {@code (L, N, E)}).
 * The reshapes copy both leading axes (0) and the transposes move them, so the graph holds neither the batch nor
 * the sequence length: both are symbolic. {@code add_bias_kv} appends {@code bias_k}, {@code bias_v} to the keys and
 * values (Expand to {@code (N, 1, E)}, the batch read from the input's Shape, and Concat on the sequence axis),
 * {@code add_zero_attn} a zero key and value after the heads' split (ConstantOfShape, Concat), and the mask a zero
 * column for each (ConstantOfShape, Concat), as {@link MultiheadAttention} does.
 *
 * <p>Masks ({@link ExportInputs}) are graph inputs, merged once into one additive mask as
 * {@code dev.descent.nn.layers.Masks} (PyTorch 1.13's {@code multi_head_attention_forward}) merges them, and added to
 * the scores {@code (N, H, L, S)} of every self-attention before the Softmax:
 * <pre>
 *   bool m:             Where(m, -inf, 0)                  float m: m itself
 *   attn_mask (L, S):   broadcast as it is                 (N·H, L, S): Unsqueeze(1), Reshape (-1, H, 0, 0)
 *   key_padding (N, S): Unsqueeze (1, 2) to (N, 1, 1, S)   unbatched (S): broadcast as it is
 * </pre>
 * A query whose every key is masked has the scores {@code -inf} throughout, and its Softmax is NaN, as in Descent and
 * PyTorch 1.13.
 */
final class AttentionExports {
    private AttentionExports() {
    }

    /** The output of {@code call} exported as its layer, or {@code null} if it is no attention layer. */
    static String convert(Exporter.Call call, String x, GraphWriter g, Function<Variable, String> params) {
        return convert(call, x, null, g, params);
    }

    /** An additive mask in the graph: its value's name and rank (it broadcasts to the scores {@code (N, H, L, S)}). */
    record Mask(String name, int rank) {
    }

    /**
     * As {@link #convert(Exporter.Call, String, GraphWriter, Function)}, with {@code mask} the name of the additive
     * mask ({@link #additiveMask}) added to every self-attention's scores, or {@code null}.
     */
    static String convert(Exporter.Call call, String x, Mask mask, GraphWriter g, Function<Variable, String> params) {
        Module m = call.module();
        int rank = call.input().rank();
        if (m instanceof MultiheadAttention a) return selfAttention(call, a, x, mask, rank, g, call.hint(), params);
        if (m instanceof TransformerEncoderLayer l) return encoderLayer(call, l, x, mask, rank, g, call.hint(), params);
        if (m instanceof TransformerEncoder e) {
            String hint = call.hint();
            String y = x;
            List<TransformerEncoderLayer> layers = e.layers();
            for (int i = 0; i < layers.size(); i++) {
                y = encoderLayer(call, layers.get(i), y, mask, rank, g, hint + ".layers." + i, params);
            }
            Module norm = e.children().get("norm");
            return norm == null ? y : CnnExports.layerNorm((LayerNorm) norm, rank, y, g, hint + ".norm", params);
        }
        return null;
    }

    /**
     * Runs {@code m} (MultiheadAttention self-attention, TransformerEncoderLayer or TransformerEncoder) with the masks,
     * either of which may be {@code null}, as the model does that the masked export describes.
     */
    static Variable forward(Module m, Variable x, Tensor attnMask, Tensor keyPaddingMask) {
        if (m instanceof MultiheadAttention a) return a.forward(x, x, x, keyPaddingMask, false, attnMask, true, false).output();
        if (m instanceof TransformerEncoderLayer l) return l.forward(x, attnMask, keyPaddingMask);
        if (m instanceof TransformerEncoder e) return e.forward(x, attnMask, keyPaddingMask);
        throw new IllegalArgumentException("AttentionExports: not an attention layer: " + m);
    }

    /** Whether {@link #forward} and masked {@link #convert} take {@code m}. */
    static boolean takesMasks(Module m) {
        return m instanceof MultiheadAttention || m instanceof TransformerEncoderLayer || m instanceof TransformerEncoder;
    }

    /** The number of heads of {@code m}'s (first) self-attention. */
    static int heads(Module m) {
        if (m instanceof MultiheadAttention a) return a.numHeads();
        TransformerEncoderLayer l = m instanceof TransformerEncoder e ? e.layers().get(0) : (TransformerEncoderLayer) m;
        return l.selfAttn().numHeads();
    }

    /**
     * The additive mask of the graph inputs {@code attnMask} and {@code keyPaddingMask} (either may be {@code null},
     * each {@code bool}ean when its sample is INT32), broadcastable to the scores {@code (N, H, L, S)}.
     */
    static Mask additiveMask(GraphWriter g, String attnMask, Tensor attnSample, String keyPaddingMask,
                             Tensor keyPaddingSample, boolean batched, int heads) {
        String attn = null, padding = null;
        int rank = 0;
        if (attnMask != null) {
            attn = additive(g, attnMask, attnSample);
            if (attnSample.rank() == 3) { // (N·H, L, S) -> (N, H, L, S): head h of sample b is b·H + h
                String unsqueezed = g.node("Unsqueeze", attnMask + ".heads_axis", List.of(attn,
                        g.int64s(attnMask + ".axis", 1)));
                attn = g.node("Reshape", attnMask + ".by_head", List.of(unsqueezed,
                        g.int64s(attnMask + ".head_shape", -1, heads, 0, 0)));
            }
            rank = attnSample.rank() == 3 ? 4 : 2;
        }
        if (keyPaddingMask != null) {
            padding = additive(g, keyPaddingMask, keyPaddingSample);
            if (batched) {
                padding = g.node("Unsqueeze", keyPaddingMask + ".by_key", List.of(padding,
                        g.int64s(keyPaddingMask + ".axes", 1, 2)));
            }
            rank = Math.max(rank, batched ? 4 : 1);
        }
        if (attn == null) return padding == null ? null : new Mask(padding, rank);
        return new Mask(padding == null ? attn : g.node("Add", "attention_mask", List.of(attn, padding)), rank);
    }

    /** Zeros of {@code x}'s leading {@code lead} axes followed by {@code tail}, in the graph's dtype. */
    private static String zeros(GraphWriter g, String x, int lead, String hint, long... tail) {
        String dims = g.node("Slice", hint + ".lead", List.of(g.node("Shape", hint + ".shape", List.of(x)),
                g.int64s(hint + ".start", 0), g.int64s(hint + ".end", lead)));
        return g.node("ConstantOfShape", hint, List.of(g.node("Concat", hint + ".dims", List.of(dims,
                g.int64s(hint + ".tail", tail)), attr("axis", 0L))), GraphWriter.tensorAttr("value",
                Tensor.on(dev.descent.core.Backends.get(), g.dtype).zeros(1)));
    }

    /** A boolean mask as {@code -inf} where set and {@code 0} elsewhere; a float mask as it is. */
    private static String additive(GraphWriter g, String mask, Tensor sample) {
        if (sample.dtype().isFloating()) return mask;
        return g.node("Where", mask + ".additive", List.of(mask, g.scalar(mask + ".minus_inf",
                Double.NEGATIVE_INFINITY), g.scalar(mask + ".zero", 0)));
    }

    /** Post-norm {@code norm2(h + FF(h))}, {@code h = norm1(x + SA(x))}; pre-norm {@code h + FF(norm2(h))}, {@code h = x + SA(norm1(x))}. */
    private static String encoderLayer(Exporter.Call call, TransformerEncoderLayer l, String x, Mask mask, int rank,
                                       GraphWriter g, String hint, Function<Variable, String> params) {
        Map<String, Module> c = l.children();
        LayerNorm norm1 = (LayerNorm) c.get("norm1"), norm2 = (LayerNorm) c.get("norm2");
        String sa = hint + ".self_attn";
        if (l.normFirst()) {
            String normed = CnnExports.layerNorm(norm1, rank, x, g, hint + ".norm1", params);
            String h = g.node("Add", hint + ".residual1", List.of(x,
                    selfAttention(call, l.selfAttn(), normed, mask, rank, g, sa, params)));
            String ff = feedForward(l, CnnExports.layerNorm(norm2, rank, h, g, hint + ".norm2", params), g, hint, params);
            return g.node("Add", hint, List.of(h, ff));
        }
        String h = CnnExports.layerNorm(norm1, rank, g.node("Add", hint + ".residual1", List.of(x,
                selfAttention(call, l.selfAttn(), x, mask, rank, g, sa, params))), g, hint + ".norm1", params);
        String r = g.node("Add", hint + ".residual2", List.of(h, feedForward(l, h, g, hint, params)));
        return CnnExports.layerNorm(norm2, rank, r, g, hint, params);
    }

    /** {@code linear2(act(linear1(x)))}, act ReLU or exact GELU (dropout is the identity in inference). */
    private static String feedForward(TransformerEncoderLayer l, String x, GraphWriter g, String hint,
                                      Function<Variable, String> params) {
        Map<String, Module> c = l.children();
        String h = linear((Linear) c.get("linear1"), x, g, hint + ".linear1", params);
        h = "gelu".equals(l.activation()) ? LayerExports.gelu(g, h, hint + ".activation")
                : g.node("Relu", hint + ".activation", List.of(h));
        return linear((Linear) c.get("linear2"), h, g, hint + ".linear2", params);
    }

    /** {@code x · W + b} over the last axis of any rank, as {@code Linear} computes it on a batch of sequences. */
    private static String linear(Linear l, String x, GraphWriter g, String hint, Function<Variable, String> params) {
        String y = g.node("MatMul", hint + ".product", List.of(x, params.apply(l.weight())));
        return l.bias() == null ? y : g.node("Add", hint, List.of(y, params.apply(l.bias())));
    }

    private static String selfAttention(Exporter.Call call, MultiheadAttention a, String x, Mask mask, int rank,
                                        GraphWriter g, String hint, Function<Variable, String> params) {
        Map<String, Variable> p = a.namedParameters();
        if (!p.containsKey("in_proj_weight")) {
            throw OpExports.unsupported(call, "MultiheadAttention", "only the packed self-attention (kdim = vdim = "
                    + "embed_dim) is exported (" + a + ")");
        }
        boolean biasKv = p.containsKey("bias_k");
        int e = a.embedDim(), heads = a.numHeads(), d = e / heads;
        boolean seqFirst = rank == 3 && !a.batchFirst();
        // an unbatched (L, E) is a batch-first (1, L, E)
        String in = rank == 2 ? g.node("Unsqueeze", hint + ".batched", List.of(x, g.int64s(hint + ".batch_axis", 0))) : x;
        String weightT = g.node("Transpose", hint + ".in_proj_t", List.of(params.apply(p.get("in_proj_weight"))),
                ints("perm", 1, 0));
        String packed = g.node("MatMul", hint + ".qkv", List.of(in, weightT));
        if (p.containsKey("in_proj_bias")) {
            packed = g.node("Add", hint + ".qkv_biased", List.of(packed, params.apply(p.get("in_proj_bias"))));
        }
        // NOTE: heads are split batch-first. A sequence-first layer turns (L, N, 3E) into (N, L, 3E) here, not at
        // the heads: ONNX Runtime fuses a Transpose that moves the leading axis inwards into the MatMul it feeds
        // (com.microsoft.FusedMatMul), which has no float64 kernel.
        if (seqFirst) packed = g.node("Transpose", hint + ".batch_major", List.of(packed), ints("perm", 1, 0, 2));
        String axis = g.int64s(hint + ".feature_axis", -1);
        String headShape = g.int64s(hint + ".head_shape", 0, 0, heads, d);
        String[] qkv = new String[3];
        for (int i = 0; i < 3; i++) {
            String name = hint + "." + "qkv".charAt(i);
            String part = g.node("Slice", name, List.of(packed, g.int64s(name + ".start", (long) i * e),
                    g.int64s(name + ".end", (long) (i + 1) * e), axis));
            if (biasKv && i > 0) { // (N, L, E) + bias (1, 1, E) expanded to (N, 1, E): (N, L + 1, E)
                String bias = params.apply(p.get(i == 1 ? "bias_k" : "bias_v"));
                String batch = g.node("Slice", name + ".batch", List.of(g.node("Shape", name + ".shape",
                        List.of(part)), g.int64s(name + ".batch_start", 0), g.int64s(name + ".batch_end", 1)));
                String shape = g.node("Concat", name + ".bias_shape", List.of(batch, g.int64s(name + ".one_e", 1, e)),
                        attr("axis", 0L));
                part = g.node("Concat", name + ".with_bias", List.of(part, g.node("Expand", name + ".bias",
                        List.of(bias, shape))), attr("axis", 1L));
            }
            qkv[i] = g.node("Reshape", name + ".heads", List.of(part, headShape));
        }
        // (N, L, H, d) -> (N, H, L, d); the keys to (N, H, d, L)
        String q = g.node("Div", hint + ".q_scaled", List.of(g.node("Transpose", hint + ".q_t", List.of(qkv[0]),
                ints("perm", 0, 2, 1, 3)), g.scalar(hint + ".sqrt_head_dim", Math.sqrt(d))));
        String k = g.node("Transpose", hint + ".k_t", List.of(qkv[1]), ints("perm", 0, 2, 3, 1));
        String v = g.node("Transpose", hint + ".v_t", List.of(qkv[2]), ints("perm", 0, 2, 1, 3));
        if (a.addZeroAttn()) { // a zero key (N, H, d, 1) and value (N, H, 1, d) after the others
            k = g.node("Concat", hint + ".k_zero", List.of(k, zeros(g, k, 3, hint + ".k_zeros", 1)), attr("axis", 3L));
            v = g.node("Concat", hint + ".v_zero", List.of(v, zeros(g, v, 2, hint + ".v_zeros", 1, d)),
                    attr("axis", 2L));
        }
        int extra = (biasKv ? 1 : 0) + (a.addZeroAttn() ? 1 : 0);
        if (mask != null && extra > 0) { // a zero column per appended key, as Masks.padLast
            String zeros = zeros(g, mask.name(), mask.rank() - 1, hint + ".mask_zeros", extra);
            mask = new Mask(g.node("Concat", hint + ".mask_padded", List.of(mask.name(), zeros),
                    attr("axis", (long) mask.rank() - 1)), mask.rank());
        }
        String scores = g.node("MatMul", hint + ".scores", List.of(q, k));
        if (mask != null) scores = g.node("Add", hint + ".masked_scores", List.of(scores, mask.name()));
        String weights = g.node("Softmax", hint + ".weights", List.of(scores), attr("axis", -1L));
        String mixed = g.node("MatMul", hint + ".mixed", List.of(weights, v));
        String merged = g.node("Reshape", hint + ".merged", List.of(g.node("Transpose", hint + ".mixed_t",
                List.of(mixed), ints("perm", 0, 2, 1, 3)), g.int64s(hint + ".merged_shape", 0, 0, e)));
        String y = linear(a.outProj(), merged, g, hint + ".out_proj", params);
        if (seqFirst) return g.node("Transpose", hint, List.of(y), ints("perm", 1, 0, 2));
        return rank == 2 ? g.node("Squeeze", hint, List.of(y, g.int64s(hint + ".squeeze_axis", 0))) : y;
    }
}
