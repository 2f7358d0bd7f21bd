package dev.descent.backend.jblas;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import dev.descent.core.spi.Availability;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * What a JVM that uses the jBLAS backend ends up with, printed as {@code report.KEY=VALUE} lines; the child JVM
 * of {@link FreshMachineTest}. With the argument {@code conformance} it first runs {@link JblasConformanceTest}
 * through JUnit's launcher.
 */
public final class NativesReport {
    /** A 24 MiB block: above glibc's largest dynamic mmap threshold (32 MiB is its cap) only once raised, and below
     *  a thread arena's 64 MiB heap, so with the raised threshold it comes from the heap, and otherwise from mmap. */
    static final int BLOCK = 24 << 20;

    private NativesReport() {
    }

    /** glibc's {@code struct mallinfo}: hblkhd is the bytes in mmapped blocks, arena the bytes of heap. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class Mallinfo extends Structure implements Structure.ByValue {
        public int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    public interface Malloc extends Library {
        Mallinfo mallinfo();

        String getenv(String name);
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("conformance")) {
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(request().selectors(selectClass(JblasConformanceTest.class)).build(), listener);
            TestExecutionSummary summary = listener.getSummary();
            print("tests", summary.getTestsSucceededCount() + summary.getTestsFailedCount());
            print("failures", summary.getTotalFailureCount());
            summary.getFailures().forEach(f -> print("failure", f.getTestIdentifier().getDisplayName() + ": "
                    + f.getException()));
        }
        Availability a = new JblasProvider().availability();
        print("available", a.available());
        print("reason", a.reason());
        for (String path : mapped("libgfortran.so.5")) print("gfortran", path);
        Malloc libc = Native.load(Malloc.class);
        print("coretype", libc.getenv("OPENBLAS_CORETYPE"));
        Mallinfo before = libc.mallinfo();
        long block = Native.malloc(BLOCK);
        Mallinfo held = libc.mallinfo();
        Native.free(block);
        Mallinfo after = libc.mallinfo();
        print("mmappedGrowth", (long) held.hblkhd - before.hblkhd);
        print("heapGrowth", (long) held.arena - before.arena);
        print("heapReturned", (long) held.arena - after.arena);
        System.out.flush();
    }

    private static void print(String key, Object value) {
        System.out.println("report." + key + "=" + value);
    }

    /** The distinct files mapped into this process whose name contains {@code name}. */
    static Set<String> mapped(String name) {
        Set<String> paths = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.substring(slash).contains(name)) paths.add(line.substring(slash).strip());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reading /proc/self/maps: " + e, e);
        }
        return paths;
    }
}
