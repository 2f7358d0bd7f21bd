package dev.descent.bench;

import dev.descent.core.DType;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;
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

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The GEMMs of one {@link TrainingStepBenchmark} step (or, with {@code network=cnn}, one {@link CnnStepBenchmark}
 * step) alone, through the backend's {@code gemm} on preallocated arrays: the floor a step's time is read against
 * (issue target: EJML's step at most 1.2x its GEMMs); the step's time over it is the GEMM share's inverse.
 *
 * <p>A {@code Linear(in, out)} layer stores its weight {@code (in, out)}; on a batch of {@code B} its step runs
 * the forward product {@code (B, in)·(in, out)}, the weight gradient {@code xᵀ·g} ({@code (in, out)} over
 * {@code k = B}) and, except for the first layer (its input needs no gradient), the input gradient
 * {@code g·Wᵀ} ({@code (B, in)} over {@code k = out}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StepGemmsBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32", "FLOAT64"})
    DType dtype;

    /** {@code mlp} and {@code tiny}: {@link TrainingStepBenchmark}'s networks; {@code cnn}: {@link CnnStepBenchmark}'s. */
    @Param({"mlp", "tiny", "cnn"})
    String network;

    /** One GEMM call: transposes, sizes and its operands, the backend's own storage. */
    record Call(boolean transA, boolean transB, int m, int n, int k, Storage a, Storage b, Storage c) {
    }

    Backend be;
    final List<Call> calls = new ArrayList<>();

    @Setup
    public void setup() {
        be = BenchMain.backend(backend);
        calls.clear();
        if (network.equals("cnn")) {
            cnnCalls();
            return;
        }
        int batch = network.equals("mlp") ? 256 : 32;
        int[] widths = network.equals("mlp") ? new int[] {784, 512, 256, 10} : new int[] {2, 16, 16, 1};
        calls.clear();
        for (int l = 0; l + 1 < widths.length; l++) {
            int in = widths[l], out = widths[l + 1];
            calls.add(call(false, false, batch, out, in));               // z = x·W
            calls.add(call(true, false, in, out, batch));                // dW = xᵀ·g
            if (l > 0) calls.add(call(false, true, batch, in, out));     // dx = g·Wᵀ
        }
    }

    /**
     * The GEMMs of one {@link CnnStepBenchmark} step (batch {@value CnnStepBenchmark#BATCH}), as core's convolution
     * lowering issues them: per image, a 3x3 convolution of {@code c} to {@code o} channels on {@code p} output
     * positions runs the forward {@code W·col} ({@code (o, p)} over {@code k = 9c}), the weight gradient
     * {@code g·colᵀ} ({@code (o, 9c)} over {@code k = p}) and, except for the first convolution (its input needs no
     * gradient), the columns' gradient {@code Wᵀ·g} ({@code (9c, p)} over {@code k = o}); then the two dense layers
     * as in the MLP (weights {@code (in, out)}).
     */
    private void cnnCalls() {
        int batch = CnnStepBenchmark.BATCH;
        int[][] convs = {{1, 32, 28 * 28}, {32, 64, 14 * 14}}; // in channels, out channels, output positions
        for (int l = 0; l < convs.length; l++) {
            int c = convs[l][0], o = convs[l][1], p = convs[l][2];
            for (int i = 0; i < batch; i++) {
                calls.add(call(false, false, o, p, 9 * c));             // y = W·col
                calls.add(call(false, true, o, 9 * c, p));              // dW += g·colᵀ
                if (l > 0) calls.add(call(true, false, 9 * c, p, o));   // dcol = Wᵀ·g
            }
        }
        int[] widths = {64 * 7 * 7, 128, 10};
        for (int l = 0; l + 1 < widths.length; l++) {
            int in = widths[l], out = widths[l + 1];
            calls.add(call(false, false, batch, out, in));               // z = x·W
            calls.add(call(true, false, in, out, batch));                // dW = xᵀ·g
            calls.add(call(false, true, batch, in, out));                // dx = g·Wᵀ
        }
    }

    private Call call(boolean ta, boolean tb, int m, int n, int k) {
        return new Call(ta, tb, m, n, k, filled(m * k), filled(k * n), be.allocate(dtype, m * n));
    }

    private Storage filled(int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) v[i] = ((i * 2654435761L) % 1000) / 1000.0 - 0.5;
        Storage s = be.allocate(dtype, size);
        if (dtype == DType.FLOAT64) {
            be.write(DoubleBuffer.wrap(v), s, 0);
        } else {
            float[] f = new float[size];
            for (int i = 0; i < size; i++) f[i] = (float) v[i];
            be.write(FloatBuffer.wrap(f), s, 0);
        }
        return s;
    }

    @Benchmark
    public Object gemms() {
        for (Call c : calls) be.gemm(c.transA, c.transB, c.m, c.n, c.k, 1, c.a, 0, c.b, 0, 0, c.c, 0);
        return calls.get(calls.size() - 1).c;
    }
}
