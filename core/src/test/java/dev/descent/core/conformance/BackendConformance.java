package dev.descent.core.conformance;

import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.UnaryOp;
import dev.descent.core.kernels.ArrayBackend;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;

import static dev.descent.core.testing.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link Backend} must meet, run by each backend module with a few-line subclass: every kernel
 * through the tensor API in both float dtypes with hand-computed values, edge shapes (rank 0, size-1 axes, empty
 * tensors), outputs aliased with inputs through the SPI directly, and bad input. {@link BackendProperties} adds
 * the randomised agreement with the reference kernels.
 */
public abstract class BackendConformance extends WindowConformance {

    protected TensorFactory f(DType dtype) {
        return Tensor.on(backend(), dtype);
    }

    private static final double E = Math.E;

    /** A storage of this backend holding {@code values} (converted to {@code dt}), written through the SPI. */
    protected Storage store(DType dt, double... values) {
        Storage s = backend().allocate(dt, values.length);
        overwrite(s, values);
        return s;
    }

    /** Writes {@code values} (converted to its dtype) over a floating storage of this backend, through the SPI. */
    protected void overwrite(Storage s, double... values) {
        if (s.dtype() == DType.FLOAT64) {
            backend().write(DoubleBuffer.wrap(values.clone()), s, 0);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            backend().write(FloatBuffer.wrap(f), s, 0);
        }
    }

    /** An INT32 storage of this backend holding {@code values}. */
    protected Storage indices(int... values) {
        Storage s = backend().allocate(DType.INT32, values.length);
        backend().write(java.nio.IntBuffer.wrap(values.clone()), s, 0);
        return s;
    }

    /** The values of a floating storage of this backend, read through the SPI. */
    protected double[] values(Storage s) {
        double[] out = new double[s.size()];
        if (s.dtype() == DType.FLOAT64) {
            backend().read(s, 0, DoubleBuffer.wrap(out));
        } else {
            float[] f = new float[s.size()];
            backend().read(s, 0, FloatBuffer.wrap(f));
            for (int i = 0; i < f.length; i++) out[i] = f[i];
        }
        return out;
    }

    // ------------------------------------------------------------------ creation

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void creation(DType dt) {
        TensorFactory f = f(dt);
        assertTensor(f.zeros(2, 3), new double[6], 2, 3);
        assertTensor(f.ones(2), new double[] {1, 1}, 2);
        assertTensor(f.full(2.5, 1, 2), new double[] {2.5, 2.5}, 1, 2);
        assertTensor(f.scalar(-3), new double[] {-3});
        assertTensor(f.of(new double[] {1, 2, 3, 4}, 2, 2), new double[] {1, 2, 3, 4}, 2, 2);
        assertTensor(f.of(new int[] {1, 2}), new double[] {1, 2}, 2);
        assertTensor(f.arange(0, 1, 0.25), new double[] {0, 0.25, 0.5, 0.75}, 4);
        assertTensor(f.arange(3, 0, -1), new double[] {3, 2, 1}, 3);
        assertTensor(f.linspace(-1, 1, 5), new double[] {-1, -0.5, 0, 0.5, 1}, 5);
        assertTensor(f.eye(2, 3), new double[] {1, 0, 0, 0, 1, 0}, 2, 3);
        assertTensor(f.fromNested(new double[][][] {{{1, 2}}, {{3, 4}}}), new double[] {1, 2, 3, 4}, 2, 1, 2);
        assertEquals(dt, f.zeros(1).dtype());
        assertEquals(backend(), f.zeros(1).backend());
    }

    @Test
    void creationCopiesTheCallersArray() {
        double[] data = {1, 2};
        Tensor t = f(DType.FLOAT64).of(data);
        data[0] = 99;
        assertEquals(1.0, t.get(0));
    }

    @Test
    void randomCreationIsBitIdenticalToTheReferenceForTheSameSeed() {
        Tensor mine = f(DType.FLOAT32).normal(new Rng(7), 0, 1, 50);
        Tensor ref = Tensor.on(ReferenceBackend.INSTANCE, DType.FLOAT32).normal(new Rng(7), 0, 1, 50);
        assertArrayEquals(ref.toFloatArray(), mine.toFloatArray());
        Tensor u = f(DType.FLOAT64).uniform(new Rng(3), -2, 2, 1000);
        assertTrue(u.min().item() >= -2 && u.max().item() < 2);
        assertArrayEquals(Tensor.on(ReferenceBackend.INSTANCE, DType.FLOAT64).uniform(new Rng(3), -2, 2, 1000)
                .toDoubleArray(), u.toDoubleArray());
        Tensor b = f(DType.FLOAT64).bernoulli(new Rng(1), 0.3, 10_000);
        assertEquals(0.3, b.mean().item(), 0.02);
        assertEquals(0.0, b.mul(b.sub(1.0)).abs().sum().item()); // only zeros and ones
    }

