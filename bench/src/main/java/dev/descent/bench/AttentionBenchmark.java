package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.layers.MultiheadAttention;
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
 * Self-attention of a batch-first {@code (batch, length, embed)} input through {@link MultiheadAttention} with
 * {@code heads} heads: the forward pass with its weights, and the forward and backward pass of the sum of its
 * output (every parameter's and the input's gradient). Beside it, the batched products attention is made of, on
 * their own: {@code (batch·heads, length, d) @ (batch·heads, length, d)^T} with {@code d = embed / heads}, which the
 * matrix product runs as one small GEMM per sample and head.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AttentionBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32"})
    DType dtype;

    @Param({"32"})
    int batch;

    @Param({"32"})
    int length;

    @Param({"64"})
    int embed;

    @Param({"4"})
    int heads;

    MultiheadAttention mha;
    Tensor x, q, k;

    @Setup
    public void setup() {
        var f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        mha = new MultiheadAttention(f, embed, heads, 0.0, true, false, false, embed, embed, true, rng);
        x = f.uniform(rng, -1, 1, batch, length, embed);
        q = f.uniform(rng, -1, 1, batch * heads, length, embed / heads);
        k = f.uniform(rng, -1, 1, batch * heads, length, embed / heads);
    }

    @Benchmark
    public Variable forward() {
        Variable in = Variable.constant(x);
        return mha.forward(in, in, in).output();
    }

    @Benchmark
    public Tensor forwardBackward() {
        mha.zeroGrad();
        Variable in = Variable.parameter(x);
        mha.forward(in, in, in, null, false, null, true, false).output().sum().backward();
        return in.grad();
    }

    @Benchmark
    public Tensor batchedScores() {
        return q.matmul(k, false, true);
    }
}
