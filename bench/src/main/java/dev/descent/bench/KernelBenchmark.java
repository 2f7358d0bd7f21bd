package dev.descent.bench;

import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The shared elementwise and reduction kernels through the tensor API, on a {@code (rows, 100)} tensor of
 * {@code size} elements: add of a broadcast row, add of a tensor of the same shape, exp, sigmoid, tanh, log (of |x|),
 * relu, and a sum over the first axis. Elements per second = {@code size / time}. The intra-op pool splits these
 * from {@code Parallel.THRESHOLD} elements on; {@code -jvmArgsAppend -Ddescent.threads=1} (or 2) fixes its size.
 *
 * <p>Each elementwise case also runs as {@code ...Into}: the same kernel through {@link InPlace} into an output
 * allocated once in the setup, as a step-scoped buffer pool would hand it out. A tensor-API call takes a fresh
 * zeroed array (400 KB at 1e5 float32 elements, which comes from memory the cache has not seen); the difference
 * between the two rows is that cost, the {@code Into} row the loop's own. And each runs as {@code ...Pooled}: the
 * tensor-API call inside a {@link BufferPool} scope, as a training step runs it, so that the output is the buffer the
 * previous call gave back (PyTorch's caching allocator does the same for a result that is dropped).
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

    Tensor x, y, row, positive, out;
    final BufferPool buffers = new BufferPool();

    @Setup
    public void setup() {
        var f = Tensor.on(BenchMain.backend(backend), dtype);
        x = f.normal(new Rng(1), 0, 1, size / 100, 100);
        y = f.normal(new Rng(3), 0, 1, size / 100, 100);
        row = f.normal(new Rng(2), 0, 1, 100);
        positive = x.abs();
        out = x.copy();
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

    @Benchmark
    public Tensor addBroadcastRowInto() {
        InPlace.zip(BinaryOp.ADD, x, row, out);
        return out;
    }

    @Benchmark
    public Tensor addInto() {
        InPlace.zip(BinaryOp.ADD, x, y, out);
        return out;
    }

    @Benchmark
    public Tensor expInto() {
        InPlace.map(UnaryOp.EXP, x, 0, 0, out);
        return out;
    }

    @Benchmark
    public Tensor sigmoidInto() {
        InPlace.map(UnaryOp.SIGMOID, x, 0, 0, out);
        return out;
    }

    @Benchmark
    public Tensor tanhInto() {
        InPlace.map(UnaryOp.TANH, x, 0, 0, out);
        return out;
    }

    @Benchmark
    public Tensor logInto() {
        InPlace.map(UnaryOp.LOG, positive, 0, 0, out);
        return out;
    }

    @Benchmark
    public Tensor reluInto() {
        InPlace.map(UnaryOp.RELU, x, 0, 0, out);
        return out;
    }

    /** {@code op} in a scope of the benchmark's pool: its output is recycled when the scope closes. */
    private void pooled(Blackhole bh, Supplier<Tensor> op) {
        try (BufferPool.Scope scope = buffers.open()) {
            bh.consume(op.get());
        }
    }

    @Benchmark
    public void addBroadcastRowPooled(Blackhole bh) {
        pooled(bh, () -> x.add(row));
    }

    @Benchmark
    public void addPooled(Blackhole bh) {
        pooled(bh, () -> x.add(y));
    }

    @Benchmark
    public void expPooled(Blackhole bh) {
        pooled(bh, () -> x.exp());
    }

    @Benchmark
    public void sigmoidPooled(Blackhole bh) {
        pooled(bh, () -> x.sigmoid());
    }

    @Benchmark
    public void tanhPooled(Blackhole bh) {
        pooled(bh, () -> x.tanh());
    }

    @Benchmark
    public void logPooled(Blackhole bh) {
        pooled(bh, () -> positive.log());
    }

    @Benchmark
    public void reluPooled(Blackhole bh) {
        pooled(bh, () -> x.relu());
    }
}
