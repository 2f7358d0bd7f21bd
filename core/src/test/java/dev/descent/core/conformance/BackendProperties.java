package dev.descent.core.conformance;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.ReferenceBackend;
import dev.descent.core.testing.Props;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.Arrays;

import static dev.descent.core.testing.TensorAssert.maxScaledError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Randomised properties every backend must satisfy: the broadcasting rule, movement round trips, reduction
 * identities, matmul associativity, and agreement with core's reference kernels (float64 within 1e-12, float32
 * within 1e-5, relative to the magnitudes involved) for every transpose combination of matmul.
 */
public abstract class BackendProperties {
    static final int TRIES = 40;

    /** The backend under test. */
    protected abstract Backend backend();

    /** Shapes of rank 0 to 4 with sizes 1 to 4. */
    static Gen<int[]> shapes() {
        return Props.intArrays(0, 4, Props.ints(1, 4));
    }

    /** One product {@code (m×k)·(k×n)}, each operand possibly transposed, in float32 or float64, from a seed. */
    public record MatmulCase(int m, int n, int k, boolean transA, boolean transB, boolean float32, long seed) {
        public DType dtype() {
            return float32 ? DType.FLOAT32 : DType.FLOAT64;
        }
    }

    /** Products with {@code m}, {@code n}, {@code k} in {@code 1..max}, every transpose combination, both dtypes. */
    public static Gen<MatmulCase> matmulCases(int max) {
        Gen<int[]> sizes = Props.ints(1, max).zip(Props.ints(1, max), Props.ints(1, max), (m, n, k) -> new int[] {m, n, k});
        return sizes.zip(Props.bools(), Props.bools(), Props.bools(), Props.anyLong(),
                (s, transA, transB, float32, seed) -> new MatmulCase(s[0], s[1], s[2], transA, transB, float32, seed));
    }

    private Tensor random(DType dt, long seed, int... dims) {
        return Tensor.on(backend(), dt).uniform(new Rng(seed), -2, 2, dims);
    }

    /** A shape that broadcasts with {@code dims}: some axes set to 1, some leading axes dropped. */
    private static int[] broadcastPartner(int[] dims, long seed) {
        Rng rng = new Rng(seed);
        int drop = dims.length == 0 ? 0 : rng.nextInt(dims.length + 1);
        int[] b = Arrays.copyOfRange(dims, drop, dims.length);
        for (int i = 0; i < b.length; i++) if (rng.nextInt(3) == 0) b[i] = 1;
        return b;
    }

    @Test
    void broadcastingFollowsTheNumpyRule() {
        Props.tries(TRIES).forAll(shapes(), Props.anyLong()).checkAssert(this::broadcasting);
    }

    private void broadcasting(int[] dims, long seed) {
        int[] partner = broadcastPartner(dims, seed);
        Shape a = Shape.of(dims), b = Shape.of(partner);
        assertEquals(a, Shape.broadcast("test", a, b));
        assertEquals(a, Shape.broadcast("test", b, a));
        Tensor x = random(DType.FLOAT64, seed, dims), y = random(DType.FLOAT64, seed + 1, partner);
        // Broadcasting equals explicit expansion followed by a same-shape op.
        assertArrayEquals(x.mul(y.broadcastTo(a)).toDoubleArray(), x.mul(y).toDoubleArray());
        assertArrayEquals(y.broadcastTo(a).sub(x).toDoubleArray(), y.sub(x).toDoubleArray());
        // A size that is neither equal nor 1 does not broadcast.
        if (dims.length > 0 && dims[dims.length - 1] > 1) {
            int[] bad = dims.clone();
            bad[bad.length - 1] += 1;
            assertThrows(IllegalArgumentException.class, () -> Shape.broadcast("test", a, Shape.of(bad)));
        }
    }

    @Test
    void permuteAndReshapeRoundTrip() {
        Props.tries(TRIES).forAll(shapes(), Props.anyLong()).checkAssert(this::permuteAndReshape);
    }

    private void permuteAndReshape(int[] dims, long seed) {
        Tensor x = random(DType.FLOAT32, seed, dims);
        int[] perm = new Rng(seed).permutation(dims.length);
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
        Tensor p = x.permute(perm);
        for (int i = 0; i < perm.length; i++) assertEquals(dims[perm[i]], p.dim(i));
        assertTrue(p.permute(inverse).equal(x));
        assertTrue(x.flatten().reshape(dims).equal(x));
        assertTrue(x.reshape(-1, 1).reshape(Shape.of(dims)).equal(x));
    }

    @Test
    void sumOfAllEqualsSumOfPartialSums() {
        Props.tries(TRIES).forAll(shapes(), Props.anyLong(), Props.ints(0, 3)).checkAssert(this::partialSums);
    }

