package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The optimiser's part of TrainingStepBenchmark's MLP step alone: one {@code step()} over the parameters of
 * 784-512-256-10 (weights and biases, 535,818 values) with fixed gradients, so that the cost of the guard, the
 * gradient copy and the update is seen without the GEMMs around it. {@code checked = false} steps through
 * {@link Optimizer#stepFiniteGradients()}, as the trainer does after a finite gradient norm.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OptimizerStepBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32", "FLOAT64"})
    DType dtype;

    /** {@code sgd}: plain; {@code momentum}: SGD with momentum 0.9; {@code nesterov}: with Nesterov momentum. */
    @Param({"adam", "sgd", "momentum", "nesterov"})
    String optimizer;

    @Param({"true", "false"})
    boolean checked;

    Optimizer<?> opt;

    @Setup
    public void setup() {
        TensorFactory f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        int[][] shapes = {{784, 512}, {512}, {512, 256}, {256}, {256, 10}, {10}};
        List<Variable> params = new ArrayList<>();
        for (int[] shape : shapes) {
            Variable p = Variable.parameter(f.normal(rng, 0, 0.05, shape));
            p.mul(f.normal(rng, 0, 1e-3, shape)).sum().backward();      // a fixed gradient, kept for every step
            params.add(p);
        }
        opt = switch (optimizer) {
            case "adam" -> new Adam(params, Adam.options().withLr(1e-3));
            case "sgd" -> new SGD(params, SGD.options(0.01));
            case "momentum" -> new SGD(params, SGD.options(0.01).withMomentum(0.9));
            case "nesterov" -> new SGD(params, SGD.options(0.01).withMomentum(0.9).withNesterov(true));
            default -> throw new IllegalArgumentException("OptimizerStepBenchmark: unknown optimizer " + optimizer);
        };
    }

    @Benchmark
    public Optimizer<?> step() {
        if (checked) opt.step();
        else opt.stepFiniteGradients();
        return opt;
    }
}
