package dev.descent.backend.jblas;

import org.jblas.NativeBlas;

import java.util.Locale;

/**
 * Loads jBLAS's native library once per JVM, with what it needs first: the GNU Fortran runtime
 * ({@link FortranRuntime}). jBLAS's own messages go to {@link System.Logger} at DEBUG ({@link JblasLog}), and a
 * failure becomes a {@link JblasUnavailable} whose message names what is missing and the fix.
 */
final class JblasNatives {
    private static boolean attempted;
    private static String note;
    private static JblasUnavailable failure;

    private JblasNatives() {
    }

    /**
     * Loads the natives on the first call and checks {@code [2] x [3] = [6]} through {@code dgemm}; later calls
     * return the first call's outcome.
     *
     * @return a short note for {@code Backends.describe()}: the library, the platform and where libgfortran came from
     * @throws JblasUnavailable why jBLAS cannot run here and what fixes it
     */
    static synchronized String load() throws JblasUnavailable {
        if (!attempted) {
            attempted = true;
            try {
                note = loadOnce();
            } catch (JblasUnavailable e) {
                failure = e;
            } catch (RuntimeException | LinkageError e) {
                failure = new JblasUnavailable("loading jBLAS's native library failed: " + e);
            }
        }
        if (failure != null) throw failure;
        return note;
    }

    private static String loadOnce() throws JblasUnavailable {
        String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
        boolean linux = os != null && os.toLowerCase(Locale.ROOT).startsWith("linux");
        Libc libc = linux ? libc() : null;
        String settings = libc == null ? "" : settings(libc);
        String runtime = null;
        JblasUnavailable runtimeProblem = null;
        if (linux) {
            FortranRuntime.Mode mode = FortranRuntime.Mode.of(System.getProperty(FortranRuntime.PROPERTY));
            try {
                runtime = FortranRuntime.load(mode, libc, FortranRuntime.platform(os, arch),
                        JblasNatives.class.getClassLoader());
                JblasLog.LOG.log(System.Logger.Level.DEBUG, "libgfortran.so.5 for jBLAS: {0}", runtime);
            } catch (JblasUnavailable e) {
                if (mode != FortranRuntime.Mode.AUTO) throw e;
                runtimeProblem = e; // jBLAS still tries: its library for this platform may not need it
            }
        }
        JblasLog.Routed<Double> probe = JblasLog.routed(() -> {
            double[] c = new double[1];
            NativeBlas.dgemm('N', 'N', 1, 1, 1, 1.0, new double[] {2}, 0, 1, new double[] {3}, 0, 1, 0.0, c, 0, 1);
            return c[0];
        });
        if (probe.failure() != null) {
            String jblas = probe.errors().isEmpty() ? probe.failure().toString() : String.join("; ", probe.errors());
            if (runtimeProblem != null) throw new JblasUnavailable(runtimeProblem.getMessage() + " (jBLAS: " + jblas + ")");
            throw new JblasUnavailable("jBLAS's native library did not load on " + os + " " + arch + ": " + jblas
                    + "; fix: jBLAS 1.2.5 has native libraries for Linux (amd64, aarch64, ppc64le, i386), macOS x86_64 "
                    + "and Windows (amd64, x86, with MinGW's libgfortran); elsewhere use another backend "
                    + "(-Ddescent.backend=ejml)");
        }
        if (probe.value() != 6.0) {
            throw new JblasUnavailable("jBLAS's native dgemm returned " + probe.value() + " for 2 x 3 (expected 6.0)");
        }
        return "native BLAS (jBLAS 1.2.5, " + os + " " + arch
                + (runtime == null ? "" : "system".equals(runtime) ? "; system libgfortran" : "; bundled libgfortran")
                + (settings.isEmpty() ? "" : "; " + settings) + ")";
    }

    /** The speed settings, best effort: a C library without one of the calls costs speed, never the backend. */
    private static String settings(Libc libc) {
        try {
            return JblasSettings.apply(libc, System.getenv());
        } catch (RuntimeException | LinkageError e) {
            JblasLog.LOG.log(System.Logger.Level.DEBUG, "jBLAS settings skipped: {0}", e.toString());
            return "";
        }
    }

    /** The C library through JNA, or null (logged) when JNA's native part cannot load here. */
    private static Libc libc() {
        try {
            return Libc.load();
        } catch (RuntimeException | LinkageError e) {
            JblasLog.LOG.log(System.Logger.Level.DEBUG, "JNA unavailable, jBLAS's settings and the system "
                    + "libgfortran check are skipped: {0}", e.toString());
            return null;
        }
    }
}
