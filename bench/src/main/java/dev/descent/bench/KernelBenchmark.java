package dev.descent.bench;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
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
 * The shared elementwise and reduction kernels through the tensor API, on a {@code (rows, 100)} tensor of
 * {@code size} elements: add of a broadcast row, add of a tensor of the same shape, exp, sigmoid, tanh, log (of |x|),
 * relu, and a sum over the first axis. Elements per second = {@code size / time}. The intra-op pool splits these
 * from {@code Parallel.THRESHOLD} elements on; {@code -jvmArgsAppend -Ddescent.threads=1} (or 2) fixes its size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32", "FLOAT64"})
    DType dtype;

    @Param({"1000", "100000", "10000000"})
    int size;

    Tensor x, y, row, positive;

    @Setup
    public void setup() {
        var f = Tensor.on(BenchMain.backend(backend), dtype);
        x = f.normal(new Rng(1), 0, 1, size / 100, 100);
        y = f.normal(new Rng(3), 0, 1, size / 100, 100);
        row = f.normal(new Rng(2), 0, 1, 100);
        positive = x.abs();
    }

    @Benchmark
    public Tensor addBroadcastRow() {
        return x.add(row);
    }

    @Benchmark
    public Tensor add() {
        return x.add(y);
    }

    @Benchmark
    public Tensor exp() {
        return x.exp();
    }

    @Benchmark
    public Tensor sigmoid() {
        return x.sigmoid();
    }

    @Benchmark
    public Tensor tanh() {
        return x.tanh();
    }

    @Benchmark
    public Tensor log() {
        return positive.log();
    }

    @Benchmark
    public Tensor relu() {
        return x.relu();
    }

    @Benchmark
    public Tensor sumAxis0() {
        return x.sum(0);
    }
}
