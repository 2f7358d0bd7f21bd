package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.SGD;
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
 * One training step (zeroGrad, forward, loss, backward, optimiser step) of the two networks the comparison with
 * PyTorch uses: {@code mlp} = 784-512-256-10 with ReLU and cross-entropy on a batch of 256; {@code tiny} =
 * 2-16-16-1 with tanh, a sigmoid output and binary cross-entropy on a batch of 32 (framework overhead dominates).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrainingStepBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32", "FLOAT64"})
    DType dtype;

    @Param({"adam", "sgd"})
    String optimizer;

    @Param({"mlp", "tiny"})
    String network;

    /**
     * {@code on}: each step runs in a scope of one {@link BufferPool}, as a training loop that reuses its buffers
     * does; {@code off}: without one (every tensor allocated fresh), for comparison.
     */
    @Param({"on"})
    String pool;

    BufferPool buffers;

    Sequential model;
    Loss loss;
    Optimizer<?> opt;
    Variable x, y;

    @Setup
    public void setup() {
        buffers = pool.equals("on") ? new BufferPool() : null;
        TensorFactory f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        if (network.equals("mlp")) {
            model = new Sequential(new Linear(f, 784, 512, true, null, null, rng), new ReLU(),
                    new Linear(f, 512, 256, true, null, null, rng), new ReLU(), new Linear(f, 256, 10, true, null, null, rng));
            loss = Losses.crossEntropy();
            x = Variable.constant(f.normal(rng, 0, 1, 256, 784));
            int[] labels = new int[256];
            for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(10);
            y = Variable.constant(Tensor.on(f.backend(), DType.INT32).of(labels));
        } else {
            model = new Sequential(new Linear(f, 2, 16, true, null, null, rng), new Tanh(),
                    new Linear(f, 16, 16, true, null, null, rng), new Tanh(), new Linear(f, 16, 1, true, null, null, rng),
                    new Sigmoid());
            loss = Losses.binaryCrossEntropy();
            x = Variable.constant(f.normal(rng, 0, 1, 32, 2));
            y = Variable.constant(f.bernoulli(rng, 0.5, 32, 1));
        }
        opt = optimizer.equals("adam") ? new Adam(model.parameters(), Adam.options().withLr(1e-3))
                : new SGD(model.parameters(), SGD.options(0.01));
    }

    @Benchmark
    public Optimizer<?> step() {
        return Steps.step(buffers, opt, () -> loss.apply(model.apply(x), y));
    }
}
