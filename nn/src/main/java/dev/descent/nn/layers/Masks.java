package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

/**
 * Attention masks as PyTorch 1.13's {@code multi_head_attention_forward} merges them: a boolean (INT32) mask becomes
 * {@code 0} where it is 0 and {@code -inf} where it is set, a float mask is added as it is, and the key-padding mask
 * {@code (N, S)} is repeated over the heads into {@code (N·H, 1, S)}, so that the sum broadcasts to the scores
 * {@code (N·H, L, S)}. A float mask of another float dtype than the query's is converted to the query's, as PyTorch
 * adds it.
 */
final class Masks {
    private Masks() {
    }

    /**
     * The additive mask of {@code attnMask} and {@code keyPaddingMask} (either may be null), broadcastable to
     * {@code (n·heads, tgtLen, srcLen)}, in the query's dtype and backend; {@code null} without masks.
     */
    static Tensor additive(String layer, Variable query, boolean batched, int n, int heads, int tgtLen, int srcLen,
                           Tensor keyPaddingMask, Tensor attnMask) {
        Tensor mask = null;
        if (attnMask != null) {
            Tensor a = asFloat(layer, "attn_mask", attnMask, query);
            Shape twoD = Shape.of(tgtLen, srcLen), threeD = Shape.of(n * heads, tgtLen, srcLen);
            if (a.shape().equals(twoD)) {
                mask = a.reshape(1, tgtLen, srcLen);
            } else if (a.shape().equals(threeD)) {
                mask = a;
            } else {
                throw new IllegalArgumentException(layer + ": expected attn_mask of shape " + twoD + " or " + threeD
                        + " (N*num_heads, L, S), got " + attnMask.shape());
            }
        }
        if (keyPaddingMask != null) {
            Shape expected = batched ? Shape.of(n, srcLen) : Shape.of(srcLen);
            if (!keyPaddingMask.shape().equals(expected)) {
                throw new IllegalArgumentException(layer + ": expected key_padding_mask of shape " + expected
                        + (batched ? " (N, S)" : " (S)") + ", got " + keyPaddingMask.shape());
            }
            Tensor k = asFloat(layer, "key_padding_mask", keyPaddingMask, query).reshape(n, 1, 1, srcLen)
                    .broadcastTo(n, heads, 1, srcLen).copy().reshape(n * heads, 1, srcLen);
            mask = mask == null ? k : mask.add(k);
        }
        return mask;
    }

    /** The mask with a zero column appended on its last axis (the key PyTorch appends with bias_k or a zero key). */
    static Tensor padLast(Tensor mask) {
        if (mask == null) return null;
        int[] dims = mask.shape().dims();
        dims[dims.length - 1] = 1;
        return Tensor.concat(mask.rank() - 1, mask, Tensor.on(mask.backend(), mask.dtype()).zeros(dims));
    }

    private static Tensor asFloat(String layer, String what, Tensor mask, Variable query) {
        if (!mask.backend().equals(query.value().backend())) {
            throw new IllegalArgumentException(layer + ": " + what + " is on backend " + mask.backend().name()
                    + ", the query on " + query.value().backend().name());
        }
        if (mask.dtype() == DType.INT32) {
            var f = Tensor.on(mask.backend(), query.dtype());
            return Tensor.where(mask, f.scalar(Double.NEGATIVE_INFINITY), f.scalar(0));
        }
        // NOTE: PyTorch adds a float mask of another float dtype in the query's dtype (baddbmm casts it).
        return mask.dtype() == query.dtype() ? mask : mask.to(query.dtype());
    }
}