    // ------------------------------------------------------------------ elementwise

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void unaryOps(DType dt) {
        TensorFactory f = f(dt);
        Tensor x = f.of(new double[] {-2, -0.5, 0, 0.5, 2});
        assertTensor(x.neg(), new double[] {2, 0.5, 0, -0.5, -2}, 5);
        assertTensor(x.abs(), new double[] {2, 0.5, 0, 0.5, 2}, 5);
        assertTensor(x.sign(), new double[] {-1, -1, 0, 1, 1}, 5);
        assertTensor(x.exp(), new double[] {1 / (E * E), 1 / Math.sqrt(E), 1, Math.sqrt(E), E * E}, 5);
        assertTensor(x.square(), new double[] {4, 0.25, 0, 0.25, 4}, 5);
        assertTensor(x.relu(), new double[] {0, 0, 0, 0.5, 2}, 5);
        assertTensor(x.leakyRelu(0.1), new double[] {-0.2, -0.05, 0, 0.5, 2}, 5);
        assertTensor(x.elu(1.0), new double[] {1 / (E * E) - 1, 1 / Math.sqrt(E) - 1, 0, 0.5, 2}, 5);
        assertTensor(x.clamp(-1, 1), new double[] {-1, -0.5, 0, 0.5, 1}, 5);
        // tanh(0.5) and erf(0.5), erf(2) from published tables (A&S 4.5, 7.1)
        assertTensor(x.tanh(), new double[] {-0.9640275800758169, -0.46211715726000974, 0, 0.46211715726000974,
                0.9640275800758169}, 5);
        assertTensor(x.erf(), new double[] {-0.9953222650189527, -0.5204998778130465, 0, 0.5204998778130465,
                0.9953222650189527}, 5);
        assertTensor(x.sigmoid(), new double[] {0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546,
                0.8807970779778823}, 5);
        assertTensor(x.softplus(), new double[] {0.1269280110429725, 0.47407698418010663, Math.log(2),
                0.9740769841801067, 2.1269280110429727}, 5);
        Tensor p = f.of(new double[] {0.25, 1, 4});
        assertTensor(p.log(), new double[] {-Math.log(4), 0, Math.log(4)}, 3);
        assertTensor(p.log1p(), new double[] {Math.log(1.25), Math.log(2), Math.log(5)}, 3);
        assertTensor(p.sqrt(), new double[] {0.5, 1, 2}, 3);
        assertTensor(p.reciprocal(), new double[] {4, 1, 0.25}, 3);
        assertTensor(p.pow(1.5), new double[] {0.125, 1, 8}, 3);
        Tensor angles = f.of(new double[] {0, Math.PI / 6, Math.PI / 2});
        assertTensor(angles.sin(), new double[] {0, 0.5, 1}, 3);
        assertTensor(angles.cos(), new double[] {1, Math.sqrt(3) / 2, Math.cos(Math.PI / 2)}, 3);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void unaryOpsAtExtremesStayFinite(DType dt) {
        Tensor big = f(dt).of(new double[] {-1000, 1000});
        assertTensor(big.sigmoid(), new double[] {0, 1}, 2);
        assertTensor(big.softplus(), new double[] {0, 1000}, 2);
        assertTensor(big.tanh(), new double[] {-1, 1}, 2);
        assertTensor(big.erf(), new double[] {-1, 1}, 2);
        assertTensor(f(dt).of(new double[] {1e-10}).log1p(), new double[] {1e-10 - 5e-21}, 1);
        assertTensor(f(dt).of(new double[] {1e-10, -2, 0}).map(UnaryOp.EXPM1), new double[] {1e-10 + 5e-21,
                Math.expm1(-2), 0}, 3);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void nanPropagatesThroughElementwiseOpsAndReductions(DType dt) {
        Tensor x = f(dt).of(new double[] {1, Double.NaN, -1});
        assertTensor(x.relu(), new double[] {1, Double.NaN, 0}, 3);
        assertTensor(x.clamp(0, 0.5), new double[] {0.5, Double.NaN, 0}, 3);
        assertTensor(x.maximum(0.0), new double[] {1, Double.NaN, 0}, 3);
        assertTrue(Double.isNaN(x.max().item()));
        assertTrue(Double.isNaN(x.min().item()));
        assertTrue(Double.isNaN(x.sum().item()));
        assertEquals(1, (int) x.argmax().item());
        assertEquals(1, (int) x.argmin().item());
        assertTensor(x.eq(x), new double[] {1, 0, 1}, 3);
        assertTensor(x.ne(x), new double[] {0, 1, 0}, 3);
        assertFalse(x.allClose(x));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void binaryOpsBroadcast(DType dt) {
        TensorFactory f = f(dt);
        Tensor m = f.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = f.of(new double[] {10, 20, 30});
        Tensor col = f.of(new double[] {1, -1}, 2, 1);
        assertTensor(m.add(row), new double[] {11, 22, 33, 14, 25, 36}, 2, 3);
        assertTensor(row.add(m), new double[] {11, 22, 33, 14, 25, 36}, 2, 3);
        assertTensor(m.sub(col), new double[] {0, 1, 2, 5, 6, 7}, 2, 3);
        assertTensor(m.mul(col), new double[] {1, 2, 3, -4, -5, -6}, 2, 3);
        assertTensor(row.div(m), new double[] {10, 10, 10, 2.5, 4, 5}, 2, 3);
        assertTensor(col.mul(row), new double[] {10, 20, 30, -10, -20, -30}, 2, 3); // outer product (2,1)x(3,)
        assertTensor(m.pow(f.of(new double[] {2, 1, 0.5})), new double[] {1, 2, Math.sqrt(3), 16, 5, Math.sqrt(6)}, 2, 3);
        assertTensor(m.mul(2.0).sub(1.0), new double[] {1, 3, 5, 7, 9, 11}, 2, 3);
        assertTensor(m.maximum(f.of(new double[] {2, 2, 2})), new double[] {2, 2, 3, 4, 5, 6}, 2, 3);
        assertTensor(m.minimum(3.0), new double[] {1, 2, 3, 3, 3, 3}, 2, 3);
        assertTensor(m.gt(3.0), new double[] {0, 0, 0, 1, 1, 1}, 2, 3);
        assertTensor(m.ge(3.0), new double[] {0, 0, 1, 1, 1, 1}, 2, 3);
        assertTensor(m.lt(row.div(10.0)), new double[] {0, 0, 0, 0, 0, 0}, 2, 3);
        assertTensor(m.le(f.of(new double[] {1, 5, 3})), new double[] {1, 1, 1, 0, 1, 0}, 2, 3);
        assertTensor(m.eq(f.of(new double[] {1, 5, 3})), new double[] {1, 0, 1, 0, 1, 0}, 2, 3);
        // (2,1,3) with (4,1) -> (2,4,3)
        Tensor a = f.arange(0, 6, 1).reshape(2, 1, 3);
        Tensor b = f.arange(0, 4, 1).reshape(4, 1).mul(10.0);
        Tensor s = a.add(b);
        assertEquals(Shape.of(2, 4, 3), s.shape());
        assertEquals(3 + 20, s.get(1, 2, 0));
        assertEquals(2 + 30, s.get(0, 3, 2));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void where(DType dt) {
        TensorFactory f = f(dt);
        Tensor x = f.of(new double[] {-1, 2, -3, 4}, 2, 2);
        assertTensor(Tensor.where(x.gt(0.0), x, x.mul(0.5)), new double[] {-0.5, 2, -1.5, 4}, 2, 2);
        Tensor cond = Tensor.on(backend(), DType.INT32).of(new int[] {1, 0});
        assertTensor(Tensor.where(cond, x, f.scalar(0)), new double[] {-1, 0, -3, 0}, 2, 2);
    }

    // ------------------------------------------------------------------ reductions

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void reductions(DType dt) {
        Tensor x = f(dt).of(new double[] {1, 5, 3, 4, 2, 6}, 2, 3);
        assertTensor(x.sum(), new double[] {21});
        assertTensor(x.sum(0), new double[] {5, 7, 9}, 3);
        assertTensor(x.sum(1), new double[] {9, 12}, 2);
        assertTensor(x.sum(-1, true), new double[] {9, 12}, 2, 1);
        assertTensor(x.sum(new int[] {0, 1}, true), new double[] {21}, 1, 1);
        assertTensor(x.mean(0), new double[] {2.5, 3.5, 4.5}, 3);
        assertTensor(x.mean(), new double[] {3.5});
        assertTensor(x.max(1), new double[] {5, 6}, 2);
        assertTensor(x.min(0), new double[] {1, 2, 3}, 3);
        assertTensor(x.max(), new double[] {6});
        assertTensor(x.argmax(1), new double[] {1, 2}, 2);
        assertTensor(x.argmin(0, true), new double[] {0, 1, 0}, 1, 3);
        assertEquals(DType.INT32, x.argmax(1).dtype());
        assertEquals(5, (int) x.argmax().item());
        // variance of [1, 5, 3] and [4, 2, 6]: mean 3 and 4, squared deviations 8 and 8
        assertTensor(x.variance(1), new double[] {4, 4}, 2);
        assertTensor(x.variance(new int[] {1}, false, 0), new double[] {8.0 / 3, 8.0 / 3}, 2);
        assertTensor(x.variance(), new double[] {3.5}); // sum of squared deviations 17.5 over 5
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void argReductionsPickTheFirstOfTies(DType dt) {
        Tensor x = f(dt).of(new double[] {3, 1, 3, 1});
        assertEquals(0, (int) x.argmax().item());
        assertEquals(1, (int) x.argmin().item());
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void threeDimensionalReductionOverTheMiddleAxis(DType dt) {
        Tensor x = f(dt).arange(0, 24, 1).reshape(2, 3, 4);
        // sum over axis 1: out[i][k] = sum_j (12 i + 4 j + k) = 36 i + 12 + 3 k
        assertTensor(x.sum(1), new double[] {12, 15, 18, 21, 48, 51, 54, 57}, 2, 4);
        assertTensor(x.max(new int[] {0, 2}, false), new double[] {15, 19, 23}, 3);
    }

    // ------------------------------------------------------------------ matmul

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void matmulCases(DType dt) {
        TensorFactory f = f(dt);
        Tensor a = f.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = f.of(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertTensor(a.matmul(b), new double[] {58, 64, 139, 154}, 2, 2);
        assertTensor(a.matmul(a, false, true), new double[] {14, 32, 32, 77}, 2, 2);
        assertTensor(a.matmul(a, true, false), new double[] {17, 22, 27, 22, 29, 36, 27, 36, 45}, 3, 3);
        assertTensor(b.matmul(a, true, true), new double[] {58, 139, 64, 154}, 2, 2);
        Tensor v = f.of(new double[] {1, 0, -1});
        assertTensor(v.matmul(v), new double[] {2});
        assertTensor(a.matmul(v), new double[] {-2, -2}, 2);
        assertTensor(f.of(new double[] {1, -1}).matmul(a), new double[] {-3, -3, -3}, 3);
        // batched: (2, 2, 3) @ (3, 2) broadcasts the right operand over the batch
        Tensor batch = Tensor.stack(0, a, a.mul(-1.0));
        assertTensor(batch.matmul(b), new double[] {58, 64, 139, 154, -58, -64, -139, -154}, 2, 2, 2);
        // (2, 1, 2, 3) @ (3, 3, 2) -> (2, 3, 2, 2)
        Tensor bs = Tensor.stack(0, b, b.mul(2.0), b.mul(3.0));
        Tensor out = batch.unsqueeze(1).matmul(bs);
        assertEquals(Shape.of(2, 3, 2, 2), out.shape());
        assertEquals(-139.0 * 3, out.get(1, 2, 1, 0));
        assertEquals(64.0 * 2, out.get(0, 1, 0, 1));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void matmulWithEmptyAxes(DType dt) {
        TensorFactory f = f(dt);
        assertTensor(f.zeros(2, 0).matmul(f.zeros(0, 3)), new double[6], 2, 3);
        assertEquals(Shape.of(0, 3), f.zeros(0, 4).matmul(f.ones(4, 3)).shape());
        assertEquals(Shape.of(0, 2, 2), f.zeros(0, 2, 4).matmul(f.ones(4, 2)).shape());
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void gemmHonoursAlphaBetaAndOffsets(DType dt) {
        // C[1] = 2 * A[1] B + 3 * C[1] on the second matrix of each batch
        Storage a = store(dt, 9, 9, 9, 9, 1, 2, 3, 4);
        Storage b = store(dt, 0, 0, 0, 0, 1, 0, 1, 1);
        Storage c = store(dt, 5, 5, 5, 5, 1, 1, 1, 1);
        backend().gemm(false, false, 2, 2, 2, 2.0, a, 4, b, 4, 3.0, c, 4);
        // A B = [[1,2],[3,4]] [[1,0],[1,1]] = [[3,2],[7,4]]
        assertArrayEquals(new double[] {5, 5, 5, 5, 9, 7, 17, 11}, values(c));
        backend().gemm(true, true, 2, 2, 2, 1.0, a, 4, b, 4, 1.0, c, 4);
        // A^T B^T = [[1,3],[2,4]] [[1,1],[0,1]] = [[1,4],[2,6]]
        assertArrayEquals(new double[] {5, 5, 5, 5, 10, 11, 19, 17}, values(c));
    }

    /**
     * Products inside {@link Backend#withGemmOperand} equal the plain ones: the kept operand read as B, as A, and
     * as both at two offsets, next to operands that are not kept, nested bodies (the outer operand is still right
     * after the inner body), and once the body is over a product reads the operand's new values, not the copy kept
     * before.
     */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void gemmWithAKeptOperandEqualsThePlainProduct(DType dt) {
        Backend be = backend();
        Storage w = store(dt, 9, 9, 1, 2, 3, 4); // W = [[1, 2], [3, 4]] from element 2
        Storage x = store(dt, 1, 0, 1, 1);       // X = [[1, 0], [1, 1]]
        Storage xw = store(dt, 0, 0, 0, 0), wtx = store(dt, 0, 0, 0, 0), wxt = store(dt, 0, 0, 0, 0);
        Storage again = store(dt, 0, 0, 0, 0), both = store(dt, 0, 0, 0, 0);
        be.withGemmOperand(w, () -> {
            be.gemm(false, false, 2, 2, 2, 1.0, w, 0, w, 2, 0.0, both, 0);
            be.gemm(false, false, 2, 2, 2, 1.0, x, 0, w, 2, 0.0, xw, 0);
            be.gemm(true, false, 2, 2, 2, 1.0, w, 2, x, 0, 0.0, wtx, 0);
            be.withGemmOperand(x, () -> be.gemm(false, true, 2, 2, 2, 1.0, w, 2, x, 0, 0.0, wxt, 0));
            be.gemm(false, false, 2, 2, 2, 2.0, x, 0, w, 2, 0.0, again, 0);
        });
        assertArrayEquals(new double[] {36, 54, 7, 10}, values(both)); // [[9, 9], [1, 2]] W, both from w
        assertArrayEquals(new double[] {1, 2, 4, 6}, values(xw));     // X W
        assertArrayEquals(new double[] {4, 3, 6, 4}, values(wtx));    // W^T X
        assertArrayEquals(new double[] {1, 3, 3, 7}, values(wxt));    // W X^T
        assertArrayEquals(new double[] {2, 4, 8, 12}, values(again)); // 2 X W, after the inner body
        overwrite(w, 0, 0, 2, 0, 0, 2);                               // W = 2 I
        be.withGemmOperand(x, () -> be.gemm(false, false, 2, 2, 2, 1.0, x, 0, w, 2, 0.0, xw, 0));
        assertArrayEquals(new double[] {2, 0, 2, 2}, values(xw));
        be.gemm(false, false, 2, 2, 2, 1.0, x, 0, w, 2, 0.0, xw, 0);
        assertArrayEquals(new double[] {2, 0, 2, 2}, values(xw));
    }

    // ------------------------------------------------------------------ movement

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64", "INT32"})
    void movement(DType dt) {
        TensorFactory f = f(dt);
        Tensor x = f.arange(0, 24, 1).reshape(2, 3, 4);
        assertEquals(Shape.of(6, 4), x.reshape(-1, 6).transpose().shape());
        Tensor p = x.permute(2, 0, 1);
        assertEquals(Shape.of(4, 2, 3), p.shape());
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            assertEquals(12 * i + 4 * j + k, p.get(k, i, j));
        }
        assertTensor(f.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(), new double[] {1, 4, 2, 5, 3, 6}, 3, 2);
        assertTensor(x.slice(2, 1, 3).slice(0, 1, 2), new double[] {13, 14, 17, 18, 21, 22}, 1, 3, 2);
        assertTensor(x.slice(1, 0, 3, 2).slice(0, 0, 1), new double[] {0, 1, 2, 3, 8, 9, 10, 11}, 1, 2, 4);
        assertTensor(x.slice(-1, -1, 4).flatten().slice(0, 0, 3), new double[] {3, 7, 11}, 3);
        assertEquals(Shape.of(2, 1, 3, 4), x.unsqueeze(1).shape());
        assertEquals(Shape.of(2, 3, 4, 1), x.unsqueeze(-1).shape());
        assertEquals(Shape.of(2, 3, 4), x.unsqueeze(1).squeeze().shape());
        assertEquals(Shape.of(2, 3, 4), x.squeeze(0).shape());
        Tensor r = f.of(new double[] {1, 2, 3}).reshape(1, 3);
        assertTensor(r.broadcastTo(2, 3), new double[] {1, 2, 3, 1, 2, 3}, 2, 3);
        assertTensor(r.reshape(3, 1).broadcastTo(3, 2), new double[] {1, 1, 2, 2, 3, 3}, 3, 2);
        Tensor c = Tensor.concat(1, f.of(new double[] {1, 2}, 2, 1), f.of(new double[] {3, 4, 5, 6}, 2, 2));
        assertTensor(c, new double[] {1, 3, 4, 2, 5, 6}, 2, 3);
        Tensor st = Tensor.stack(1, f.of(new double[] {1, 2}), f.of(new double[] {3, 4}));
        assertTensor(st, new double[] {1, 3, 2, 4}, 2, 2);
        Tensor idx = Tensor.on(backend(), DType.INT32).of(new int[] {2, 0, 2});
        assertTensor(f.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).indexSelect(0, idx), new double[] {5, 6, 1, 2, 5, 6}, 3, 2);
        assertTensor(f.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).indexSelect(1, idx), new double[] {3, 1, 3, 6, 4, 6}, 2, 3);
        Tensor gi = Tensor.on(backend(), DType.INT32).of(new int[] {2, 0, 1, 1}, 2, 2);
        assertTensor(f.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).gather(1, gi), new double[] {3, 1, 5, 5}, 2, 2);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void scatteringAccumulatesRepeatedIndices(DType dt) {
        TensorFactory f = f(dt);
        Tensor idx = Tensor.on(backend(), DType.INT32).of(new int[] {2, 0, 2});
        Tensor src = f.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertTensor(f.zeros(3, 2).indexAdd(0, idx, src), new double[] {3, 4, 0, 0, 6, 8}, 3, 2);
        Tensor gi = Tensor.on(backend(), DType.INT32).of(new int[] {2, 0, 2, 1, 1, 1}, 2, 3);
        assertTensor(f.ones(2, 3).scatterAdd(1, gi, f.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)),
                new double[] {3, 1, 5, 1, 16, 1}, 2, 3);
    }

    @Test
    void oneHotAndConversion() {
        Tensor labels = Tensor.on(backend(), DType.INT32).of(new int[] {1, 0, 2});
        assertTensor(labels.oneHot(3), new double[] {0, 1, 0, 1, 0, 0, 0, 0, 1}, 3, 3);
        assertEquals(DType.FLOAT32, labels.oneHot(3, DType.FLOAT32).dtype());
        Tensor x = f(DType.FLOAT64).of(new double[] {-1.7, -0.2, 0.9, 2.5});
        assertArrayEquals(new int[] {-1, 0, 0, 2}, x.toIntArray());
        assertArrayEquals(new float[] {-1.7f, -0.2f, 0.9f, 2.5f}, x.toFloatArray());
        Tensor onRef = x.to(ReferenceBackend.INSTANCE);
        assertEquals(ReferenceBackend.INSTANCE, onRef.backend());
        assertArrayEquals(x.toDoubleArray(), onRef.toDoubleArray());
        assertEquals(DType.INT32, labels.eq(Tensor.on(backend(), DType.INT32).of(new int[] {1, 1, 1})).dtype());
        assertTensor(labels.eq(Tensor.on(backend(), DType.INT32).of(new int[] {1, 1, 1})), new double[] {1, 0, 0}, 3);
    }

    @Test
    void readOut() {
        Tensor x = f(DType.FLOAT64).of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(6, x.get(-1, -1));
        assertEquals(2, x.get(0, 1));
        assertEquals(7, f(DType.FLOAT32).scalar(7).item());
        assertTrue(x.allClose(x.add(1e-9)));
        assertFalse(x.allClose(x.add(1e-3)));
        assertTrue(x.allClose(f(DType.FLOAT64).of(new double[] {1, 2, 3}).add(f(DType.FLOAT64).of(new double[] {0, 3}, 2, 1))));
        assertTrue(x.equal(x.copy()));
        assertFalse(x.equal(x.reshape(3, 2)));
    }

    // ------------------------------------------------------------------ edge shapes

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void rankZeroTensors(DType dt) {
        Tensor s = f(dt).scalar(2);
        assertEquals(0, s.rank());
        assertTensor(s.mul(s).add(1.0), new double[] {5});
        assertTensor(s.sum(), new double[] {2});
        assertTensor(s.exp().log(), new double[] {2});
        assertEquals(0, (int) s.argmax().item());
        assertTensor(s.add(f(dt).of(new double[] {1, 2})), new double[] {3, 4}, 2);
        assertTensor(s.unsqueeze(0), new double[] {2}, 1);
        assertTensor(s.broadcastTo(2, 2), new double[] {2, 2, 2, 2}, 2, 2);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void emptyTensors(DType dt) {
        TensorFactory f = f(dt);
        Tensor e = f.zeros(0, 3);
        assertEquals(0, e.size());
        assertTensor(e.exp(), new double[0], 0, 3);
        assertTensor(e.add(f.ones(3)), new double[0], 0, 3);
        assertTensor(e.sum(0), new double[] {0, 0, 0}, 3);
        assertTensor(e.sum(1), new double[0], 0);
        assertTrue(Double.isNaN(e.mean().item()));
        assertTensor(e.transpose(), new double[0], 3, 0);
        assertTensor(Tensor.concat(0, e, f.ones(1, 3)), new double[] {1, 1, 1}, 1, 3);
        assertTensor(f.ones(2, 3).slice(1, 1, 1), new double[0], 2, 0);
        assertThrows(IllegalArgumentException.class, () -> e.max(0));
        assertThrows(IllegalArgumentException.class, () -> e.argmax());
        assertEquals("tensor([], shape=(0, 3)" + (dt == DType.FLOAT64 ? ", dtype=float64)" : ")"), e.toString());
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void sizeOneAxes(DType dt) {
        Tensor x = f(dt).of(new double[] {1, 2, 3}, 1, 3, 1);
        assertTensor(x.sum(0), new double[] {1, 2, 3}, 3, 1);
        assertTensor(x.sum(2), new double[] {1, 2, 3}, 1, 3);
        assertTensor(x.max(1, true), new double[] {3}, 1, 1, 1);
        assertTensor(x.permute(2, 1, 0), new double[] {1, 2, 3}, 1, 3, 1);
        assertTensor(x.mul(x.reshape(3, 1, 1)), new double[] {1, 2, 3, 2, 4, 6, 3, 6, 9}, 3, 3, 1);
        assertTensor(x.reshape(1, 3).matmul(x.reshape(3, 1)), new double[] {14}, 1, 1);
    }

    // ------------------------------------------------------------------ aliasing (SPI level)

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void kernelsAcceptAnOutputAliasedWithAnInput(DType dt) {
        Backend be = backend();
        Shape sq = Shape.of(2, 2);
        Storage x = store(dt, 1, -2, 3, -4);
        be.map(UnaryOp.AFFINE, x, 2, 1, x);
        assertArrayEquals(new double[] {3, -3, 7, -7}, values(x));
        Storage y = store(dt, 1, 1, 1, 1);
        be.zip(BinaryOp.MUL, x, sq, y, sq, x, sq);
        assertArrayEquals(new double[] {3, -3, 7, -7}, values(x));
        be.zip(BinaryOp.SUB, y, sq, x, sq, x, sq);
        assertArrayEquals(new double[] {-2, 4, -6, 8}, values(x));
        be.axpby(0.5, x, 2, x);
        assertArrayEquals(new double[] {-5, 10, -15, 20}, values(x));
        be.permute(x, sq, new int[] {1, 0}, x);
        assertArrayEquals(new double[] {-5, -15, 10, 20}, values(x));
        be.where(store(dt, 0, 0, 1, 1), sq, x, sq, y, sq, x, sq);
        assertArrayEquals(new double[] {1, 1, 10, 20}, values(x));
        be.convert(x, x);
        assertArrayEquals(new double[] {1, 1, 10, 20}, values(x));
        be.reduce(ReduceOp.SUM, x, Shape.of(4), 0, x);
        assertEquals(32.0, be.get(x, 0));
        Storage m = store(dt, 1, 2, 3, 4);
        be.gemm(false, false, 2, 2, 2, 1, m, 0, m, 0, 0, m, 0);
        assertArrayEquals(new double[] {7, 10, 15, 22}, values(m));
        Storage g = store(dt, 1, 2, 3, 4);
        be.gather(g, sq, 1, indices(1, 0, 0, 0), sq, g);
        assertArrayEquals(new double[] {2, 1, 3, 3}, values(g));
        Storage s = store(dt, 1, 2, 3, 4);
        be.indexAdd(s, sq, 0, indices(1, 0), s);
        assertArrayEquals(new double[] {4, 6, 4, 6}, values(s));
        Storage t = store(dt, 1, 2, 3, 4);
        be.slice(t, Shape.of(4), 0, 1, 2, 2, t);
        assertEquals(2.0, be.get(t, 0));
        assertEquals(4.0, be.get(t, 1));
    }

    /** Values cross the SPI unchanged: written, read back, read at an offset, one element, and moved to the reference. */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64", "INT32"})
    void valuesEnterAndLeaveThroughTheBackend(DType dt) {
        Backend be = backend();
        Storage s = be.allocate(dt, 5);
        assertEquals(dt, s.dtype());
        assertEquals(5, s.size());
        for (int i = 0; i < 5; i++) assertEquals(0.0, be.get(s, i), "allocate zero-fills");
        Tensor t = f(dt).of(new double[] {1, -2, 3, -4, 5});
        assertEquals(-4.0, t.get(3));
        java.nio.Buffer part = switch (dt) {
            case FLOAT64 -> DoubleBuffer.allocate(7).position(1).limit(4);
            case FLOAT32 -> FloatBuffer.allocate(7).position(1).limit(4);
            case INT32 -> java.nio.IntBuffer.allocate(7).position(1).limit(4);
        };
        t.slice(0, 1, 4).copyTo(part);
        assertEquals(4, part.position());
        Tensor back = f(dt).of(part.flip().position(1));
        assertArrayEquals(new double[] {-2, 3, -4}, back.toDoubleArray());
        java.nio.ByteBuffer le = java.nio.ByteBuffer.allocateDirect(5 * dt.byteSize()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.nio.Buffer view = switch (dt) {
            case FLOAT64 -> le.asDoubleBuffer();
            case FLOAT32 -> le.asFloatBuffer();
            case INT32 -> le.asIntBuffer();
        };
        t.copyTo(view);
        assertEquals(dt == DType.INT32 ? 5 : 5.0f, dt == DType.FLOAT64 ? (float) le.getDouble(32) : dt == DType.FLOAT32 ? le.getFloat(16) : le.getInt(16));
        Tensor moved = t.to(ReferenceBackend.INSTANCE);
        assertArrayEquals(t.toDoubleArray(), moved.toDoubleArray());
        assertArrayEquals(t.toDoubleArray(), moved.to(backend()).toDoubleArray());
        Tensor filled = f(dt).zeros(5), view2 = filled.reshape(5, 1);
        InPlace.write(switch (dt) {
            case FLOAT64 -> DoubleBuffer.wrap(new double[] {7, 8});
            case FLOAT32 -> FloatBuffer.wrap(new float[] {7, 8});
            case INT32 -> java.nio.IntBuffer.wrap(new int[] {7, 8});
        }, filled, 3);
        assertArrayEquals(new double[] {0, 0, 0, 7, 8}, view2.toDoubleArray(), "a write is seen through a view");
        assertTrue(filled.sharesStorageWith(view2));
        assertFalse(filled.sharesStorageWith(filled.copy()));
        rejects("InPlace.write", () -> InPlace.write(DoubleBuffer.allocate(2), filled, 4), "offset 4");
        if (dt != DType.FLOAT64) rejects("InPlace.write", () -> InPlace.write(DoubleBuffer.allocate(2), filled, 0), "expected a");
        rejects("copyTo", () -> t.copyTo(java.nio.ShortBuffer.allocate(5)), "ShortBuffer");
        rejects("copyTo", () -> t.copyTo(view.clear().limit(2)), "room for 5");
        rejects("of", () -> f(dt).of(DoubleBuffer.allocate(3), 2, 2), "(2, 2)", "got 3");
    }

    // ------------------------------------------------------------------ in-place entry point

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void inPlaceUpdates(DType dt) {
        TensorFactory f = f(dt);
        Tensor w = f.of(new double[] {1, 2, 3});
        Tensor g = f.of(new double[] {10, 20, 30});
        InPlace.axpby(-0.1, g, 1, w);
        assertTensor(w, new double[] {0, 0, 0}, 3);
        InPlace.fill(w, 2);
        InPlace.zip(BinaryOp.MUL, w, g, w);
        assertTensor(w, new double[] {20, 40, 60}, 3);
        InPlace.map(UnaryOp.SQRT, f.of(new double[] {4, 9, 16}), 0, 0, w);
        assertTensor(w, new double[] {2, 3, 4}, 3);
        Tensor before = w.copy();
        assertThrows(IllegalArgumentException.class, () -> InPlace.axpby(1, f.ones(4), 1, w));
        assertThrows(IllegalArgumentException.class, () -> InPlace.zip(BinaryOp.ADD, w, f.ones(2, 3), w));
        assertTrue(w.equal(before), "a rejected update must leave the tensor unchanged");
    }

    // ------------------------------------------------------------------ fused kernels

    /**
     * A recorded sequence of in-place updates equals the same updates run one by one, bit for bit: a long program
     * with every kind of step, aliased outputs and a tensor that appears as several operands, over sizes that fill
     * part of one chunk, exactly a chunk, and several chunks with a remainder.
     */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void aSequenceEqualsItsUpdatesOneByOne(DType dt) {
        TensorFactory f = f(dt);
        Rng rng = new Rng(11);
        for (int size : new int[] {1, 35, 512, 1500}) {
            Tensor w = f.normal(rng, 0, 1, size), g = f.normal(rng, 0, 1, size).mul(f.bernoulli(rng, 0.8, size));
            Tensor m = f.normal(rng, 0, 1, size), v = f.uniform(rng, 0, 2, size), tmp = f.zeros(size);
            Tensor w2 = w.copy(), g2 = g.copy(), m2 = m.copy(), v2 = v.copy(), tmp2 = tmp.copy();
            InPlace.sequence(Shape.of(size))
                    .axpby(0.01, w, 1, g)
                    .axpby(0.1, g, 0.9, m)
                    .zip(BinaryOp.MUL, g, g, tmp)
                    .axpby(0.001, tmp, 0.999, v)
                    .axpby(1, tmp, 0, tmp)
                    .zip(BinaryOp.MAXIMUM, v, tmp, tmp)
                    .map(UnaryOp.SQRT, tmp, 0, 0, tmp)
                    .map(UnaryOp.AFFINE, tmp, 1 / Math.sqrt(0.3), 1e-8, tmp)
                    .zip(BinaryOp.DIV, m, tmp, tmp)
                    .map(UnaryOp.AFFINE, w, 0.999, 0, w)
                    .axpby(-0.003, tmp, 1, w)
                    .run();
            InPlace.axpby(0.01, w2, 1, g2);
            InPlace.axpby(0.1, g2, 0.9, m2);
            InPlace.zip(BinaryOp.MUL, g2, g2, tmp2);
            InPlace.axpby(0.001, tmp2, 0.999, v2);
            InPlace.axpby(1, tmp2, 0, tmp2);
            InPlace.zip(BinaryOp.MAXIMUM, v2, tmp2, tmp2);
            InPlace.map(UnaryOp.SQRT, tmp2, 0, 0, tmp2);
            InPlace.map(UnaryOp.AFFINE, tmp2, 1 / Math.sqrt(0.3), 1e-8, tmp2);
            InPlace.zip(BinaryOp.DIV, m2, tmp2, tmp2);
            InPlace.map(UnaryOp.AFFINE, w2, 0.999, 0, w2);
            InPlace.axpby(-0.003, tmp2, 1, w2);
            String what = dt + " size " + size;
            assertArrayEquals(w2.toDoubleArray(), w.toDoubleArray(), 0, () -> "w, " + what);
            assertArrayEquals(g2.toDoubleArray(), g.toDoubleArray(), 0, () -> "g, " + what);
            assertArrayEquals(m2.toDoubleArray(), m.toDoubleArray(), 0, () -> "m, " + what);
            assertArrayEquals(v2.toDoubleArray(), v.toDoubleArray(), 0, () -> "v, " + what);
            assertArrayEquals(tmp2.toDoubleArray(), tmp.toDoubleArray(), 0, () -> "tmp, " + what);
        }
        Tensor x = f.of(new double[] {1, 2, 3, 4}), view = x.reshape(2, 2);
        InPlace.sequence(Shape.of(4)).map(UnaryOp.AFFINE, x, 2, 0, x).zip(BinaryOp.ADD, x, x, x).run();
        assertTensor(view, new double[] {4, 8, 12, 16}, 2, 2);                  // views see the update
    }

    /** The out= form equals the allocating product for every transpose combination, also when out is an input. */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void matmulIntoAnExistingOutputEqualsMatmul(DType dt) {
        TensorFactory f = f(dt);
        Rng rng = new Rng(9);
        for (int combo = 0; combo < 4; combo++) {
            boolean ta = (combo & 1) != 0, tb = (combo & 2) != 0;
            Tensor a = ta ? f.normal(rng, 0, 1, 7, 5) : f.normal(rng, 0, 1, 5, 7);
            Tensor b = tb ? f.normal(rng, 0, 1, 3, 7) : f.normal(rng, 0, 1, 7, 3);
            Tensor out = f.full(42, 5, 3);
            InPlace.matmul(a, b, ta, tb, out);
            assertArrayEquals(a.matmul(b, ta, tb).toDoubleArray(), out.toDoubleArray(), 0, "ta=" + ta + " tb=" + tb);
        }
        Tensor sq = f.of(new double[] {1, 2, 3, 4}, 2, 2);
        InPlace.matmul(sq, sq, false, false, sq);                               // out aliases both inputs
        assertTensor(sq, new double[] {7, 10, 15, 22}, 2, 2);
        Tensor empty = f.full(3, 2, 2);
        InPlace.matmul(f.zeros(2, 0), f.zeros(0, 2), false, false, empty);     // k = 0: zeros
        assertTensor(empty, new double[] {0, 0, 0, 0}, 2, 2);
        Tensor target = f.ones(2, 3);
        rejects("InPlace.matmul", () -> InPlace.matmul(f.ones(2, 4), f.ones(4, 2), false, false, target), "(2, 2)", "(2, 3)");
        rejects("InPlace.matmul", () -> InPlace.matmul(f.ones(2, 4), f.ones(3, 3), false, false, target), "4 vs 3");
        rejects("InPlace.matmul", () -> InPlace.matmul(f.ones(4), f.ones(4, 3), false, false, target), "rank 2");
        assertTensor(target, new double[] {1, 1, 1, 1, 1, 1}, 2, 3);
    }

    /**
     * The specialised paths equal the general ones bit for bit: a 2-D product against the same product as a batch
     * of one, and a row operand repeated over rows (a bias) against the broadcast plan, for every binary op and
     * both operand orders.
     */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void specialisedPathsEqualTheGeneralOnes(DType dt) {
        TensorFactory f = f(dt);
        Rng rng = new Rng(21);
        for (int combo = 0; combo < 4; combo++) {
            boolean ta = (combo & 1) != 0, tb = (combo & 2) != 0;
            Tensor a = ta ? f.normal(rng, 0, 1, 9, 6) : f.normal(rng, 0, 1, 6, 9);
            Tensor b = tb ? f.normal(rng, 0, 1, 4, 9) : f.normal(rng, 0, 1, 9, 4);
            Tensor batched = a.reshape(1, a.dim(0), a.dim(1)).matmul(b.reshape(1, b.dim(0), b.dim(1)), ta, tb);
            assertArrayEquals(batched.toDoubleArray(), a.matmul(b, ta, tb).toDoubleArray(), 0, "ta=" + ta + " tb=" + tb);
        }
        Tensor x = f.normal(rng, 0, 1, 3, 5, 7).abs().add(0.5), row = f.normal(rng, 0, 1, 7).abs().add(0.5);
        Tensor plane = f.normal(rng, 0, 1, 5, 7).abs().add(0.5);
        for (BinaryOp op : BinaryOp.values()) {
            for (Tensor part : new Tensor[] {row, plane}) {
                // Leading size-1 axes make the same broadcast go through the general plan.
                Tensor viaPlan = part.reshape(part.rank() == 1 ? new int[] {1, 1, 7} : new int[] {1, 5, 7});
                Storage xs = store(dt, x.toDoubleArray()), ps = store(dt, part.toDoubleArray());
                Storage fast = backend().allocate(dt, x.size()), general = backend().allocate(dt, x.size());
                Shape out = x.shape();
                backend().zip(op, xs, out, ps, part.shape(), fast, out);
                backend().zip(op, xs, out, ps, viaPlan.shape(), general, out);
                assertArrayEquals(values(general), values(fast), 0, op + " x, " + part.shape());
                backend().zip(op, ps, part.shape(), xs, out, fast, out);
                backend().zip(op, ps, viaPlan.shape(), xs, out, general, out);
                assertArrayEquals(values(general), values(fast), 0, op + " " + part.shape() + ", x");
            }
        }
    }

    /** One GEMM onto the bias rows equals the product plus the bias (float64 1e-12, float32 1e-5), and checks shapes. */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void linearEqualsMatmulPlusBias(DType dt) {
        TensorFactory f = f(dt);
        Rng rng = new Rng(17);
        double tol = dt == DType.FLOAT64 ? 1e-12 : 1e-5;
        int[][] sizes = {{5, 7, 3}, {64, 100, 33}, {1, 1, 1}, {3, 0, 4}};
        for (int[] mkn : sizes) {
            Tensor x = f.normal(rng, 0, 1, mkn[0], mkn[1]), w = f.normal(rng, 0, 1, mkn[1], mkn[2]);
            Tensor b = f.normal(rng, 0, 1, mkn[2]);
            double[] expected = x.matmul(w).add(b).toDoubleArray(), actual = x.linear(w, b).toDoubleArray();
            for (int i = 0; i < expected.length; i++) {
                double scale = Math.max(1, Math.abs(expected[i]));
                assertEquals(expected[i], actual[i], tol * scale * Math.max(1, mkn[1]) / 10, "element " + i);
            }
        }
        assertTensor(f.of(new double[] {1, 2, 3, 4}, 2, 2).linear(f.of(new double[] {1, 0, 0, 1}, 2, 2),
                f.of(new double[] {10, 20})), new double[] {11, 22, 13, 24}, 2, 2);
        rejects("linear", () -> f.ones(2, 3).linear(f.ones(3, 4), f.ones(3)), "(2, 3)", "(3, 4)", "(3,)");
        rejects("linear", () -> f.ones(2, 3).linear(f.ones(2, 4), f.ones(4)), "weight (in, out)");
        rejects("linear", () -> f.ones(3).linear(f.ones(3, 4), f.ones(4)), "x (batch, in)");
    }

    /** One pass, branch-free: positive inputs pass the gradient, zero and negative stop it, NaN stays NaN. */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void reluGradPassesTheGradientWhereTheInputIsPositive(DType dt) {
        TensorFactory f = f(dt);
        double tiny = dt == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        Tensor g = f.of(new double[] {1, -2, 3, 4, 5, 6, 7, 8});
        Tensor x = f.of(new double[] {0.5, 0, -0.0, -3, tiny, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e30});
        assertTensor(g.reluGrad(x), new double[] {1, 0, 0, 0, 5, 6, 0, 8}, 8);
        assertTrue(Double.isNaN(f.of(new double[] {2, 1}).reluGrad(f.of(new double[] {Double.NaN, 1})).get(0)), "NaN input gives NaN");
        Tensor rows = f.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);          // broadcasting over rows
        assertTensor(rows.reluGrad(f.of(new double[] {1, -1, 2})), new double[] {1, 0, 3, 4, 0, 6}, 2, 3);
        // The same values as the comparison and product it replaces, on random data of both signs.
        Tensor a = f.normal(new Rng(3), 0, 1, 64, 33), b = f.normal(new Rng(4), 0, 1, 64, 33);
        assertArrayEquals(a.mul(b.gt(0.0)).toDoubleArray(), a.reluGrad(b).toDoubleArray(), 0);
    }

    /** The fused tanh and sigmoid backward kernels equal the chains of kernels they replace, bit for bit. */
    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void tanhAndSigmoidGradEqualTheirUnfusedChains(DType dt) {
        TensorFactory f = f(dt);
        Tensor g = f.normal(new Rng(5), 0, 1, 40, 17), x = f.normal(new Rng(6), 0, 2, 40, 17);
        Tensor t = x.tanh(), s = x.sigmoid();
        assertArrayEquals(g.mul(t.square().neg().add(1.0)).toDoubleArray(), g.tanhGrad(t).toDoubleArray(), 0);
        assertArrayEquals(g.mul(s).mul(s.neg().add(1.0)).toDoubleArray(), g.sigmoidGrad(s).toDoubleArray(), 0);
        assertTensor(f.of(new double[] {2, 3}).tanhGrad(f.of(new double[] {0.5, -1})), new double[] {1.5, 0}, 2);
        assertTensor(f.of(new double[] {2, 3}).sigmoidGrad(f.of(new double[] {0.5, 0.25})), new double[] {0.5, 0.5625}, 2);
        Tensor column = f.of(new double[] {0.5, 0.25}, 2, 1);                   // broadcasting
        assertTensor(f.ones(2, 2).sigmoidGrad(column), new double[] {0.25, 0.25, 0.1875, 0.1875}, 2, 2);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void aSequenceChecksEveryTensorWhenRecordedAndWritesNothingBeforeRun(DType dt) {
        TensorFactory f = f(dt);
        Tensor w = f.ones(3), g = f.ones(3), m = f.zeros(3);
        InPlace.Sequence seq = InPlace.sequence(Shape.of(3)).axpby(0.5, g, 1, w);
        rejects("InPlace.Sequence.zip", () -> seq.zip(BinaryOp.ADD, w, f.zeros(4), w), "(3,)", "(4,)");
        DType other = dt == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        rejects("InPlace.Sequence.axpby", () -> seq.axpby(1, Tensor.on(backend(), other).zeros(3), 1, m), "dtypes differ");
        rejects("InPlace.Sequence.map", () -> InPlace.sequence(Shape.of(3))
                .map(UnaryOp.NEG, Tensor.on(backend(), DType.INT32).zeros(3), 0, 0, m), "int32");
        assertTensor(w, new double[] {1, 1, 1}, 3);
        seq.run();
        assertTensor(w, new double[] {1.5, 1.5, 1.5}, 3);
    }

    // ------------------------------------------------------------------ bad input

    private static void rejects(String op, Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, op);
        assertTrue(e.getMessage().startsWith(op), () -> "message should name '" + op + "': " + e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "message should contain '" + fragment + "': "
                    + e.getMessage());
        }
    }

    @Test
    void badInputIsRejectedWithTheOperationAndTheShapes() {
        TensorFactory f = f(DType.FLOAT64);
        Tensor a = f.zeros(2, 3), b = f.zeros(4), c = f.zeros(3, 2);
        Tensor i32 = Tensor.on(backend(), DType.INT32).of(new int[] {0, 5});
        rejects("add", () -> a.add(b), "(2, 3)", "(4,)");
        rejects("add", () -> a.add(f(DType.FLOAT32).zeros(2, 3)), "float64", "float32");
        Backend other = new ArrayBackend() {
            @Override
            public String name() {
                return "other";
            }
        };
        rejects("add", () -> a.add(Tensor.on(other, DType.FLOAT64).zeros(2, 3)), "backends");
        rejects("exp", () -> i32.exp(), "int32");
        rejects("sum", () -> i32.sum(), "int32");
        rejects("matmul", () -> a.matmul(a), "(2, 3)", "3 vs 2");
        rejects("matmul", () -> f.scalar(1).matmul(a), "()");
        rejects("matmul", () -> a.matmul(c, true, false), "2 vs 3");
        rejects("reshape", () -> a.reshape(4, 2), "(2, 3)", "[4, 2]");
        rejects("reshape", () -> a.reshape(-1, -1), "-1");
        rejects("sum", () -> a.sum(2), "axis 2", "rank 2");
        rejects("sum", () -> a.sum(new int[] {1, -1}, false), "twice");
        rejects("permute", () -> a.permute(0, 0), "twice");
        rejects("permute", () -> a.permute(0), "expected 2 axes");
        rejects("slice", () -> a.slice(1, 2, 5), "end=5");
        rejects("slice", () -> a.slice(1, 0, 2, 0), "step=0");
        rejects("indexSelect", () -> c.indexSelect(0, i32), "index 5", "size 3");
        rejects("indexSelect", () -> c.indexSelect(0, f.zeros(2)), "int32");
        rejects("gather", () -> c.gather(0, i32), "rank");
        rejects("oneHot", () -> i32.oneHot(3), "index 5");
        rejects("concat", () -> Tensor.concat(0, a, c), "(3, 2)");
        rejects("stack", () -> Tensor.stack(0, a, c), "(3, 2)");
        rejects("broadcastTo", () -> a.broadcastTo(3, 3), "(3, 3)");
        rejects("get", () -> a.get(2, 0), "index 2", "size 2");
        rejects("get", () -> a.get(0), "expected 2 indices");
        rejects("item", () -> a.item(), "(2, 3)");
        rejects("where", () -> Tensor.where(f.zeros(4), a, a), "(4,)");
        rejects("clamp", () -> a.clamp(1, 0), "min=1.0");
        rejects("leakyRelu", () -> a.leakyRelu(Double.NaN), "NaN");
        rejects("normal", () -> f.normal(new Rng(0), 0, -1, 2), "std");
        rejects("uniform", () -> f.uniform(new Rng(0), Double.NaN, 1, 2), "low");
        rejects("bernoulli", () -> f.bernoulli(new Rng(0), 1.5, 2), "1.5");
        rejects("arange", () -> f.arange(0, 1, 0), "step");
        rejects("linspace", () -> f.linspace(0, Double.POSITIVE_INFINITY, 3), "end");
        rejects("Shape.of", () -> f.zeros(2, -1), "-1");
        rejects("of", () -> f.of(new double[] {1, 2, 3}, 2, 2), "(2, 2)", "got 3");
        rejects("fromNested", () -> f.fromNested(new double[][] {{1, 2}, {3}}), "[1]");
        rejects("InPlace.copy", () -> InPlace.copy(a, c), "(3, 2)");
    }

    // ------------------------------------------------------------------ recycled outputs (BufferPool)

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void kernelsWriteEveryElementOfARecycledOutput(DType dtype) {
        RecycledOutputs.check(backend(), dtype);
    }
}
