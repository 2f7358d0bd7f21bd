package dev.descent.backend.jblas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The process settings that make jBLAS fast, made from inside the JVM before jBLAS's native library loads, so that
 * any program using the backend gets them without environment variables.
 *
 * <ul>
 *   <li><b>Core type</b> ({@code -Ddescent.jblas.coretype}: {@code auto}, the default; {@code off}; or an OpenBLAS
 *   core name such as {@code SkylakeX}). jBLAS 1.2.5's OpenBLAS (2020) does not recognise newer CPUs and falls back
 *   to old kernels; on a CPU with AVX2 and FMA, {@code auto} sets {@code OPENBLAS_CORETYPE=Haswell} (its AVX2
 *   kernels) with {@code setenv}, which OpenBLAS reads when its library loads. It never picks {@code SkylakeX}:
 *   those kernels crash on a CPU without AVX-512.</li>
 *   <li><b>malloc thresholds</b> ({@code -Ddescent.jblas.malloc}: {@code on}, the default, or {@code off}). jBLAS
 *   copies every array into a {@code malloc}'d buffer around each BLAS call; with glibc's default thresholds a
 *   large buffer is handed back to the operating system when freed and faulted in again on the next call.
 *   {@code mallopt(M_MMAP_THRESHOLD, 1 GiB)} and {@code mallopt(M_TRIM_THRESHOLD, 1 GiB)} keep them, like
 *   {@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TRIM_THRESHOLD_} at process start. The cost: the process keeps
 *   up to its largest GEMM's buffers after use.</li>
 *   <li><b>Threads</b>: {@code OPENBLAS_NUM_THREADS} set with {@code setenv} to Descent's one thread setting
 *   ({@code descent.threads} / {@code DESCENT_THREADS}, default the available processors), which jBLAS's OpenBLAS
 *   reads when its library loads. Its calls are serialised (see {@code JblasBackend}), so this is the threads of one
 *   product.</li>
 * </ul>
 *
 * <p>A value the user set always wins: {@code OPENBLAS_CORETYPE} in the environment, and for each threshold its
 * {@code MALLOC_*_} variable or a {@code GLIBC_TUNABLES} entry, and {@code OPENBLAS_NUM_THREADS},
 * {@code GOTO_NUM_THREADS} or {@code OMP_NUM_THREADS} for the threads. Each decision is logged at DEBUG.
 */
final class JblasSettings {
    static final String CORETYPE_PROPERTY = "descent.jblas.coretype";
    static final String MALLOC_PROPERTY = "descent.jblas.malloc";
    static final int THRESHOLD = 1 << 30;

    private JblasSettings() {
    }

    /** One decision: the value to set (null: set nothing) and why, for the log and the availability note. */
    record Decision(String value, String why) {
    }

    /** The core type to set, from the property, the environment and the CPU's flags ({@code /proc/cpuinfo}). */
    static Decision coreType(String property, Map<String, String> env, List<String> cpuFlags) {
        String user = env.get("OPENBLAS_CORETYPE");
        if (user != null && !user.isBlank()) return new Decision(null, "OPENBLAS_CORETYPE=" + user + " (set by the user)");
        String p = property == null ? "auto" : property.strip();
        if (isOff(p)) return new Decision(null, "core type left to OpenBLAS (-D" + CORETYPE_PROPERTY + "=" + p + ")");
        if (!p.isEmpty() && !p.equalsIgnoreCase("auto")) {
            return new Decision(p, "OPENBLAS_CORETYPE=" + p + " (-D" + CORETYPE_PROPERTY + ")");
        }
        if (cpuFlags.contains("avx2") && cpuFlags.contains("fma")) {
            return new Decision("Haswell", "OPENBLAS_CORETYPE=Haswell (AVX2 and FMA CPU)");
        }
        return new Decision(null, "core type left to OpenBLAS (no AVX2 and FMA)");
    }

