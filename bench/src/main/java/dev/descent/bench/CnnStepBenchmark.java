package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.activations.ReLU;
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
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One training step (zeroGrad, forward, cross-entropy, backward, Adam) of the Fashion-MNIST CNN on a batch of 64
 * images of 28x28: conv 32 -> BN -> ReLU -> max pool -> conv 64 -> BN -> ReLU -> max pool -> dense 128 -> ReLU ->
 * dropout 0.25 -> 10. PyTorch's side is in {@code bench/compare/torch_bench.py}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CnnStepBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32"})
    DType dtype;

    static final int BATCH = 64;

    /**
     * {@code on}: each step runs in a scope of one {@link BufferPool}, as a training loop that reuses its buffers
     * does; {@code off}: without one (every tensor allocated fresh), for comparison.
     */
    @Param({"on"})
    String pool;

    BufferPool buffers;

    Sequential cnn;
    Loss loss;
    Optimizer<?> opt;
    Variable images, labels;

    /** The CNN, for input {@code (N, 1, 28, 28)}. */
    static Sequential cnn(TensorFactory f, Rng rng) {
        int[] k = {3, 3}, one = {1, 1};
        return new Sequential(
                new Conv2d(f, 1, 32, k, one, Padding.of(1), one, 1, true, rng),
                new BatchNorm2d(f, 32, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2),
                new Conv2d(f, 32, 64, k, one, Padding.of(1), one, 1, true, rng),
                new BatchNorm2d(f, 64, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(f, 64 * 7 * 7, 128, true, null, null, rng), new ReLU(),
                new Dropout(0.25, rng.split()), new Linear(f, 128, 10, true, null, null, rng));
    }

    @Setup
    public void setup() {
        buffers = pool.equals("on") ? new BufferPool() : null;
        TensorFactory f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        cnn = cnn(f, rng);
        loss = Losses.crossEntropy();
        images = Variable.constant(f.normal(rng, 0, 1, BATCH, 1, 28, 28));
        int[] y = new int[BATCH];
        for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(10);
        labels = Variable.constant(Tensor.on(f.backend(), DType.INT32).of(y));
        opt = new Adam(cnn.parameters(), Adam.options().withLr(1e-3));
    }

    @Benchmark
    public Optimizer<?> step() {
        return Steps.step(buffers, opt, () -> loss.apply(cnn.apply(images), labels));
    }
}
