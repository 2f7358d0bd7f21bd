package dev.descent.bench;

import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.autodiff.Variable;
import dev.descent.nn.activations.ReLU;
import dev.descent.data.Batch;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
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

import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * One epoch of a 784-256-128-10 ReLU MLP over 60,000 Fashion-MNIST-shaped samples, batch 128, shuffled, Adam,
 * float32: the loop a user writes (the Trainer adds its metric evaluation on top).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class EpochBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    /**
     * {@code on}: each step runs in a scope of one {@link BufferPool}, as a training loop that reuses its buffers
     * does; {@code off}: without one (every tensor allocated fresh), for comparison.
     */
    @Param({"on"})
    String pool;

    BufferPool buffers;

    Sequential model;
    Loss loss;
    Adam adam;
    DataLoader loader;

    @Setup
    public void setup() {
        buffers = pool.equals("on") ? new BufferPool() : null;
        TensorFactory f = Tensor.on(BenchMain.backend(backend), DType.FLOAT32);
        Rng rng = new Rng(1);
        model = new Sequential(new Linear(f, 784, 256, true, null, null, rng), new ReLU(),
                new Linear(f, 256, 128, true, null, null, rng), new ReLU(), new Linear(f, 128, 10, true, null, null, rng));
        loss = Losses.crossEntropy();
        adam = new Adam(model.parameters(), Adam.options().withLr(1e-3));
        int[] labels = new int[60_000];
        for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(10);
        loader = DataLoader.over(f.uniform(rng, 0, 1, 60_000, 784), Tensor.on(f.backend(), DType.INT32).of(labels))
                .mode(BatchMode.miniBatch(128)).shuffle(rng.split()).build();
    }

    @Benchmark
    public Adam epoch() {
        Iterator<Batch> batches = loader.iterator();
        while (batches.hasNext()) {
            // the batch is gathered inside the step's scope, so its copy is reused too
            Steps.step(buffers, adam, () -> {
                Batch b = batches.next();
                return loss.apply(model.apply(Variable.constant(b.features())), Variable.constant(b.labels()));
            });
        }
        return adam;
    }
}