    /** The thread count to set for jBLAS's OpenBLAS, unless the environment already names one. */
    static Decision threads(Map<String, String> env, int count) {
        for (String v : new String[] {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"}) {
            String user = env.get(v);
            if (user != null && !user.isBlank()) return new Decision(null, v + "=" + user + " (set by the user)");
        }
        return new Decision(Integer.toString(count), "OPENBLAS_NUM_THREADS=" + count + " (descent.threads)");
    }

    /**
     * Whether to raise glibc's threshold named {@code variable} ({@code MALLOC_MMAP_THRESHOLD_} or
     * {@code MALLOC_TRIM_THRESHOLD_}; {@code tunable} is its {@code GLIBC_TUNABLES} name).
     */
    static Decision mallocThreshold(String property, Map<String, String> env, String variable, String tunable) {
        if (env.containsKey(variable)) return new Decision(null, variable + "=" + env.get(variable) + " (set by the user)");
        String tunables = env.getOrDefault("GLIBC_TUNABLES", "");
        if (tunables.contains(tunable)) return new Decision(null, tunable + " in GLIBC_TUNABLES (set by the user)");
        String p = property == null ? "on" : property.strip();
        if (isOff(p)) return new Decision(null, variable + " left at glibc's default (-D" + MALLOC_PROPERTY + "=" + p + ")");
        return new Decision(Integer.toString(THRESHOLD), variable + "=" + THRESHOLD + " (mallopt)");
    }

    private static boolean isOff(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return v.equals("off") || v.equals("false") || v.equals("none");
    }

    /**
     * Makes the settings through {@code libc}. Must run before jBLAS's library loads; after that the core type would
     * have no effect, and it is not set.
     *
     * @return a short description for the availability note (empty when nothing was set)
     */
    static String apply(Libc libc, Map<String, String> env) {
        List<String> made = new ArrayList<>();
        Decision core = coreType(System.getProperty(CORETYPE_PROPERTY), env, cpuFlags());
        if (core.value() != null && jblasLoaded()) {
            core = new Decision(null, "OPENBLAS_CORETYPE not set: jBLAS's library was loaded before this backend");
        }
        // NOTE: setenv is not safe against a concurrent getenv in another thread; it runs once, while the backend
        // loads, before the library that reads it exists in the process
        if (core.value() != null && libc.setenv("OPENBLAS_CORETYPE", core.value(), 0) == 0) made.add("core " + core.value());
        log(core);
        Decision threads = threads(env, dev.descent.core.Threads.count());
        if (threads.value() != null && jblasLoaded()) {
            threads = new Decision(null, "OPENBLAS_NUM_THREADS not set: jBLAS's library was loaded before this backend");
        }
        if (threads.value() != null && libc.setenv("OPENBLAS_NUM_THREADS", threads.value(), 0) == 0) {
            made.add(threads.value() + " thread(s)");
        }
        log(threads);
        String malloc = System.getProperty(MALLOC_PROPERTY);
        Decision mmap = mallocThreshold(malloc, env, "MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold");
        Decision trim = mallocThreshold(malloc, env, "MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold");
        boolean mmapSet = mmap.value() != null && mallopt(libc, Libc.M_MMAP_THRESHOLD, mmap);
        boolean trimSet = trim.value() != null && mallopt(libc, Libc.M_TRIM_THRESHOLD, trim);
        if (mmapSet || trimSet) {
            made.add(mmapSet && trimSet ? "malloc thresholds 1 GiB" : mmapSet ? "malloc mmap threshold 1 GiB"
                    : "malloc trim threshold 1 GiB");
        }
        return String.join(", ", made);
    }

    private static boolean mallopt(Libc libc, int parameter, Decision d) {
        boolean ok = libc.mallopt(parameter, THRESHOLD) == 1;
        log(ok ? d : new Decision(null, d.why() + " refused by mallopt"));
        return ok;
    }

    private static void log(Decision d) {
        JblasLog.LOG.log(System.Logger.Level.DEBUG, "jBLAS setting: {0}", d.why());
    }

    /** The CPU's flags from {@code /proc/cpuinfo} (empty when it cannot be read). */
    static List<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return List.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+"));
            }
        } catch (IOException | RuntimeException e) {
            // no flags: auto sets no core type
        }
        return List.of();
    }

    /** Whether jBLAS's native library is already mapped into this process ({@code /proc/self/maps}). */
    private static boolean jblasLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libjblas");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