    private void partialSums(int[] dims, long seed, int axisChoice) {
        Tensor x = random(DType.FLOAT64, seed, dims);
        double total = x.sum().item();
        double scale = x.abs().sum().item() + 1e-300;
        if (dims.length > 0) {
            int axis = axisChoice % dims.length;
            assertEquals(total, x.sum(axis).sum().item(), 1e-12 * scale);
            assertEquals(total, x.sum(axis, true).sum().item(), 1e-12 * scale);
            assertEquals(total / x.size(), x.mean(axis).mean().item(), 1e-12 * scale);
        }
        assertEquals(total, Arrays.stream(x.toDoubleArray()).sum(), 1e-12 * scale);
    }

    @Test
    void matmulIsAssociative() {
        Gen<Integer> size = Props.ints(1, 24);
        Props.tries(TRIES).forAll(size.zip(size, (m, k) -> new int[] {m, k}).describedAs(Arrays::toString),
                size, size, Props.anyLong()).checkAssert((mk, l, n, seed) -> associative(mk[0], mk[1], l, n, seed));
    }

    private void associative(int m, int k, int l, int n, long seed) {
        Tensor a = random(DType.FLOAT64, seed, m, k), b = random(DType.FLOAT64, seed + 1, k, l);
        Tensor c = random(DType.FLOAT64, seed + 2, l, n);
        Tensor scale = a.abs().matmul(b.abs()).matmul(c.abs());
        double err = maxScaledError(a.matmul(b).matmul(c), a.matmul(b.matmul(c)), scale);
        assertTrue(err < 1e-12, "relative error " + err);
    }

    @Test
    void matmulAgreesWithTheReferenceForEveryTransposeCombination() {
        Props.tries(TRIES).forAll(matmulCases(70)).checkAssert(this::matmulAgreesWithTheReference);
    }

    private void matmulAgreesWithTheReference(MatmulCase c) {
        int m = c.m(), n = c.n(), k = c.k();
        boolean transA = c.transA(), transB = c.transB(), float32 = c.float32();
        long seed = c.seed();
        DType dt = c.dtype();
        Tensor a = transA ? random(dt, seed, k, m) : random(dt, seed, m, k);
        Tensor b = transB ? random(dt, seed + 1, n, k) : random(dt, seed + 1, k, n);
        Tensor mine = a.matmul(b, transA, transB);
        Tensor ref = a.to(ReferenceBackend.INSTANCE).matmul(b.to(ReferenceBackend.INSTANCE), transA, transB);
        Tensor scale = a.abs().to(DType.FLOAT64).matmul(b.abs().to(DType.FLOAT64), transA, transB);
        double err = maxScaledError(mine, ref, scale.to(ReferenceBackend.INSTANCE));
        assertTrue(err < (float32 ? 1e-5 : 1e-12), dt + " relative error " + err);
        assertEquals(Shape.of(m, n), mine.shape());
    }

    @Test
    void batchedMatmulEqualsOneMatmulPerBatch() {
        Props.tries(TRIES).forAll(Props.ints(1, 3), Props.ints(1, 9), Props.ints(1, 9), Props.anyLong())
                .checkAssert(this::batchedMatmul);
    }

    private void batchedMatmul(int batch, int m, int k, long seed) {
        Tensor a = random(DType.FLOAT64, seed, batch, m, k);
        Tensor b = random(DType.FLOAT64, seed + 1, k, m);
        Tensor out = a.matmul(b);
        for (int i = 0; i < batch; i++) {
            Tensor single = a.slice(0, i, i + 1).reshape(m, k).matmul(b);
            assertTrue(out.slice(0, i, i + 1).reshape(m, m).allClose(single, 1e-12, 1e-12));
        }
    }

    @Test
    void elementwiseAndReductionsAgreeWithTheReference() {
        Props.tries(TRIES).forAll(shapes(), Props.anyLong(), Props.bools()).checkAssert(this::elementwiseAndReductions);
    }

    private void elementwiseAndReductions(int[] dims, long seed, boolean float32) {
        DType dt = float32 ? DType.FLOAT32 : DType.FLOAT64;
        double tol = float32 ? 1e-5 : 1e-12;
        Tensor x = random(dt, seed, dims), y = random(dt, seed + 1, broadcastPartner(dims, seed));
        Backend ref = ReferenceBackend.INSTANCE;
        Tensor xr = x.to(ref), yr = y.to(ref);
        assertTrue(x.mul(y).add(x.tanh()).sub(y.exp()).allClose(xr.mul(yr).add(xr.tanh()).sub(yr.exp()).to(backend()), tol, tol));
        assertTrue(x.sigmoid().div(y.abs().add(1.0)).allClose(xr.sigmoid().div(yr.abs().add(1.0)).to(backend()), tol, tol));
        if (dims.length > 0) {
            int axis = (int) Math.floorMod(seed, dims.length);
            assertTrue(x.sum(axis).allClose(xr.sum(axis).to(backend()), tol, tol));
            assertTrue(x.max(axis).allClose(xr.max(axis).to(backend()), 0, 0));
            assertArrayEquals(xr.argmin(axis).toIntArray(), x.argmin(axis).toIntArray());
        }
    }
}
