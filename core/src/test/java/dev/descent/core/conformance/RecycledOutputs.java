package dev.descent.core.conformance;

import dev.descent.core.BufferPool;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Pooling;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract {@link BufferPool} relies on: every kernel writes every element of its output (or core zeroes the
 * output first), so an output on a recycled buffer full of old values (NaN here) equals a fresh one bit for bit.
 * Each operation runs once outside any scope, then in a scope whose results are overwritten with NaN before it
 * closes, then in the next scope, which reuses those buffers.
 */
final class RecycledOutputs {
    private RecycledOutputs() {
    }

    static void check(Backend backend, DType dtype) {
        TensorFactory f = Tensor.on(backend, dtype);
        Rng rng = new Rng(3);
        Tensor a = f.normal(rng, 0, 1, 3, 4), c = f.normal(rng, 0, 1, 4, 5), row = f.normal(rng, 0, 1, 4);
        Tensor bias = f.normal(rng, 0, 1, 5), mask = f.bernoulli(rng, 0.5, 3, 4);
        Tensor idx = Tensor.on(backend, DType.INT32).of(new int[] {2, 0, 2});
        Tensor cols = Tensor.on(backend, DType.INT32).of(new int[] {3, 1, 0, 2, 2, 1}, 3, 2);
        Tensor img = f.normal(rng, 0, 1, 2, 3, 6, 6), w = f.normal(rng, 0, 1, 4, 3, 3, 3), cb = f.normal(rng, 0, 1, 4);
        Convolution.Options conv = Convolution.Options.of(1, 1, 1, 1);
        Pooling.Options pool = Pooling.Options.of(2, 2, 0, 1, false);
        Tensor convGrad = f.normal(rng, 0, 1, 2, 4, 6, 6), poolGrad = f.normal(rng, 0, 1, 2, 3, 3, 3);
        List<Supplier<Tensor>> ops = List.of(
                a::exp, () -> a.add(row), () -> a.mul(2.0), () -> a.sum(0), () -> a.max(1), () -> a.argmax(1),
                () -> a.sum(), () -> a.mean(new int[] {0, 1}, true), a::variance, () -> a.matmul(c),
                () -> a.matmul(c.reshape(1, 4, 5)), () -> a.linear(c, bias), () -> a.permute(1, 0),
                () -> a.slice(1, 1, 3), () -> Tensor.concat(0, a, a), () -> a.indexSelect(0, idx),
                () -> a.gather(1, cols), () -> Tensor.where(mask, a, a.neg()), () -> row.broadcastTo(3, 4),
                () -> a.to(dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32), a::copy, a::zerosLike,
                () -> f.zeros(3, 4), () -> f.full(2.5, 3, 4), () -> f.of(new double[] {1, 2, 3}),
                () -> a.indexAdd(0, idx, a), () -> a.scatterAdd(1, cols, a.slice(1, 0, 2)),
                () -> Convolution.conv2d(img, w, cb, conv), () -> Convolution.conv2d(img, w, null, conv),
                () -> Convolution.inputGrad(convGrad, w, conv, 6, 6), () -> Convolution.weightGrad(img, convGrad, conv, 3, 3),
                () -> Pooling.maxPool2d(img, pool).values(), () -> Pooling.maxPool2d(img, pool).indices(),
                () -> Pooling.avgPool2d(img, pool, true), () -> Pooling.avgPool2dAdjoint(poolGrad, pool, true, 6, 6));
        List<double[]> fresh = new ArrayList<>();
        for (Supplier<Tensor> op : ops) fresh.add(op.get().toDoubleArray());
        BufferPool buffers = new BufferPool();
        try (BufferPool.Scope scope = buffers.open()) {
            for (Supplier<Tensor> op : ops) {
                Tensor out = op.get();
                InPlace.fill(out, out.dtype() == DType.INT32 ? -7 : Double.NaN);
                out.toDoubleArray();                          // the same allocations as the checking scope's
            }
        }
        long allocated = buffers.allocations();
        try (BufferPool.Scope scope = buffers.open()) {
            for (int i = 0; i < ops.size(); i++) {
                assertArrayEquals(fresh.get(i), ops.get(i).get().toDoubleArray(), "operation " + i + " on " + backend.name()
                        + " " + dtype + " on a recycled buffer");
            }
        }
        assertEquals(allocated, buffers.allocations(), "the second scope took every buffer from the pool");
        assertTrue(buffers.reuses() > ops.size());
    }
}
