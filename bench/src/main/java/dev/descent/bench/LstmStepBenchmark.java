package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.nn.recurrent.LSTM;
import dev.descent.nn.recurrent.RecurrentOptions;
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
 * One training step (zeroGrad, forward, MSE against a fixed target, backward, Adam) of a one-layer LSTM over
 * 35 steps of a batch of 32, input 128, hidden 256, from zero states: the shape of a word-level language model's
 * step. PyTorch's side ({@code nn.LSTM(128, 256)}, the same loss and optimiser) is in
 * {@code bench/compare/torch_bench.py} under {@code lstmstep/DTYPE}.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar LstmStepBenchmark -p backend=jblas -p dtype=FLOAT32
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LstmStepBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32", "FLOAT64"})
    DType dtype;

    static final int STEPS = 35, BATCH = 32, INPUT = 128, HIDDEN = 256;

    /**
     * {@code on}: each step runs in a scope of one {@link BufferPool}, as a training loop that reuses its buffers
     * does; {@code off}: without one (every tensor allocated fresh), for comparison.
     */
    @Param({"on"})
    String pool;

    BufferPool buffers;

    LSTM lstm;
    Loss loss;
    Optimizer<?> opt;
    Variable x, target;

    @Setup
    public void setup() {
        buffers = pool.equals("on") ? new BufferPool() : null;
        TensorFactory f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        lstm = new LSTM(f, RecurrentOptions.of(INPUT, HIDDEN), rng);
        loss = Losses.mse();
        x = Variable.constant(f.normal(rng, 0, 1, STEPS, BATCH, INPUT));
        target = Variable.constant(f.uniform(rng, -1, 1, STEPS, BATCH, HIDDEN));
        opt = new Adam(lstm.parameters(), Adam.options().withLr(1e-3));
    }

    @Benchmark
    public Optimizer<?> step() {
        return Steps.step(buffers, opt, () -> loss.apply(lstm.apply(x), target));
    }
}
