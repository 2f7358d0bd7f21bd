package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.GoldenCases;
import dev.descent.core.testing.GoldenCases.Case;
import dev.descent.core.testing.TestBackends;
import dev.descent.core.testing.WorstError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedding: lookup shapes, PyTorch's initialisation and padding row, the scatter-add gradient (gradient-checked to
 * second order, and against PyTorch in float64 on every backend, written by
 * {@code src/test/python/generate_embedding_goldens.py}), freezing, and bad input.
 */
class EmbeddingTest {
    private static final double TOL = 1e-10;
    private static final WorstError WORST = new WorstError("Embedding goldens", TOL);

    /** padding_idx of each golden case. */
    private static final Map<String, Integer> PADDING = new java.util.HashMap<>(Map.of("embedding_repeated", -999,
            "embedding_padding_2", 2, "embedding_padding_minus_1", -1, "embedding_padding_0_vector", 0,
            "embedding_scalar_index", -999));

    private static final String FILE = "/goldens/embedding.txt";

    private static Tensor ints(Backend b, int[] values, int... dims) {
        return Tensor.on(b, DType.INT32).of(values).reshape(dims);
    }

    @Test
    void everyGoldenCaseHasAPaddingIndexAndViceVersa() throws IOException {
        assertEquals(new java.util.TreeSet<>(PADDING.keySet()), GoldenCases.names(EmbeddingTest.class, FILE));
    }

    @TestFactory
    List<DynamicTest> matchesPyTorchForwardAndWeightGradient() throws IOException {
        return GoldenCases.perBackend(EmbeddingTest.class, FILE, (c, backend) -> {
            int pad = PADDING.get(c.name());
            Embedding e = Embedding.fromPretrained(c.inputs().get(1), false, pad == -999 ? null : pad);
            Variable y = e.apply(Variable.constant(c.inputs().get(0)));
            WORST.compare(c.name() + " output", c.output(), y.value());
            y.mul(Variable.constant(c.weight())).sum().backward();
            WORST.compare(c.name() + " weight grad", c.grads().get(1), e.weight().grad());
        });
    }

    @AfterAll
    static void report() {
        WORST.report();
    }

    @Test
    void anIndexTensorOfAnyShapeMapsToItsShapePlusTheEmbeddingDimension() {
        for (Backend b : TestBackends.all()) {
            Embedding e = new Embedding(Tensor.on(b, DType.FLOAT32), 10, 3, null, null, new Rng(1));
            assertEquals(Shape.of(3), e.forward(Tensor.on(b, DType.INT32).scalar(4)).shape());
            assertEquals(Shape.of(5, 3), e.forward(ints(b, new int[] {0, 1, 2, 3, 9}, 5)).shape());
            Variable y = e.forward(ints(b, new int[] {7, 0, 7, 2, 9, 1}, 2, 1, 3));
            assertEquals(Shape.of(2, 1, 3, 3), y.shape());
            for (int d = 0; d < 3; d++) {
                assertEquals(e.weight().value().get(7, d), y.value().get(0, 0, 0, d), b.name());
                assertEquals(e.weight().value().get(9, d), y.value().get(1, 0, 1, d), b.name());
            }
            assertEquals(Shape.of(0, 3), e.forward(ints(b, new int[0], 0)).shape());
        }
    }

