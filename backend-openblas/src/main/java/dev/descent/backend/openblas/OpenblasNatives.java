package dev.descent.backend.openblas;

import dev.descent.core.Threads;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.openblas.global.openblas_nolapack;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;

/**
 * Loads bytedeco's OpenBLAS once per JVM and configures it: the thread count from Descent's one setting
 * ({@link Threads}), applied with {@code openblas_set_num_threads}, and the kernels OpenBLAS chose for this CPU
 * (its {@code DYNAMIC_ARCH} build picks them when the library loads; {@link CoreType} may name them first). Then a
 * 1x1 {@code sgemm} and {@code dgemm} must compute {@code 2 x 3 = 6}. A failure becomes an
 * {@link OpenblasUnavailable} with the reason.
 */
final class OpenblasNatives {
    private static boolean attempted;
    private static String note;
    private static OpenblasUnavailable failure;

    private OpenblasNatives() {
    }

    /**
     * Loads and probes on the first call; later calls return the first call's outcome.
     *
     * @return a short note for {@code Backends.describe()}: the library, its kernels, the threads and why it is preferred
     * @throws OpenblasUnavailable why OpenBLAS cannot run here
     */
    static synchronized String load() throws OpenblasUnavailable {
        if (!attempted) {
            attempted = true;
            try {
                note = loadOnce();
            } catch (OpenblasUnavailable e) {
                failure = e;
            } catch (RuntimeException | LinkageError e) {
                failure = new OpenblasUnavailable("loading OpenBLAS (org.bytedeco:openblas) failed on "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ": " + e
                        + "; fix: add org.bytedeco:openblas and org.bytedeco:javacpp with this platform's classifier "
                        + "(" + Loader.Detector.getPlatform() + "), or use another backend (-Ddescent.backend=jblas)");
            }
        }
        if (failure != null) throw failure;
        return note;
    }

    private static String loadOnce() throws OpenblasUnavailable {
        Threads.Setting threads;
        try {
            threads = Threads.setting();
        } catch (IllegalArgumentException e) {
            throw new OpenblasUnavailable(e.getMessage());
        }
        String core = CoreType.apply();
        Loader.load(openblas_nolapack.class);
        Loader.load(openblas_full.class);
        openblas_full.openblas_set_num_threads(threads.count());
        float[] c = new float[1];
        openblas_nolapack.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1f, new float[] {2}, 1,
                new float[] {3}, 1, 0f, c, 1);
        double[] d = new double[1];
        openblas_nolapack.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0, new double[] {2}, 1,
                new double[] {3}, 1, 0.0, d, 1);
        if (c[0] != 6f || d[0] != 6.0) {
            throw new OpenblasUnavailable("OpenBLAS's cblas_sgemm/cblas_dgemm returned " + c[0] + " and " + d[0]
                    + " for 2 x 3 (expected 6)");
        }
        String version = openblas_full.openblas_get_config().getString().split(" ")[1];
        return "OpenBLAS " + version + " (current, thread-safe; preferred over jblas), kernels "
                + openblas_full.openblas_get_corename().getString() + " (" + core + "), "
                + openblas_full.openblas_get_num_threads() + " thread(s) (" + threads.source() + ")";
    }
}
