package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
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
 * One convolution of the Fashion-MNIST CNN ({@link CnnStepBenchmark}), batch 64, forward and backward (input,
 * weight and bias gradients): a 3x3 padding-1 convolution with bias, {@code conv1} 1 -> 32 channels on 28x28,
 * {@code conv2} 32 -> 64 on 14x14. PyTorch's side is in {@code bench/compare/torch_bench.py}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConvBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32"})
    DType dtype;

    @Param({"conv1", "conv2"})
    String layer;

    static final int BATCH = 64;

    Variable x, weight, bias;
    Tensor gradOutput;
    final Convolution.Options options = Convolution.Options.of(1, 1, 1, 1);

    @Setup
    public void setup() {
        TensorFactory f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        int in = layer.equals("conv1") ? 1 : 32, out = layer.equals("conv1") ? 32 : 64;
        int size = layer.equals("conv1") ? 28 : 14;
        x = Variable.parameter(f.normal(rng, 0, 1, BATCH, in, size, size));
        weight = Variable.parameter(f.normal(rng, 0, 0.1, out, in, 3, 3));
        bias = Variable.parameter(f.zeros(out));
        gradOutput = f.normal(rng, 0, 1, BATCH, out, size, size);
    }

    @Benchmark
    public Tensor convForwardBackward() {
        x.zeroGrad();
        weight.zeroGrad();
        bias.zeroGrad();
        x.conv2d(weight, bias, options).backward(gradOutput);
        return weight.grad();
    }
}
