package dev.descent.backend.jblas;

import com.sun.jna.Pointer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * The GNU Fortran runtime ({@code libgfortran.so.5} and the {@code libquadmath.so.0} and {@code libgcc_s.so.1} it
 * needs) that jBLAS 1.2.5's Linux library links against, loaded before jBLAS's own library.
 *
 * <p>A working system copy is used when there is one ({@code dlopen("libgfortran.so.5")} succeeds; with
 * {@code -Ddescent.jblas.fortran=bundled} it is not tried, with {@code =system} nothing else is). Otherwise the
 * copies in {@code org.bytedeco:openblas}'s platform jar (a dependency of this module) are extracted once per
 * version into {@link NativeCache} and loaded by full path, {@code libquadmath} first. A library loaded by path
 * satisfies a later library's {@code NEEDED} entry for its soname, so jBLAS's {@code libjblas.so} then links.
 *
 * <p>NOTE: jBLAS's jar carries {@code libgfortran-4.so}, whose soname is {@code libgfortran.so.4}: it cannot
 * satisfy {@code libjblas.so}'s {@code NEEDED libgfortran.so.5}, which is why the runtime comes from elsewhere.
 */
final class FortranRuntime {
    static final String LIBGFORTRAN = "libgfortran.so.5";
    /** {@code auto} (the default: the system's copy when it loads, else the bundled one), {@code bundled} or {@code system}. */
    static final String PROPERTY = "descent.jblas.fortran";
    static final String ARTIFACT = "org.bytedeco:openblas";
    private static final String ROOT = "org/bytedeco/openblas/";
    private static final String POM = "META-INF/maven/org.bytedeco/openblas/pom.properties";
    /** The version of {@link #ARTIFACT} this module depends on (from its pom, through a filtered resource). */
    static final String BUILT_WITH = builtWith();

    private FortranRuntime() {
    }

    /** Which copy of the runtime to use ({@value #PROPERTY}). */
    enum Mode {
        AUTO, BUNDLED, SYSTEM;

        static Mode of(String property) {
            if (property == null || property.isBlank()) return AUTO;
            try {
                return valueOf(property.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + ": expected auto, bundled or system, got '"
                        + property + "'");
            }
        }
    }

    /** bytedeco's platform name for a JVM's {@code os.name}/{@code os.arch}, or null when it has none for Linux. */
    static String platform(String osName, String osArch) {
        if (osName == null || !osName.toLowerCase(Locale.ROOT).startsWith("linux") || osArch == null) return null;
        return switch (osArch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-arm64";
            default -> null;
        };
    }

    /**
     * Makes {@code libgfortran.so.5} loadable for jBLAS and says where it came from ({@code "system"} or the cache
     * directory).
     *
     * @param libc the C library through JNA, or null when JNA cannot load (then the system copy is not tried)
     * @throws JblasUnavailable naming the missing library and the fix
     */
    static String load(Mode mode, Libc libc, String platform, ClassLoader loader) throws JblasUnavailable {
        String systemError = mode == Mode.BUNDLED ? "not tried: -D" + PROPERTY + "=bundled"
                : "not tried: JNA unavailable";
        if (libc != null && mode != Mode.BUNDLED) {
            systemError = systemError(libc);
            if (systemError == null) return "system";
        }
        if (mode == Mode.SYSTEM) {
            throw new JblasUnavailable(LIBGFORTRAN + " (GNU Fortran runtime, needed by jBLAS's native library) did not "
                    + "load from the system (" + systemError + ") and -D" + PROPERTY + "=system excludes the bundled "
                    + "copy; fix: install it (Debian/Ubuntu: apt-get install libgfortran5) or drop the property");
        }
        String artifact = ARTIFACT + ":" + BUILT_WITH + ":" + platform;
        URL gfortran = platform == null ? null : loader.getResource(ROOT + platform + "/" + LIBGFORTRAN);
        if (gfortran == null) {
            throw new JblasUnavailable(LIBGFORTRAN + " (GNU Fortran runtime, needed by jBLAS's native library) is "
                    + "missing: no system copy loaded (" + systemError + ") and no bundled copy is on the class path"
                    + (platform == null ? " for " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    : " (" + artifact + ")")
                    + "; fix: install the system's GNU Fortran runtime (Debian/Ubuntu: apt-get install libgfortran5)"
                    + (platform == null ? "" : " or add " + artifact + " to the class path")
                    + ", or use another backend (-Ddescent.backend=ejml)");
        }
        String version = version(gfortran);
        NativeCache cache = NativeCache.forArtifact("openblas-" + version + "-" + platform);
        String step = "extracting";
        try {
            Path quadmath = cache.extract(sibling(gfortran, "libquadmath.so.0"), "libquadmath.so.0");
            Path gcc = cache.extract(sibling(gfortran, "libgcc_s.so.1"), "libgcc_s.so.1");
            Path fortran = cache.extract(gfortran, LIBGFORTRAN);
            step = "loading";
            // NOTE: the system's libgcc_s is kept when it loads: a second copy under the same soname is never needed
            if (libc == null || dlopen(libc, "libgcc_s.so.1") == null) System.load(gcc.toString());
            System.load(quadmath.toString());
            System.load(fortran.toString());
            return cache.directory().toString();
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            throw new JblasUnavailable(LIBGFORTRAN + " (GNU Fortran runtime, needed by jBLAS's native library): "
                    + "no system copy loaded (" + systemError + ") and " + step + " the bundled copy from "
                    + ARTIFACT + ":" + version + ":" + platform + " into " + cache.directory() + " failed: " + e
                    + "; fix: make " + NativeCache.home() + " writable (or set DESCENT_HOME), or install the system's "
                    + "GNU Fortran runtime (Debian/Ubuntu: apt-get install libgfortran5)");
        }
    }

    private static String builtWith() {
        try (InputStream in = FortranRuntime.class.getResourceAsStream("natives.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("bytedeco.openblas.version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Null when the system's {@code libgfortran.so.5} loads, else dlerror's text for the failed {@code dlopen}.
     *
     * <p>NOTE: any {@code dlsym} between {@code dlopen} and {@code dlerror} replaces or frees the message, and the JVM
     * makes such calls while JNA's first calls of a function load and link classes (measured: the first pair gives
     * no message, the second unreadable bytes, the third the message). So the pair is repeated, a few times at
     * most, until the message is printable text.
     */
    private static String systemError(Libc libc) {
        for (int attempt = 0; attempt < 4; attempt++) {
            if (dlopen(libc, LIBGFORTRAN) != null) return null;
            String message = libc.dlerror();
            if (message != null && !message.isEmpty() && message.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                return message;
            }
        }
        return "dlopen failed";
    }

    private static Pointer dlopen(Libc libc, String soname) {
        return libc.dlopen(soname, Libc.RTLD_NOW | Libc.RTLD_GLOBAL);
    }

    private static URL sibling(URL library, String name) throws IOException {
        String s = library.toString();
        return new URL(s.substring(0, s.lastIndexOf('/') + 1) + name);
    }

    /** The artifact version from the pom.properties of the jar that holds {@code library}, or "unknown". */
    private static String version(URL library) {
        String s = library.toString();
        int root = s.lastIndexOf(ROOT);
        try (InputStream in = new URL(s.substring(0, root) + POM).openStream()) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
