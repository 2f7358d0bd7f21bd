package dev.descent.backend.jblas;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BackendProvider;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Registers {@link JblasBackend} as {@code "jblas"}, priority 20 (preferred over EJML when it works).
 *
 * <p>Availability is probed for real, once: load jBLAS's native library and run a 1x1 {@code dgemm}, inside a
 * catch of {@code Throwable}. A missing library (for example {@code libgfortran.so.5}) makes the backend
 * unavailable with the loader's message as the reason, instead of an {@code UnsatisfiedLinkError} later.
 */
public final class JblasProvider implements BackendProvider {
    private final Callable<String> probe;
    private volatile Availability availability;

    /** The provider ServiceLoader creates: probes the real native library. */
    public JblasProvider() {
        this(JblasProvider::nativeProbe);
    }

    /** A provider with another probe (for tests): it returns a note when the backend works and throws when not. */
    JblasProvider(Callable<String> probe) {
        this.probe = probe;
    }

    @Override
    public String name() {
        return "jblas";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            synchronized (this) {
                a = availability;
                if (a == null) {
                    try {
                        a = Availability.yes(probe.call());
                    } catch (Throwable t) {
                        a = Availability.failed(t);
                    }
                    availability = a;
                }
            }
        }
        return a;
    }

    @Override
    public Backend create() {
        Availability a = availability();
        if (!a.available()) throw new IllegalStateException("jblas backend is unavailable: " + a.reason());
        return new JblasBackend();
    }

    /** Loads the natives and checks {@code [2] x [3] = [6]} through {@code dgemm}. */
    private static String nativeProbe() {
        // jBLAS logs every temporary file it deletes at INFO; keep warnings and errors only.
        org.jblas.util.Logger.getLogger().setLevel(org.jblas.util.Logger.WARNING);
        double[] c = new double[1];
        org.jblas.NativeBlas.dgemm('N', 'N', 1, 1, 1, 1.0, new double[] {2}, 0, 1, new double[] {3}, 0, 1, 0.0, c, 0, 1);
        if (c[0] != 6.0) throw new IllegalStateException("native dgemm probe returned " + c[0] + " for 2 x 3");
        return "native BLAS (jBLAS 1.2.5, " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"
                + mallocAdvice(System.getProperty("os.name"), System.getenv());
    }

    /**
     * Advice appended to the availability note on Linux when glibc's malloc thresholds are left at their defaults.
     *
     * <p>NOTE: jBLAS copies each array into a {@code malloc}'d buffer around every BLAS call. With glibc's defaults
     * a buffer above 128 KiB is handed back to the operating system when freed, so every GEMM page-faults its
     * buffers in again: 512² sgemm runs at 25 instead of 97 GFLOP/s here (bench/README.md). Raising
     * {@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TRIM_THRESHOLD_} keeps the buffers; glibc reads them when the
     * process starts, so they can only be set before the JVM starts, as the {@code descent} launcher does.
     */
    static String mallocAdvice(String osName, Map<String, String> env) {
        if (osName == null || !osName.startsWith("Linux")) return "";
        boolean tuned = env.containsKey("MALLOC_MMAP_THRESHOLD_") && env.containsKey("MALLOC_TRIM_THRESHOLD_")
                || env.getOrDefault("GLIBC_TUNABLES", "").contains("glibc.malloc.mmap_threshold");
        return tuned ? "" : "; for several times faster GEMM, export " + MALLOC_SETTINGS + " before starting Java";
    }

    /** The glibc settings that keep jBLAS's copy buffers between calls (the launcher sets the same). */
    static final String MALLOC_SETTINGS = "MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824";
}