    @Test
    void initIsStandardNormalWithThePaddingRowZero() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Embedding e = new Embedding(f, 2000, 50, -3, null, new Rng(7));
        assertEquals(1997, e.paddingIdx());
        Tensor w = e.weight().value();
        assertEquals(0.0, w.slice(0, 1997, 1998).abs().sum().item());
        Tensor rest = w.slice(0, 0, 1997);
        assertEquals(0.0, rest.mean().item(), 0.005);        // 99,850 draws: the mean's sd is 0.003
        assertEquals(1.0, rest.variance().item(), 0.02);
        assertEquals(Set.of("weight"), e.namedParameters().keySet());
        assertTrue(e.toString().startsWith("Embedding(2000, 50, paddingIdx=1997)"), e.toString());
    }

    @Test
    void repeatedIndicesAccumulateAndThePaddingRowGetsNoGradient() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Embedding e = new Embedding(f, 4, 2, 1, null, new Rng(3));
        Tensor idx = ints(f.backend(), new int[] {3, 1, 3, 3, 0, 1}, 2, 3);
        // loss = sum(y * c) with c_(position, d) = position + 1 + 10 d
        double[] c = new double[12];
        for (int p = 0; p < 6; p++) for (int d = 0; d < 2; d++) c[2 * p + d] = p + 1 + 10 * d;
        e.forward(idx).mul(Variable.constant(f.of(c, 2, 3, 2))).sum().backward();
        Tensor g = e.weight().grad();
        assertEquals(List.of(5.0, 15.0, 0.0, 0.0, 0.0, 0.0, 1 + 3 + 4.0, 11 + 13 + 14.0),
                java.util.Arrays.stream(g.toDoubleArray()).boxed().toList());
    }

    @Test
    void gradientChecksToSecondOrderOnEveryBackend() {
        for (Backend b : TestBackends.all()) {
            TensorFactory f = Tensor.on(b, DType.FLOAT64);
            Rng rng = new Rng(11);
            Tensor idx = ints(b, new int[] {2, 0, 2, 4, 1, 2, 4, 4}, 2, 4);
            Tensor coef = f.uniform(rng, -1, 1, 2, 4, 3);
            Variable w = Variable.parameter(f.normal(rng, 0, 1, 5, 3));
            GradCheck.Fn plain = in -> Embedding.lookup(in[0], idx, null).mul(Variable.constant(coef)).square();
            GradCheck.check(plain, w);
            GradCheck.checkSecondOrder(plain, w);
            // with padding row 2 (looked up 3 times): the other rows, differentiated through a table whose row 2 is
            // a constant (its own gradient is zero by definition, asserted above)
            Variable padRow = Variable.constant(f.normal(rng, 0, 1, 1, 3));
            Variable others = Variable.parameter(f.normal(rng, 0, 1, 4, 3));
            GradCheck.Fn padded = in -> Embedding.lookup(Variable.concat(0, in[0].slice(0, 0, 2), padRow,
                    in[0].slice(0, 2, 4)), idx, 2).mul(Variable.constant(coef)).square();
            GradCheck.check(padded, others);
            GradCheck.checkSecondOrder(padded, others);
        }
    }

    @Test
    void fromPretrainedKeepsTheRowsAndFreezingMakesTheWeightABuffer() {
        Backend b = TestBackends.all().get(0);
        Tensor w = Tensor.on(b, DType.FLOAT32).of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Embedding frozen = Embedding.fromPretrained(w, true, 0);
        assertEquals(List.of(), frozen.parameters());
        assertEquals(Set.of("weight"), frozen.stateDict().keySet());
        Variable y = frozen.forward(ints(b, new int[] {0, 2}, 2));
        assertEquals(List.of(1.0, 2.0, 5.0, 6.0), java.util.Arrays.stream(y.value().toDoubleArray()).boxed().toList());
        assertTrue(!y.requiresGrad());
        Embedding trained = Embedding.fromPretrained(w, false, null);
        assertEquals(1, trained.parameters().size());
        assertNull(trained.paddingIdx());
        frozen.loadStateDict(Map.of("weight", w.mul(2.0)));
        assertEquals(12.0, frozen.forward(ints(b, new int[] {2}, 1)).value().get(0, 1));
    }

    @Test
    void badInputNamesTheLayerTheValueAndTheRange() {
        Backend b = TestBackends.all().get(0);
        Embedding e = new Embedding(Tensor.on(b, DType.FLOAT32), 5, 2, null, null, new Rng(1));
        var out = assertThrows(IllegalArgumentException.class, () -> e.forward(ints(b, new int[] {1, 5, 0, 2}, 2, 2)));
        assertEquals("Embedding.forward: index 5 at position [0, 1] is out of range [0, 5)", out.getMessage());
        var neg = assertThrows(IllegalArgumentException.class, () -> e.forward(ints(b, new int[] {-1}, 1)));
        assertTrue(neg.getMessage().contains("index -1") && neg.getMessage().contains("[0, 5)"), neg.getMessage());
        var dtype = assertThrows(IllegalArgumentException.class,
                () -> e.forward(Tensor.on(b, DType.FLOAT32).of(new double[] {1, 2}, 2)));
        assertEquals("Embedding.forward: expected INT32 indices, got float32 (2,)", dtype.getMessage());
        var pad = assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 2, 5, new Rng(1)));
        assertTrue(pad.getMessage().contains("paddingIdx must be in [-5, 5)") && pad.getMessage().contains("got 5"),
                pad.getMessage());
        var maxNorm = assertThrows(UnsupportedOperationException.class,
                () -> new Embedding(Tensor.on(b, DType.FLOAT32), 5, 2, null, 1.0, new Rng(1)));
        assertTrue(maxNorm.getMessage().startsWith("Embedding: max_norm (1.0) is not supported"), maxNorm.getMessage());
        var size = assertThrows(IllegalArgumentException.class, () -> new Embedding(0, 2, new Rng(1)));
        assertTrue(size.getMessage().contains("numEmbeddings=0"), size.getMessage());
        var rank = assertThrows(IllegalArgumentException.class,
                () -> Embedding.fromPretrained(Tensor.on(b, DType.FLOAT32).zeros(4), false, null));
        assertTrue(rank.getMessage().contains("rank 2") && rank.getMessage().contains("(4,)"), rank.getMessage());
    }
}
