package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input to the attention layers: NaN and infinities propagate as in PyTorch (within their sample only), empty
 * batches and sequences give PyTorch's empty or bias-only results, masks of another float dtype are added as PyTorch
 * adds them, and bad sizes, probabilities, ranks and dtypes are clear errors naming the layer and the values.
 */
class AttentionHostileInputTest {
    private static MultiheadAttention mha(TensorFactory f, int e, int h, boolean batchFirst) {
        return new MultiheadAttention(f, e, h, 0.0, true, false, false, e, e, batchFirst, new Rng(3));
    }

    private static TransformerEncoderLayer layer(TensorFactory f) {
        return new TransformerEncoderLayer(f, 4, 2, 6, 0.0, "relu", 1e-5, false, false, true, new Rng(4));
    }

    @Test
    void aNaNOrAnInfinityStaysInItsSampleForwardAndBackward() {
        for (Backend b : TestBackends.all()) {
            TensorFactory f = Tensor.on(b, DType.FLOAT64);
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                MultiheadAttention a = mha(f, 4, 2, false);
                double[] x = f.uniform(new Rng(5), -1, 1, 3, 2, 4).toDoubleArray();
                x[(1 * 2 + 0) * 4 + 2] = bad; // position 1 of sample 0
                Variable in = Variable.parameter(f.of(x, 3, 2, 4));
                MultiheadAttention.Attention r = a.forward(in, in, in);
                Tensor out = r.output().value();
                assertTrue(hasNaN(out.slice(1, 0, 1)), b.name() + " " + bad + ": sample 0 is NaN, as in PyTorch");
                assertFalse(hasNaN(out.slice(1, 1, 2)), b.name() + " " + bad + ": sample 1 is untouched");
                assertFalse(hasNaN(r.weights().value().slice(0, 1, 2)), b.name() + ": weights of sample 1");
                r.output().slice(1, 1, 2).sum().backward();
                assertFalse(hasNaN(in.grad().slice(1, 1, 2)), b.name() + " " + bad + ": gradient of sample 1");
                if (Double.isNaN(bad)) { // PyTorch too: softmax's backward multiplies sample 0's NaN weights by 0
                    assertTrue(hasNaN(in.grad().slice(1, 0, 1)), b.name() + ": sample 0's gradient is NaN");
                }

                TransformerEncoderLayer l = layer(f);
                l.eval();
                Tensor y = l.apply(Variable.constant(f.of(x, 3, 2, 4))).value();
                assertTrue(hasNaN(y.slice(1, 0, 1)), b.name() + " encoder: sample 0 is NaN");
                assertFalse(hasNaN(y.slice(1, 1, 2)), b.name() + " encoder: sample 1 is untouched");
            }
        }
    }

    private static boolean hasNaN(Tensor t) {
        for (double v : t.toDoubleArray()) if (Double.isNaN(v)) return true;
        return false;
    }

    @Test
    void emptyBatchesAndSequencesGivePyTorchsShapesAndValues() {
        for (Backend b : TestBackends.all()) {
            TensorFactory f = Tensor.on(b, DType.FLOAT64);
            MultiheadAttention a = mha(f, 4, 2, false);
            // N = 0: output (L, 0, E), weights (0, L, S); L = 0: (0, N, E) and (N, 0, S)
            MultiheadAttention.Attention r = a.forward(Variable.parameter(f.zeros(3, 0, 4)),
                    Variable.constant(f.zeros(5, 0, 4)), Variable.constant(f.zeros(5, 0, 4)));
            assertArrayEquals(new int[] {3, 0, 4}, r.output().shape().dims(), b.name());
            assertArrayEquals(new int[] {0, 3, 5}, r.weights().shape().dims(), b.name());
            r = a.forward(Variable.parameter(f.zeros(0, 2, 4)), Variable.constant(f.ones(5, 2, 4)),
                    Variable.constant(f.ones(5, 2, 4)));
            assertArrayEquals(new int[] {0, 2, 4}, r.output().shape().dims(), b.name());
            assertArrayEquals(new int[] {2, 0, 5}, r.weights().shape().dims(), b.name());
            // S = 0: no key to attend to; PyTorch's softmax over nothing times no values is 0, the output out_proj's bias
            Variable q = Variable.parameter(f.uniform(new Rng(6), -1, 1, 3, 2, 4));
            r = a.forward(q, Variable.constant(f.zeros(0, 2, 4)), Variable.constant(f.zeros(0, 2, 4)));
            assertArrayEquals(new int[] {2, 3, 0}, r.weights().shape().dims(), b.name());
            Tensor bias = a.outProj().bias().value().reshape(1, 1, 4).broadcastTo(3, 2, 4);
            assertEquals(0.0, r.output().value().sub(bias).abs().max().item(), b.name() + ": S = 0 gives the bias");
            r.output().sum().backward();
            assertEquals(0.0, q.grad().abs().sum().item(), b.name() + ": no key, no gradient to the query");
            // S = 1: the one key gets weight 1
            r = a.forward(q, Variable.constant(f.ones(1, 2, 4)), Variable.constant(f.ones(1, 2, 4)));
            assertEquals(6.0, r.weights().value().sum().item(), 1e-12, b.name());
            assertEquals(1.0, r.weights().value().min().item(), 1e-12, b.name());
            // the encoder keeps an empty batch empty
            assertArrayEquals(new int[] {3, 0, 4}, layer(f).apply(Variable.constant(f.zeros(3, 0, 4))).shape().dims());
        }
    }

    @Test
    void aFloatMaskOfAnotherFloatDtypeIsAddedInTheQuerysDtypeAsPyTorchDoes() {
        for (Backend b : TestBackends.all()) {
            TensorFactory f64 = Tensor.on(b, DType.FLOAT64), f32 = Tensor.on(b, DType.FLOAT32);
            MultiheadAttention a = mha(f64, 4, 2, false);
            Variable x = Variable.constant(f64.uniform(new Rng(7), -1, 1, 3, 2, 4));
            Tensor mask64 = f64.of(new double[] {0, -1.5, 0.25, 0.5, 0, -2, -0.75, 1, 0}, 3, 3);
            Tensor pad64 = f64.of(new double[] {0, -0.5, 0, 0.125, 0, -3}, 2, 3);
            Tensor expected = a.forward(x, x, x, pad64, true, mask64, true, false).output().value();
            Tensor actual = a.forward(x, x, x, pad64.to(DType.FLOAT32), true, mask64.to(DType.FLOAT32), true, false)
                    .output().value();
            assertEquals(DType.FLOAT64, actual.dtype());
            // the masks' values are exact in float32, so the results are equal
            assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0, b.name());
            MultiheadAttention a32 = mha(f32, 4, 2, false);
            Variable x32 = Variable.constant(x.value().to(DType.FLOAT32));
            assertEquals(DType.FLOAT32, a32.forward(x32, x32, x32, pad64, true, mask64, true, false).output().dtype());
        }
    }

    @Test
    void inputsOfAnotherDtypeOrBackendThanTheParametersNameTheLayerAndBoth() {
        Backend b = TestBackends.all().get(0);
        MultiheadAttention a = mha(Tensor.on(b, DType.FLOAT64), 4, 2, false);
        Variable x32 = Variable.constant(Tensor.on(b, DType.FLOAT32).zeros(3, 2, 4));
        AttentionAsserts.message("MultiheadAttention(embed_dim=4, num_heads=2", () -> a.forward(x32));
        AttentionAsserts.message("expected query, key and value of the parameters' dtype float64 on backend "
                + b.name() + ", got float32 on backend " + b.name(), () -> a.forward(x32));
        Variable foreign = Variable.constant(Tensor.on(TestBackends.foreign(), DType.FLOAT64).zeros(3, 2, 4));
        AttentionAsserts.message("got float64 on backend " + TestBackends.foreign().name(), () -> a.forward(foreign));
        Variable x64 = Variable.constant(Tensor.on(b, DType.FLOAT64).zeros(3, 2, 4));
        AttentionAsserts.message("expected query, key and value on one backend, got " + b.name() + ", "
                + TestBackends.foreign().name(), () -> a.forward(x64, foreign, x64));
        AttentionAsserts.message("expected query, key and value of one floating dtype, got float64, float32, float64",
                () -> a.forward(x64, x32, x64));
        TransformerEncoderLayer l = layer(Tensor.on(b, DType.FLOAT64));
        AttentionAsserts.message("MultiheadAttention", () -> l.apply(Variable.constant(Tensor.on(b, DType.FLOAT32)
                .zeros(3, 2, 4))));
    }

    @Test
    void masksOfTheWrongRankOrShapeNameTheMaskAndTheShapes() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        TensorFactory ints = Tensor.on(f.backend(), DType.INT32);
        MultiheadAttention a = mha(f, 4, 2, true);
        Variable x = Variable.constant(f.zeros(2, 3, 4)); // batch-first (N=2, L=3)
        AttentionAsserts.message("expected key_padding_mask of shape (2, 3) (N, S), got (2, 3, 1)",
                () -> a.forward(x, x, x, ints.zeros(2, 3, 1), true, null, true, false));
        AttentionAsserts.message("expected key_padding_mask of shape (2, 3) (N, S), got (3,)",
                () -> a.forward(x, x, x, ints.zeros(3), true, null, true, false));
        AttentionAsserts.message("expected attn_mask of shape (3, 3) or (4, 3, 3) (N*num_heads, L, S), got (1, 4, 3, 3)",
                () -> a.forward(x, x, x, null, true, f.zeros(1, 4, 3, 3), true, false));
        AttentionAsserts.message("expected attn_mask of shape (3, 3) or (4, 3, 3) (N*num_heads, L, S), got (3,)",
                () -> a.forward(x, x, x, null, true, ints.zeros(3), true, false));
        Variable u = Variable.constant(f.zeros(3, 4)); // unbatched: the padding mask is (S), a 3-D mask (H, L, S)
        AttentionAsserts.message("expected key_padding_mask of shape (3,) (S), got (1, 3)",
                () -> a.forward(u, u, u, ints.zeros(1, 3), true, null, true, false));
        assertArrayEquals(new int[] {2, 3, 3}, a.forward(u, u, u, ints.zeros(3), true, f.zeros(2, 3, 3), false, false)
                .weights().shape().dims());
        TransformerEncoderLayer l = layer(f);
        AttentionAsserts.message("expected attn_mask of shape (3, 3)", () -> l.forward(Variable.constant(
                f.zeros(3, 2, 4)), f.zeros(2, 3), null));
    }

    @Test
    void badSizesAndProbabilitiesInConstructorsNameTheLayerAndTheValue() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Rng rng = new Rng(8);
        AttentionAsserts.message("MultiheadAttention: embed_dim and num_heads must be >= 1, got embed_dim=0, "
                + "num_heads=1", () -> new MultiheadAttention(f, 0, 1, 0, true, false, false, 0, 0, false, rng));
        AttentionAsserts.message("got embed_dim=4, num_heads=-2",
                () -> new MultiheadAttention(f, 4, -2, 0, true, false, false, 4, 4, false, rng));
        AttentionAsserts.message("got embed_dim=-4, num_heads=2",
                () -> new MultiheadAttention(f, -4, 2, 0, true, false, false, 4, 4, false, rng));
        AttentionAsserts.message("MultiheadAttention: kdim and vdim must be >= 1, got kdim=0, vdim=4",
                () -> new MultiheadAttention(f, 4, 2, 0, true, false, false, 0, 4, false, rng));
        AttentionAsserts.message("MultiheadAttention: expected 0 <= dropout < 1, got -0.1",
                () -> new MultiheadAttention(f, 4, 2, -0.1, true, false, false, 4, 4, false, rng));
        AttentionAsserts.message("MultiheadAttention: expected 0 <= dropout < 1, got NaN",
                () -> new MultiheadAttention(f, 4, 2, Double.NaN, true, false, false, 4, 4, false, rng));
        AttentionAsserts.message("TransformerEncoderLayer: expected d_model >= 1 divisible by nhead >= 1, got "
                + "d_model=0, nhead=2", () -> new TransformerEncoderLayer(f, 0, 2, 4, 0.1, "relu", 1e-5, false, false,
                true, rng));
        AttentionAsserts.message("TransformerEncoderLayer: expected 0 <= dropout < 1, got 1.5",
                () -> new TransformerEncoderLayer(f, 4, 2, 4, 1.5, "relu", 1e-5, false, false, true, rng));
        AttentionAsserts.message("TransformerEncoderLayer: dim_feedforward must be >= 1, got 0",
                () -> new TransformerEncoderLayer(f, 4, 2, 0, 0.1, "relu", 1e-5, false, false, true, rng));
        AttentionAsserts.message("LayerNorm", () -> new TransformerEncoderLayer(f, 4, 2, 4, 0.1, "relu", -1e-5, false,
                false, true, rng));
        AttentionAsserts.message("PositionalEncoding: expected 0 <= dropout < 1, got -1.0",
                () -> new PositionalEncoding(f, 4, -1.0, 10, false, rng));
        AttentionAsserts.message("PositionalEncoding: d_model and max_len must be >= 1, got d_model=4, max_len=0",
                () -> new PositionalEncoding(f, 4, 0.1, 0, false, rng));
        AttentionAsserts.message("LearnedPositionalEmbedding: max_len and d_model must be >= 1, got max_len=-1, "
                + "d_model=4", () -> new LearnedPositionalEmbedding(f, -1, 4, false, null, rng));
        AttentionAsserts.message("sequence length 11 exceeds max_len 10", () -> new PositionalEncoding(f, 4, 0.0, 10,
                false, rng).apply(Variable.constant(f.zeros(11, 1, 4))));
    }
}
