package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.testing.DirectBufferBackend;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferPoolTest {
    /** Core's two backends: heap arrays (the reference kernels) and off-heap direct buffers. */
    static List<Backend> backends() {
        return List.of(new ReferenceBackend(), DirectBufferBackend.INSTANCE);
    }

    private static TensorFactory f(Backend b) {
        return Tensor.on(b, DType.FLOAT32);
    }

    /** One "step": a few ops of fixed shapes; returns the sum of its result, read inside the scope. */
    private static double step(TensorFactory f, Tensor x) {
        Tensor h = x.matmul(x.transpose()).relu();
        return h.add(f.ones(3)).sum().item();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stepsOfTheSameShapesReuseTheFirstStepsBuffersAndComputeTheSameValues(Backend b) {
        TensorFactory f = f(b);
        Tensor x = f.of(new double[] {1, -2, 3, 4, 5, -6, 7, 8, 9}, 3, 3);
        double expected = step(f, x);
        BufferPool pool = new BufferPool();
        try (BufferPool.Scope s = pool.open()) {
            assertEquals(expected, step(f, x));
            assertTrue(s.tensors() > 0);
        }
        long first = pool.allocations();
        assertTrue(first > 0);
        for (int i = 0; i < 3; i++) {
            try (BufferPool.Scope s = pool.open()) {
                assertEquals(expected, step(f, x));
            }
        }
        assertEquals(first, pool.allocations(), "later steps allocate nothing");
        assertEquals(3 * first, pool.reuses());
        assertTrue(pool.cachedBytes() > 0);
        pool.clear();
        assertEquals(0, pool.cachedBytes());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aRecycledBufferIsZeroedWhereTheTensorMustStartAtZero(Backend b) {
        TensorFactory f = f(b);
        BufferPool pool = new BufferPool();
        try (BufferPool.Scope s = pool.open()) {
            for (int i = 0; i < 3; i++) f.full(7, 2, 3);
        }
        try (BufferPool.Scope s = pool.open()) {
            Tensor z = f.zeros(2, 3);
            Tensor like = f.ones(2, 3).zerosLike();
            assertEquals(3, pool.allocations());
            assertEquals(3, pool.reuses(), "all three held 7s from the first scope");
            assertArrayEquals(new double[6], z.toDoubleArray());
            assertArrayEquals(new double[6], like.toDoubleArray());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void usingATensorAfterItsScopeClosedThrowsNamingTheOperation(Backend b) {
        TensorFactory f = f(b);
        Tensor stale, view, one;
        BufferPool pool = new BufferPool();
        try (BufferPool.Scope s = pool.open()) {
            stale = f.of(new double[] {1, 2, 3, 4}, 2, 2).mul(2.0);
            one = f.scalar(3).mul(2.0);
            view = stale.reshape(4);
            assertFalse(BufferPool.isRecycled(stale));
        }
        assertTrue(BufferPool.isRecycled(stale));
        assertTrue(BufferPool.isRecycled(view));
        assertMessage("add:", assertThrows(IllegalStateException.class, () -> stale.add(1.0)));
        assertMessage("slice:", assertThrows(IllegalStateException.class, () -> view.slice(0, 0, 1)));
        assertMessage("item:", assertThrows(IllegalStateException.class, one::item));
        assertMessage("toDoubleArray:", assertThrows(IllegalStateException.class, stale::toDoubleArray));
        assertMessage("InPlace.fill:", assertThrows(IllegalStateException.class, () -> InPlace.fill(stale, 0)));
        assertMessage("matmul:", assertThrows(IllegalStateException.class, () -> stale.matmul(stale)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> stale.reshape(4));
        assertMessage("reshape:", e);
        assertTrue(e.getMessage().contains("float32 (2, 2)") && e.getMessage().contains("BufferPool.keep"), e.getMessage());
        assertMessage("BufferPool.keep:", assertThrows(IllegalStateException.class, () -> BufferPool.keep(stale)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aKeptTensorIsNeverOverwrittenByLaterSteps(Backend b) {
        TensorFactory f = f(b);
        BufferPool pool = new BufferPool();
        Tensor kept, keptView;
        try (BufferPool.Scope s = pool.open()) {
            kept = s.keep(f.of(new double[] {1, 2, 3, 4}).mul(3.0));
            Tensor other = f.of(new double[] {5, 6}).mul(2.0).reshape(2, 1);
            keptView = BufferPool.keep(other);
        }
        for (int i = 0; i < 4; i++) {
            try (BufferPool.Scope s = pool.open()) {
                f.full(-1, 4).mul(9.0);                  // the same sizes, other values
                f.full(-1, 2).mul(9.0);
            }
        }
        assertArrayEquals(new double[] {3, 6, 9, 12}, kept.toDoubleArray());
        assertArrayEquals(new double[] {10, 12}, keptView.reshape(2).toDoubleArray());
        assertFalse(BufferPool.isRecycled(kept));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void tensorsMadeOutsideAnyScopeOrInsideOutsideAreOrdinary(Backend b) {
        TensorFactory f = f(b);
        Tensor before = f.ones(3).mul(2.0);
        BufferPool pool = new BufferPool();
        Tensor state;
        try (BufferPool.Scope s = pool.open()) {
            assertTrue(BufferPool.inScope());
            state = BufferPool.outside(() -> {
                assertFalse(BufferPool.inScope());
                return f.ones(3).mul(5.0);
            });
            assertTrue(BufferPool.inScope());
            before.add(state);
        }
        assertFalse(BufferPool.inScope());
        try (BufferPool.Scope s = pool.open()) {
            f.zeros(3).add(1.0);
        }
        assertArrayEquals(new double[] {2, 2, 2}, before.toDoubleArray());
        assertArrayEquals(new double[] {5, 5, 5}, state.toDoubleArray());
        assertArrayEquals(new double[] {4, 4, 4}, before.add(2.0).toDoubleArray());
    }

    @Test
    void aHeldBufferOutlivesItsScopeAndItsOwnerReclaimsItInvalidatingTheOldTensor() {
        TensorFactory f = f(new ReferenceBackend());
        BufferPool pool = new BufferPool();
        Tensor held;
        try (BufferPool.Scope s = pool.open()) {
            held = BufferPool.hold(f.of(new double[] {1, 2}).mul(1.0));
            assertTrue(BufferPool.isHeld(held));
        }
        assertArrayEquals(new double[] {1, 2}, held.toDoubleArray());
        Tensor again = BufferPool.reclaim(held).orElseThrow();
        assertTrue(BufferPool.isRecycled(held));
        assertThrows(IllegalStateException.class, held::toDoubleArray);
        InPlace.fill(again, 4);
        assertArrayEquals(new double[] {4, 4}, again.toDoubleArray());
        assertTrue(BufferPool.isHeld(again));
        BufferPool.keep(again);
        assertFalse(BufferPool.isHeld(again));
        assertTrue(BufferPool.reclaim(again).isEmpty(), "a kept buffer is never reclaimed");
        assertTrue(BufferPool.reclaim(f.ones(2)).isEmpty(), "an ordinary tensor is never reclaimed");
        assertArrayEquals(new double[] {4, 4}, again.toDoubleArray());
    }

    @Test
    void innerScopesGiveBackTheirOwnTensorsAndClosingAnOuterScopeClosesThem() {
        TensorFactory f = f(new ReferenceBackend());
        BufferPool pool = new BufferPool();
        BufferPool.Scope outer = pool.open();
        Tensor a = f.ones(2).mul(2.0);
        Tensor inner;
        try (BufferPool.Scope s = pool.open()) {
            inner = f.ones(2).mul(3.0);
        }
        assertTrue(BufferPool.isRecycled(inner));
        assertArrayEquals(new double[] {2, 2}, a.toDoubleArray());
        BufferPool.Scope left = pool.open();
        Tensor b2 = f.ones(2).mul(4.0);
        outer.close();
        assertTrue(BufferPool.isRecycled(a));
        assertTrue(BufferPool.isRecycled(b2));
        assertFalse(BufferPool.inScope());
        left.close();                                        // already closed with the outer one: nothing happens
        BufferPool.Scope open = pool.open();
        assertThrows(IllegalStateException.class, () -> BufferPool.outside(() -> {
            open.close();                                    // not open here: outside() suspended it
            return null;
        }));
        open.close();
        assertFalse(BufferPool.inScope());
    }

    @Test
    void scopesArePerThread() throws Exception {
        TensorFactory f = f(new ReferenceBackend());
        BufferPool pool = new BufferPool();
        try (BufferPool.Scope s = pool.open()) {
            Tensor elsewhere = CompletableFuture.supplyAsync(() -> {
                assertFalse(BufferPool.inScope());
                return f.ones(2).mul(2.0);
            }).get(10, TimeUnit.SECONDS);
            AtomicReference<Throwable> opened = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    pool.open().close();
                } catch (Throwable e) {
                    opened.set(e);
                }
            });
            t.start();
            t.join(10_000);
            assertTrue(opened.get() instanceof IllegalStateException, "a pool serves one thread at a time");
            assertTrue(opened.get().getMessage().contains("one thread at a time"));
            Throwable closing = CompletableFuture.supplyAsync(() -> {
                try {
                    s.close();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            }).get(10, TimeUnit.SECONDS);
            assertTrue(closing instanceof IllegalStateException);
            s.close();
            assertArrayEquals(new double[] {2, 2}, elsewhere.toDoubleArray(), "made on another thread: not pooled");
        }
        CompletableFuture.runAsync(() -> pool.open().close()).get(10, TimeUnit.SECONDS); // free again
    }

    @Test
    void sizesNoScopeAskedForAreReleasedAfterAFewScopes() {
        TensorFactory f = f(new ReferenceBackend());
        BufferPool pool = new BufferPool();
        try (BufferPool.Scope s = pool.open()) {
            f.ones(1000).mul(2.0);
        }
        assertTrue(pool.cachedBytes() >= 2 * 4000);
        for (int i = 0; i <= BufferPool.IDLE_SCOPES; i++) {
            try (BufferPool.Scope s = pool.open()) {
                f.ones(10).mul(2.0);
            }
        }
        assertEquals(2 * 10 * 4 + 4, pool.cachedBytes(), "only the sizes still in use are cached (10, and the scalar 2)");
    }

    @Test
    void reclaimedTensorsAreNewHandles() {
        TensorFactory f = f(new ReferenceBackend());
        BufferPool pool = new BufferPool();
        Tensor held;
        try (BufferPool.Scope s = pool.open()) {
            held = BufferPool.hold(f.zeros(3));
        }
        Tensor next = BufferPool.reclaim(held).orElseThrow();
        assertNotSame(held, next);
        assertSame(next.shape(), held.shape());
        assertNull(BufferPool.reclaim(held).orElse(null));
    }

    private static void assertMessage(String start, Throwable e) {
        assertTrue(e.getMessage().startsWith(start), () -> "expected a message starting with '" + start + "', got: "
                + e.getMessage());
    }
}
