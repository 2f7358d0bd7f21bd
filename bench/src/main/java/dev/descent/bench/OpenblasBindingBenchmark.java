package dev.descent.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;
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

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * The storage decision of the OpenBLAS backend: one row-major {@code m x k . k x n} {@code cblas_sgemm} on one
 * OpenBLAS thread, three ways. {@code heapArrays}: JVM arrays handed to JavaCPP, which copies them per call;
 * {@code reusedBuffers}: JVM arrays copied into native buffers kept from call to call and the product copied back
 * (what the backend does); {@code nativeOnly}: operands already in native memory (what off-heap storage would
 * give, the library's own speed). GFLOP/s = {@code 2 m n k / time}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpenblasBindingBenchmark {
    /** {@code m x k x n}. */
    @Param({"32x2x16", "64x64x64", "128x128x128", "512x512x512", "1024x1024x1024", "256x784x512"})
    String shape;

    int m, k, n;
    float[] a, b, c;
    FloatPointer pa, pb, pc;

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        // Descent's one thread setting, as the backend follows it (1 when unset, as this comparison was first run).
        openblas_full.openblas_set_num_threads(Integer.getInteger("descent.threads", 1));
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) Math.sin(i);
        for (int i = 0; i < b.length; i++) b[i] = (float) Math.cos(i);
        pa = new FloatPointer(a.length).put(a);
        pb = new FloatPointer(b.length).put(b);
        pc = new FloatPointer(c.length);
    }

    @Benchmark
    public float[] heapArrays() {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, a, k, b, n, 0f, c, n);
        return c;
    }

    @Benchmark
    public float[] reusedBuffers() {
        pa.put(a, 0, a.length);
        pb.put(b, 0, b.length);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
        pc.get(c, 0, c.length);
        return c;
    }

    @Benchmark
    public FloatPointer nativeOnly() {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
        return pc;
    }
}
