package dev.descent.optim.train;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.TestBackends;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.BatchNorm2d;
import dev.descent.nn.layers.Conv2d;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Flatten;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.MaxPool2d;
import dev.descent.nn.layers.Padding;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.nn.recurrent.LSTM;
import dev.descent.nn.recurrent.RecurrentOptions;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training inside {@link BufferPool} scopes, one per step, against the same training without them: bit-identical
 * parameters and losses on every backend (those on the class path and core's off-heap one) in both dtypes, for an
 * MLP (Adam; SGD with momentum and two backward passes per step), a CNN (convolution, batch norm, pooling, dropout)
 * and an LSTM; later steps allocate nothing from the backends; kept tensors survive; stale ones throw.
 */
class PooledTrainingTest {
    static final int STEPS = 4;

    static Stream<Arguments> backendsAndDtypes() {
        List<Backend> backends = new ArrayList<>(TestBackends.all());
        backends.add(TestBackends.foreign());
        return backends.stream().flatMap(b -> Stream.of(Arguments.of(b, DType.FLOAT32), Arguments.of(b, DType.FLOAT64)));
    }

    /** A network, its data and its optimiser, built from fixed seeds, so two builds are identical. */
    private record Setup(Module model, Loss loss, Optimizer<?> opt, Variable x, Variable y, Variable x2, Variable y2) {
        static Setup of(String net, Backend b, DType dt) {
            TensorFactory f = Tensor.on(b, dt);
            Rng rng = new Rng(11), data = new Rng(12);
            switch (net) {
                case "mlp-adam", "mlp-sgd-twice" -> {
                    Module m = new Sequential(new Linear(f, 6, 16, true, null, null, rng), new ReLU(),
                            new Linear(f, 16, 8, true, null, null, rng), new Tanh(), new Linear(f, 8, 3, true, null, null, rng));
                    Optimizer<?> opt = net.equals("mlp-adam") ? new Adam(m.parameters(), Adam.options().withLr(0.05))
                            : new SGD(m.parameters(), SGD.options(0.1).withMomentum(0.9));
                    return new Setup(m, Losses.crossEntropy(), opt, Variable.constant(f.normal(data, 0, 1, 8, 6)),
                            labels(b, data, 8, 3), Variable.constant(f.normal(data, 0, 1, 5, 6)), labels(b, data, 5, 3));
                }
                case "cnn" -> {
                    int[] k = {3, 3}, one = {1, 1};
                    Module m = new Sequential(new Conv2d(f, 1, 4, k, one, Padding.of(1), one, 1, true, rng),
                            new BatchNorm2d(f, 4, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2), new Flatten(),
                            new Linear(f, 4 * 4 * 4, 8, true, null, null, rng), new ReLU(), new Dropout(0.25, rng.split()),
                            new Linear(f, 8, 3, true, null, null, rng));
                    return new Setup(m, Losses.crossEntropy(), new Adam(m.parameters(), Adam.options().withLr(0.01)),
                            Variable.constant(f.normal(data, 0, 1, 4, 1, 8, 8)), labels(b, data, 4, 3), null, null);
                }
                case "lstm" -> {
                    Module m = new LSTM(f, RecurrentOptions.of(3, 5), rng);
                    return new Setup(m, Losses.mse(), new Adam(m.parameters(), Adam.options().withLr(0.01)),
                            Variable.constant(f.normal(data, 0, 1, 4, 2, 3)),
                            Variable.constant(f.uniform(data, -1, 1, 4, 2, 5)), null, null);
                }
                default -> throw new IllegalArgumentException(net);
            }
        }

        private static Variable labels(Backend b, Rng rng, int n, int classes) {
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = rng.nextInt(classes);
            return Variable.constant(Tensor.on(b, DType.INT32).of(y));
        }

        /** One step; returns the loss, read inside the step. */
        double step() {
            opt.zeroGrad();
            Variable l = loss.apply(model.apply(x), y);
            double v = l.value().item();
            l.backward();
            if (x2 != null && opt instanceof SGD) loss.apply(model.apply(x2), y2).mul(0.5).backward(); // accumulates
            opt.step();
            return v;
        }

        double[][] parameters() {
            return model.parameters().stream().map(p -> p.value().toDoubleArray()).toArray(double[][]::new);
        }
    }

    /** The losses of {@link #STEPS} steps, then every parameter; in a scope per step when {@code pool} is given. */
    private static List<Object> train(Setup s, BufferPool pool, long[] allocationsAfter) {
        double[] losses = new double[STEPS];
        for (int i = 0; i < STEPS; i++) {
            try (BufferPool.Scope scope = pool == null ? null : pool.open()) {
                losses[i] = s.step();
            }
            if (pool != null) allocationsAfter[i] = pool.allocations();
        }
        return List.of(losses, s.parameters());
    }

    @ParameterizedTest
    @MethodSource("backendsAndDtypes")
    void stepsInsideScopesGiveBitIdenticalParametersAndLaterStepsAllocateNothing(Backend b, DType dt) {
        for (String net : List.of("mlp-adam", "mlp-sgd-twice", "cnn", "lstm")) {
            String what = net + " on " + b.name() + " " + dt;
            List<Object> plain = train(Setup.of(net, b, dt), null, null);
            BufferPool pool = new BufferPool();
            long[] allocations = new long[STEPS];
            List<Object> pooled = train(Setup.of(net, b, dt), pool, allocations);
            assertArrayEquals((double[]) plain.get(0), (double[]) pooled.get(0), what + ": losses");
            double[][] p = (double[][]) plain.get(1), q = (double[][]) pooled.get(1);
            assertEquals(p.length, q.length);
            for (int i = 0; i < p.length; i++) assertArrayEquals(p[i], q[i], what + ": parameter " + i);
            assertEquals(allocations[1], allocations[STEPS - 1], what + ": steps after the second allocate nothing");
            assertTrue(pool.reuses() > 0, what);
        }
    }

    @Test
    void keptTensorsSurviveLaterStepsAndStaleOnesThrow() {
        Setup s = Setup.of("mlp-adam", TestBackends.all().get(0), DType.FLOAT32);
        Variable w = s.model().parameters().get(0), lastBias = s.model().parameters().get(5);
        BufferPool pool = new BufferPool();
        Tensor keptLoss, keptGrad, staleOutput;
        double lossInside;
        double[] gradInside;
        try (BufferPool.Scope scope = pool.open()) {
            s.opt().zeroGrad();
            Variable out = s.model().apply(s.x());
            Variable l = s.loss().apply(out, s.y());
            l.backward();
            lossInside = l.value().item();
            keptLoss = scope.keep(l.value());
            gradInside = w.grad().toDoubleArray();
            keptGrad = BufferPool.keep(w.grad());
            staleOutput = out.value();
            s.opt().step();
        }
        Tensor heldGrad = null;
        for (int i = 0; i < 3; i++) {
            try (BufferPool.Scope scope = pool.open()) {
                s.step();
            }
            if (i == 1) heldGrad = lastBias.grad();
        }
        assertEquals(lossInside, keptLoss.item());
        assertArrayEquals(gradInside, keptGrad.toDoubleArray(), "a kept gradient is not written by later steps");
        assertNotSame(keptGrad, w.grad(), "later steps write the gradient into another buffer");
        assertTrue(w.grad().toDoubleArray().length == gradInside.length);
        IllegalStateException stale = assertThrows(IllegalStateException.class, () -> staleOutput.add(1.0));
        assertTrue(stale.getMessage().startsWith("add: this float32 (8, 3) tensor"), stale.getMessage());
        Tensor g = heldGrad;
        IllegalStateException reused = assertThrows(IllegalStateException.class, g::toDoubleArray,
                "a gradient from before zeroGrad and a later backward was reused by it");
        assertTrue(reused.getMessage().startsWith("toDoubleArray:"), reused.getMessage());
        assertTrue(lastBias.grad() != null && lastBias.grad().toDoubleArray().length == 3);
    }

    @Test
    void withoutAScopeAGradientFromBeforeZeroGradKeepsItsValues() {
        Setup s = Setup.of("mlp-adam", TestBackends.all().get(0), DType.FLOAT32);
        Variable w = s.model().parameters().get(0);
        s.step();
        Tensor before = w.grad();
        double[] values = before.toDoubleArray();
        s.step();
        assertArrayEquals(values, before.toDoubleArray());
        assertNotSame(before, w.grad());
    }

    @ParameterizedTest
    @MethodSource("backendsAndDtypes")
    void theTrainersPooledStepsEqualAPlainLoop(Backend b, DType dt) {
        for (int accumulation : new int[] {1, 2}) {
            Setup trained = Setup.of("mlp-adam", b, dt), manual = Setup.of("mlp-adam", b, dt);
            TensorFactory f = Tensor.on(b, dt);
            Rng data = new Rng(21);
            Tensor features = f.normal(data, 0, 1, 30, 6);
            int[] y = new int[30];
            for (int i = 0; i < y.length; i++) y[i] = data.nextInt(3);
            Tensor labels = Tensor.on(b, DType.INT32).of(y);
            Trainer.builder(trained.model(), trained.loss(), trained.opt())
                    .trainData(DataLoader.over(features, labels).mode(BatchMode.miniBatch(8)).shuffle(new Rng(5)).build())
                    .accumulateGradients(accumulation).epochs(2).build().fit();
            DataLoader loader = DataLoader.over(features, labels).mode(BatchMode.miniBatch(8)).shuffle(new Rng(5)).build();
            for (int epoch = 0; epoch < 2; epoch++) {
                manual.opt().zeroGrad();
                List<dev.descent.data.Batch> batches = new ArrayList<>();
                loader.forEach(batches::add);
                for (int start = 0; start < batches.size(); start += accumulation) {
                    List<dev.descent.data.Batch> group = batches.subList(start, Math.min(batches.size(), start + accumulation));
                    int total = group.stream().mapToInt(dev.descent.data.Batch::size).sum();
                    for (dev.descent.data.Batch batch : group) {
                        Variable l = manual.loss().apply(manual.model().apply(Variable.constant(batch.features())),
                                Variable.constant(batch.labels()));
                        (group.size() == 1 ? l : l.mul((double) batch.size() / total)).backward();
                    }
                    manual.opt().step();
                    manual.opt().zeroGrad();
                }
            }
            double[][] p = trained.parameters(), q = manual.parameters();
            for (int i = 0; i < p.length; i++) {
                assertArrayEquals(q[i], p[i], "parameter " + i + " on " + b.name() + " " + dt + ", accumulation " + accumulation);
            }
        }
    }

    /** A forward hook that keeps the first step's output: recycled (so refused) with the pool, readable without it. */
    @Test
    void withoutBufferReuseAHookMayKeepAStepsTensors() throws Exception {
        Backend b = TestBackends.all().get(0);
        for (boolean reuse : new boolean[] {true, false}) {
            Setup s = Setup.of("mlp-adam", b, DType.FLOAT64);
            TensorFactory f = Tensor.on(b, DType.FLOAT64);
            Rng data = new Rng(21);
            Tensor features = f.normal(data, 0, 1, 16, 6);
            int[] y = new int[16];
            for (int i = 0; i < y.length; i++) y[i] = data.nextInt(3);
            Tensor[] seen = new Tensor[1];
            double[][] copies = new double[1][];
            Trainer trainer = Trainer.builder(s.model(), s.loss(), s.opt())
                    .trainData(DataLoader.over(features, Tensor.on(b, DType.INT32).of(y)).mode(BatchMode.miniBatch(8)).build())
                    .reuseBuffers(reuse).epochs(1).build();
            // registered after build(), whose probe forward runs outside any scope
            try (AutoCloseable hook = s.model().registerForwardHook((m, in, out) -> {
                if (seen[0] != null) return; // the first step's output, whose buffer the second step takes again
                seen[0] = out.value();
                copies[0] = out.value().toDoubleArray();
            })) {
                trainer.fit();
            }
            if (reuse) {
                assertTrue(BufferPool.isRecycled(seen[0]));
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> seen[0].sum());
                assertTrue(e.getMessage().contains("BufferPool"), e.getMessage());
            } else {
                assertTrue(!BufferPool.isRecycled(seen[0]));
                assertArrayEquals(copies[0], seen[0].toDoubleArray(), "the first step's output still holds its values");
            }
        }
    }
}
