package dev.descent.bench;

import dev.descent.backend.ejml.EjmlBackend;
import dev.descent.backend.jblas.JblasBackend;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.jblas.NativeBlas;
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
 * Descent's {@code matmul} next to the raw library call on the same arrays, so the framework's overhead is a
 * ratio. Shapes {@code "n"} are square {@code n x n · n x n}; {@code "256x784x512"} is {@code (256, 784)·(784, 512)}.
 * GFLOP/s = {@code 2 m n k / time}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatmulBenchmark {
    /** A backend by name; {@link BenchMain} sets it to every backend found unless {@code -p backend=...} names some. */
    @Param({"default"})
    String backend;

    @Param({"FLOAT32", "FLOAT64"})
    DType dtype;

    @Param({"4", "16", "64", "128", "256", "512", "1024", "256x784x512"})
    String shape;

    int m, n, k;
    Tensor a, b;
    Backend be;
    double[] ad, bd, cd;
    float[] af, bf, cf;
    DMatrixRMaj da, db, dc;
    FMatrixRMaj fa, fb, fc;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = p.length > 1 ? Integer.parseInt(p[1]) : m;
        n = p.length > 1 ? Integer.parseInt(p[2]) : m;
        be = BenchMain.backend(backend);
        Rng rng = new Rng(1);
        a = Tensor.on(be, dtype).normal(rng, 0, 1, m, k);
        b = Tensor.on(be, dtype).normal(rng, 0, 1, k, n);
        out = Tensor.on(be, dtype).zeros(m, n);
        // The raw call runs on arrays of its own holding the same values (the tensors' storage is the backend's).
        if (dtype == DType.FLOAT64) {
            ad = a.toDoubleArray();
            bd = b.toDoubleArray();
            cd = new double[m * n];
            da = DMatrixRMaj.wrap(m, k, ad);
            db = DMatrixRMaj.wrap(k, n, bd);
            dc = DMatrixRMaj.wrap(m, n, cd);
        } else {
            af = a.toFloatArray();
            bf = b.toFloatArray();
            cf = new float[m * n];
            fa = FMatrixRMaj.wrap(m, k, af);
            fb = FMatrixRMaj.wrap(k, n, bf);
            fc = FMatrixRMaj.wrap(m, n, cf);
        }
    }

    Tensor out;

    @Benchmark
    public Tensor descent() {
        return a.matmul(b);
    }

    /** Into an existing output ({@code InPlace.matmul}): the framework's own overhead without the new array. */
    @Benchmark
    public Tensor descentInto() {
        InPlace.matmul(a, b, false, false, out);
        return out;
    }

    /** The library call the backend makes, on the same arrays (EJML's multi-threaded kernel from 80^3 up). */
    @Benchmark
    public Object raw() {
        // As EjmlBackend: multi-threaded from 80^3 when it may use more than one thread.
        boolean mt = (long) m * n * k >= 80L * 80 * 80
                && Integer.getInteger("descent.ejml.threads", Runtime.getRuntime().availableProcessors()) > 1;
        if (be instanceof JblasBackend) {
            if (dtype == DType.FLOAT64) NativeBlas.dgemm('N', 'N', n, m, k, 1.0, bd, 0, n, ad, 0, k, 0.0, cd, 0, n);
            else NativeBlas.sgemm('N', 'N', n, m, k, 1.0f, bf, 0, n, af, 0, k, 0.0f, cf, 0, n);
        } else if (!(be instanceof EjmlBackend)) {
            throw new IllegalStateException("MatmulBenchmark.raw: no raw library call for backend " + be.name());
        } else if (dtype == DType.FLOAT64) {
            if (mt) CommonOps_MT_DDRM.mult(da, db, dc);
            else CommonOps_DDRM.mult(da, db, dc);
        } else {
            if (mt) CommonOps_MT_FDRM.mult(fa, fb, fc);
            else CommonOps_FDRM.mult(fa, fb, fc);
        }
        return dtype == DType.FLOAT64 ? cd : cf;
    }
}
