package dev.descent.bench;

import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;
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
 * An Adam-shaped update of {@code size} parameters (the eight in-place kernels of one step over the parameter,
 * its gradient, two moments and a scratch buffer) run two ways: recorded as one {@link InPlace.Sequence} (one
 * pass over memory on a backend that fuses it) and as the same kernels one by one. The ratio is what keeping the
 * fused path buys; the values are equal bit for bit (the conformance suite checks it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SequenceBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32", "FLOAT64"})
    DType dtype;

    /** 535,818 is the MLP of TrainingStepBenchmark (784-512-256-10) in parameters. */
    @Param({"1000", "100000", "535818"})
    int size;

    Tensor w, g, m, v, tmp;

    @Setup
    public void setup() {
        var f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        w = f.normal(rng, 0, 1, size).copy();
        g = f.normal(rng, 0, 1e-3, size).copy();
        m = f.zeros(size);
        v = f.zeros(size);
        tmp = f.zeros(size);
    }

    @Benchmark
    public Tensor fused() {
        InPlace.sequence(Shape.of(size))
                .axpby(0.1, g, 0.9, m)
                .zip(BinaryOp.MUL, g, g, tmp)
                .axpby(0.001, tmp, 0.999, v)
                .map(UnaryOp.SQRT, v, 0, 0, tmp)
                .map(UnaryOp.AFFINE, tmp, 31.6, 1e-8, tmp)
                .zip(BinaryOp.DIV, m, tmp, tmp)
                .axpby(-1e-3, tmp, 1, w)
                .run();
        return w;
    }

    @Benchmark
    public Tensor oneByOne() {
        InPlace.axpby(0.1, g, 0.9, m);
        InPlace.zip(BinaryOp.MUL, g, g, tmp);
        InPlace.axpby(0.001, tmp, 0.999, v);
        InPlace.map(UnaryOp.SQRT, v, 0, 0, tmp);
        InPlace.map(UnaryOp.AFFINE, tmp, 31.6, 1e-8, tmp);
        InPlace.zip(BinaryOp.DIV, m, tmp, tmp);
        InPlace.axpby(-1e-3, tmp, 1, w);
        return w;
    }
}
