package dev.descent.bench;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Where EJML's multi-threaded GEMM starts to pay: square products of size n, single- versus multi-threaded.
 * The crossover sets {@code EjmlBackend.MT_THRESHOLD}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EjmlThreadingBenchmark {
    @Param({"16", "32", "48", "64", "96", "128", "256"})
    int n;

    DMatrixRMaj a, b, c;

    @Setup
    public void setup() {
        Random r = new Random(1);
        a = new DMatrixRMaj(n, n);
        b = new DMatrixRMaj(n, n);
        c = new DMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            a.data[i] = r.nextGaussian();
            b.data[i] = r.nextGaussian();
        }
    }

    @Benchmark
    public DMatrixRMaj single() {
        CommonOps_DDRM.mult(a, b, c);
        return c;
    }

    @Benchmark
    public DMatrixRMaj multi() {
        CommonOps_MT_DDRM.mult(a, b, c);
        return c;
    }
}
