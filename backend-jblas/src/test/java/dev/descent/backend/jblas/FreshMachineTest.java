package dev.descent.backend.jblas;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * jBLAS on a fresh machine, in child JVMs ({@link NativesReport}) whose system {@code libgfortran.so.5} cannot
 * load: the conformance suite passes with the runtime extracted from Maven into Descent's cache, and that is the
 * copy mapped into the process; without the bundled artifact the backend is unavailable, with a reason that names
 * the library and the fix; and the speed settings take effect, unless opted out or set by the user.
 *
 * <p>How the system copy is kept out, by what the machine allows:
 * <ul>
 *   <li>no system copy (as on a fresh machine): the child runs as is;</li>
 *   <li>a system copy and the right to make a private mount namespace (root): the child runs under
 *   {@code unshare -m} with {@code /dev/null} bind-mounted over every system copy, so loading it fails with
 *   "file too short";</li>
 *   <li>otherwise: the child runs with {@code -Ddescent.jblas.fortran=bundled}, which skips the system copy, and the
 *   test says so on stdout. The bundled copy, loaded first by path, is then the one jBLAS links against, which the
 *   maps check proves; only "the system copy cannot load" is not shown then.</li>
 * </ul>
 */
class FreshMachineTest {
    private static final long TIMEOUT_SECONDS = 180;
    private static List<String> wrapper;
    private static List<String> fallbackProperty;

    @TempDir
    Path dir;

    @BeforeAll
    static void keepTheSystemCopyOut() throws Exception {
        Set<Path> copies = systemCopies();
        wrapper = List.of();
        fallbackProperty = List.of();
        if (copies.isEmpty()) {
            System.out.println("FreshMachineTest: no system libgfortran.so.5 here; the child JVMs run as they are");
        } else if (canMask(copies)) {
            wrapper = masking(copies);
            System.out.println("FreshMachineTest: masking the system copies " + copies + " with unshare -m");
        } else {
            fallbackProperty = List.of("-D" + FortranRuntime.PROPERTY + "=bundled");
            System.out.println("FreshMachineTest: system copies " + copies + " cannot be masked here (no private mount "
                    + "namespace); the child JVMs skip them with -D" + FortranRuntime.PROPERTY + "=bundled instead");
        }
    }

    @Test
    void theConformanceSuitePassesWithTheBundledRuntimeFromDescentsCache() throws Exception {
        Path home = dir.resolve("home");
        Map<String, List<String>> r = child(classPath(), List.of("-Ddescent.home=" + home), Map.of("OPENBLAS_VERBOSE", "2"),
                "conformance");
        assertEquals(List.of("0"), r.get("failures"), () -> "conformance failures: " + r.get("failure"));
        assertTrue(Integer.parseInt(r.get("tests").get(0)) >= 5, () -> "too few conformance tests ran: " + r.get("tests"));
        assertEquals(List.of("true"), r.get("available"), () -> "reason: " + r.get("reason"));
        assertTrue(r.get("reason").get(0).contains("bundled libgfortran"), () -> "reason: " + r.get("reason"));
        List<String> mapped = r.getOrDefault("gfortran", List.of());
        assertFalse(mapped.isEmpty(), "no libgfortran.so.5 mapped into the child");
        Path cache = home.resolve("natives");
        for (String path : mapped) {
            assertTrue(Path.of(path).startsWith(cache), "libgfortran.so.5 mapped from " + path + ", not from " + cache);
        }
        try (var files = Files.list(Path.of(mapped.get(0)).getParent())) {
            assertEquals(Set.of("libgfortran.so.5", "libquadmath.so.0", "libgcc_s.so.1"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()), "cache holds the three, no temporaries");
        }
        // the settings, in the same child: OpenBLAS's own report of the core it chose, and glibc's of the block
        if (avx2AndFma()) {
            assertEquals(List.of("Haswell"), r.get("coretype"));
            assertTrue(r.get("output").get(0).contains("Core: Haswell"), "OPENBLAS_VERBOSE=2 output: " + r.get("output"));
        } else {
            assertEquals(List.of("null"), r.get("coretype"));
        }
        assertFromTheHeap(r);
    }

    @Test
    void withoutTheBundledArtifactTheSystemCopyIsOutOfReachAndTheReasonNamesTheFix() throws Exception {
        List<String> cp = classPath().stream().filter(e -> !e.contains("bytedeco")).toList();
        Map<String, List<String>> r = child(cp, List.of("-Ddescent.home=" + dir.resolve("home")), Map.of());
        assertEquals(List.of("false"), r.get("available"), "jBLAS loaded although neither copy should be reachable");
        String reason = r.get("reason").get(0);
        assertTrue(reason.startsWith("libgfortran.so.5 (GNU Fortran runtime, needed by jBLAS's native library)"), reason);
        assertTrue(reason.contains("fix: ") && reason.contains("org.bytedeco:openblas:0.3.31-1.5.13:linux-x86_64"), reason);
        assertFalse(r.get("output").get(0).contains("-- org.jblas"), "a jBLAS line reached stderr: " + r.get("output"));
    }

    @Test
    void optOutsLeaveTheCoreTypeAndGlibcAlone() throws Exception {
        Map<String, List<String>> r = child(classPath(), List.of("-Ddescent.home=" + dir.resolve("home"),
                "-D" + JblasSettings.CORETYPE_PROPERTY + "=off", "-D" + JblasSettings.MALLOC_PROPERTY + "=off"), Map.of());
        assertEquals(List.of("true"), r.get("available"), () -> "reason: " + r.get("reason"));
        assertEquals(List.of("null"), r.get("coretype"));
        assertFromMmap(r);
    }

