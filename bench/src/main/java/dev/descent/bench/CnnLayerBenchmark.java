package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.layers.BatchNorm2d;
import dev.descent.nn.layers.MaxPool2d;
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
 * The layers of {@link CnnStepBenchmark}'s CNN between its convolutions, one at a time, forward and backward on a
 * batch of 64 (training mode): {@code bn1}, {@code relu1}, {@code pool1} on the first convolution's output
 * {@code (64, 32, 28, 28)}, {@code bn2}, {@code relu2}, {@code pool2} on the second's {@code (64, 64, 14, 14)}. With
 * {@link ConvBenchmark} and {@code StepGemmsBenchmark} it splits the CNN step's time by layer. PyTorch's side is in
 * {@code bench/compare/torch_bench.py} under {@code cnnlayer/LAYER/FLOAT32}.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar CnnLayerBenchmark -p backend=openblas -p pool=on,off -jvmArgsAppend -Ddescent.threads=1
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CnnLayerBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32"})
    DType dtype;

    @Param({"bn1", "relu1", "pool1", "bn2", "relu2", "pool2"})
    String layer;

    /**
     * {@code on}: each forward and backward runs in a scope of one {@link BufferPool}, as in a training step
     * ({@link CnnStepBenchmark}'s default); {@code off}: every tensor allocated fresh.
     */
    @Param({"on"})
    String pool;

    static final int BATCH = 64;

    BufferPool buffers;

    Module module;
    Variable x;
    Tensor gradOutput;

    @Setup
    public void setup() {
        buffers = pool.equals("on") ? new BufferPool() : null;
        TensorFactory f = Tensor.on(BenchMain.backend(backend), dtype);
        Rng rng = new Rng(1);
        boolean first = layer.endsWith("1");
        int channels = first ? 32 : 64, size = first ? 28 : 14;
        module = switch (layer.substring(0, layer.length() - 1)) {
            case "bn" -> new BatchNorm2d(f, channels, 1e-5, 0.1, true, true);
            case "relu" -> new ReLU();
            case "pool" -> new MaxPool2d(2);
            default -> throw new IllegalArgumentException("CnnLayerBenchmark: unknown layer " + layer);
        };
        x = Variable.parameter(f.normal(rng, 0, 1, BATCH, channels, size, size));
        Tensor y = module.apply(x).value();
        gradOutput = f.normal(rng, 0, 1, y.shape().dims());
    }

    @Benchmark
    public Tensor forwardBackward() {
        try (BufferPool.Scope scope = buffers == null ? null : buffers.open()) {
            x.zeroGrad();
            for (Variable p : module.parameters()) p.zeroGrad();
            module.apply(x).backward(gradOutput);
            return x.grad(); // a leaf's gradient is held across scopes
        }
    }
}
