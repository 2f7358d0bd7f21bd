package dev.descent.backend.openblas;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenBLAS kernels to run, decided before the library loads: OpenBLAS 0.3.31 ({@code DYNAMIC_ARCH}) picks its
 * kernels for the CPU it finds when it loads, and reads {@code OPENBLAS_CORETYPE} from the environment to be told
 * otherwise. The property {@value #PROPERTY} says what to do: {@code auto} (the default), {@code off}, or a core name
 * such as {@code Haswell}.
 *
 * <p>{@code auto} keeps OpenBLAS's choice except where it was measured to be slower: on an AMD CPU with AVX2 and FMA
 * and without AVX-512, OpenBLAS picks {@code Zen}, whose single-threaded 1024x1024 {@code sgemm} ran 71 GFLOP/s
 * against 89 for {@code Haswell}; there it sets {@code Haswell}. On a CPU with AVX-512 it keeps OpenBLAS's choice
 * (on an AMD EPYC with AVX-512 it picks {@code Cooperlake}, AVX-512 kernels). A value in the user's environment
 * always wins, and so does {@code off}. The variable is set with {@code setenv} through JNA.
 */
final class CoreType {
    static final String PROPERTY = "descent.openblas.coretype";

    private CoreType() {
    }

    /** The core type to set (null: none) and why, for the availability note. */
    record Decision(String value, String why) {
    }

    static Decision decide(String property, Map<String, String> env, String vendor, List<String> flags) {
        String user = env.get("OPENBLAS_CORETYPE");
        if (user != null && !user.isBlank()) return new Decision(null, "OPENBLAS_CORETYPE=" + user + " set by the user");
        String p = property == null ? "auto" : property.strip();
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.equals("off") || lower.equals("false") || lower.equals("none")) {
            return new Decision(null, "chosen by OpenBLAS, -D" + PROPERTY + "=" + p);
        }
        if (!lower.isEmpty() && !lower.equals("auto")) return new Decision(p, "-D" + PROPERTY + "=" + p);
        if ("AuthenticAMD".equals(vendor) && flags.contains("avx2") && flags.contains("fma") && !flags.contains("avx512f")) {
            return new Decision("Haswell", "set for an AVX2 AMD CPU, where it is faster than OpenBLAS's Zen choice");
        }
        return new Decision(null, "chosen by OpenBLAS for this CPU");
    }

    /**
     * Decides and sets {@code OPENBLAS_CORETYPE}; must run before OpenBLAS loads. Best effort: without JNA or
     * {@code /proc/cpuinfo} nothing is set, and OpenBLAS chooses.
     *
     * @return why the kernels are the ones they are
     */
    static String apply() {
        String vendor = "";
        List<String> flags = List.of();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String value = line.substring(line.indexOf(':') + 1).strip();
                if (line.startsWith("vendor_id") && vendor.isEmpty()) vendor = value;
                if (line.startsWith("flags")) {
                    flags = List.of(value.split("\\s+"));
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: OpenBLAS chooses
        }
        Decision d = decide(System.getProperty(PROPERTY), System.getenv(), vendor, flags);
        if (d.value() == null) return d.why();
        try {
            // NOTE: setenv races a concurrent getenv in another thread; it runs once, while the backend loads
            if (Native.load("c", Libc.class).setenv("OPENBLAS_CORETYPE", d.value(), 0) == 0) {
                return d.value() + " " + d.why();
            }
            return "chosen by OpenBLAS (setenv OPENBLAS_CORETYPE=" + d.value() + " failed)";
        } catch (RuntimeException | LinkageError e) {
            return "chosen by OpenBLAS (JNA unavailable to set OPENBLAS_CORETYPE=" + d.value() + ": " + e + ")";
        }
    }

    /** The C library's {@code setenv}. */
    interface Libc extends Library {
        int setenv(String name, String value, int overwrite);
    }
}