    @Test
    void valuesTheUserSetWin() throws Exception {
        Map<String, List<String>> r = child(classPath(), List.of("-Ddescent.home=" + dir.resolve("home")),
                Map.of("OPENBLAS_CORETYPE", "Nehalem", "OPENBLAS_VERBOSE", "2", "MALLOC_MMAP_THRESHOLD_", "131072"));
        assertEquals(List.of("true"), r.get("available"), () -> "reason: " + r.get("reason"));
        assertEquals(List.of("Nehalem"), r.get("coretype"));
        assertTrue(r.get("output").get(0).contains("Core: Nehalem"), "OPENBLAS_VERBOSE=2 output: " + r.get("output"));
        assertFromMmap(r);
    }

    private static void assertFromTheHeap(Map<String, List<String>> r) {
        long mmapped = Long.parseLong(r.get("mmappedGrowth").get(0));
        long returned = Long.parseLong(r.get("heapReturned").get(0));
        assertTrue(mmapped < NativesReport.BLOCK / 2, "a 24 MiB malloc was mmapped (" + mmapped + " bytes): threshold not raised");
        assertTrue(returned < NativesReport.BLOCK / 2, "free returned " + returned + " bytes of heap: trim threshold not raised");
    }

    private static void assertFromMmap(Map<String, List<String>> r) {
        long mmapped = Long.parseLong(r.get("mmappedGrowth").get(0));
        // NOTE: the growth is a difference of process-wide counters, so a mapping another JVM thread frees meanwhile
        // lowers it a little; half a block, as in assertFromTheHeap, separates "mmapped" from "from the heap".
        assertTrue(mmapped >= NativesReport.BLOCK / 2, "a 24 MiB malloc came from the heap (mmapped " + mmapped + " bytes)");
    }

    /** Runs {@link NativesReport} in a child JVM; returns its report keys (and "output": everything it printed). */
    private Map<String, List<String>> child(List<String> classPath, List<String> properties, Map<String, String> env,
                                            String... args) throws IOException, InterruptedException {
        Path argFile = Files.createTempFile(dir, "args", ".txt");
        List<String> jvm = new ArrayList<>(List.of("-cp", String.join(File.pathSeparator, classPath)));
        jvm.addAll(properties);
        jvm.addAll(fallbackProperty);
        jvm.add(NativesReport.class.getName());
        jvm.addAll(Arrays.asList(args));
        Files.write(argFile, jvm.stream().map(a -> "\"" + a.replace("\\", "\\\\") + "\"").toList());
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + argFile);
        Path out = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeAll(List.of("OPENBLAS_CORETYPE", "OPENBLAS_VERBOSE", "MALLOC_MMAP_THRESHOLD_",
                "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES", "DESCENT_HOME"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("child JVM did not finish within " + TIMEOUT_SECONDS + " s: " + Files.readString(out));
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), () -> "child JVM failed: " + output);
        Map<String, List<String>> report = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("report.")) continue;
            int eq = line.indexOf('=');
            report.computeIfAbsent(line.substring("report.".length(), eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
        }
        report.put("output", List.of(output));
        return report;
    }

    /** The test class path, with surefire's manifest-only booter jar expanded to what it lists. */
    private static List<String> classPath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.contains("surefirebooter") && e.endsWith(".jar")) {
                try (JarFile jar = new JarFile(e)) {
                    String listed = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String url : listed.strip().split("\\s+")) entries.add(Path.of(URI.create(url)).toString());
                }
            } else {
                entries.add(e);
            }
        }
        return entries;
    }

    /** Every real file behind the system's libgfortran.so.5 (the loader's cache and the usual directories). */
    private static Set<Path> systemCopies() throws IOException, InterruptedException {
        Set<Path> names = new LinkedHashSet<>();
        try {
            Process ldconfig = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
            String listing = new String(ldconfig.getInputStream().readAllBytes());
            ldconfig.waitFor(30, TimeUnit.SECONDS);
            for (String line : listing.split("\n")) {
                if (line.contains("libgfortran.so.5") && line.contains("=> ")) names.add(Path.of(line.substring(line.indexOf("=> ") + 3).strip()));
            }
        } catch (IOException e) {
            // no ldconfig: the directories below
        }
        for (String d : List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                "/usr/local/lib")) {
            names.add(Path.of(d, "libgfortran.so.5"));
        }
        Set<Path> real = new LinkedHashSet<>();
        for (Path p : names) if (Files.exists(p)) real.add(p.toRealPath());
        return real;
    }

    /** {@code unshare -m sh -c 'mount --bind /dev/null COPY && ... && exec "$@"' sh}, to put before a command. */
    private static List<String> masking(Set<Path> copies) {
        String mounts = copies.stream().map(p -> "mount --bind /dev/null '" + p + "'").collect(Collectors.joining(" && "));
        return List.of("unshare", "-m", "sh", "-c", mounts + " && exec \"$@\"", "sh");
    }

    /** Whether the masking works here: it runs it once, in front of {@code true}. */
    private static boolean canMask(Set<Path> copies) {
        try {
            List<String> command = new ArrayList<>(masking(copies));
            command.add("true");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static boolean avx2AndFma() {
        List<String> flags = JblasSettings.cpuFlags();
        return flags.contains("avx2") && flags.contains("fma");
    }
}
