package dev.descent.backend.jblas;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FortranRuntimeTest {
    private static final ClassLoader EMPTY = new URLClassLoader(new URL[0], null);

    @Test
    void bytedecosPlatformNames() {
        assertEquals("linux-x86_64", FortranRuntime.platform("Linux", "amd64"));
        assertEquals("linux-arm64", FortranRuntime.platform("Linux", "aarch64"));
        assertNull(FortranRuntime.platform("Linux", "ppc64le"));
        assertNull(FortranRuntime.platform("Mac OS X", "x86_64"));
        assertEquals("0.3.31-1.5.13", FortranRuntime.BUILT_WITH);
    }

    @Test
    void withoutTheBundledJarTheReasonNamesTheLibraryTheArtifactAndTheFix() {
        JblasUnavailable e = assertThrows(JblasUnavailable.class,
                () -> FortranRuntime.load(FortranRuntime.Mode.AUTO, null, "linux-x86_64", EMPTY));
        assertEquals("libgfortran.so.5 (GNU Fortran runtime, needed by jBLAS's native library) is missing: no system "
                + "copy loaded (not tried: JNA unavailable) and no bundled copy is on the class path "
                + "(org.bytedeco:openblas:0.3.31-1.5.13:linux-x86_64); fix: install the system's GNU Fortran runtime "
                + "(Debian/Ubuntu: apt-get install libgfortran5) or add org.bytedeco:openblas:0.3.31-1.5.13:linux-x86_64 "
                + "to the class path, or use another backend (-Ddescent.backend=ejml)", e.getMessage());
    }

    @Test
    void onAnotherArchitectureTheReasonSaysSo() {
        String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
        JblasUnavailable e = assertThrows(JblasUnavailable.class,
                () -> FortranRuntime.load(FortranRuntime.Mode.AUTO, null, null, EMPTY));
        assertTrue(e.getMessage().contains("no bundled copy is on the class path for " + os + " " + arch + "; fix: install "
                + "the system's GNU Fortran runtime (Debian/Ubuntu: apt-get install libgfortran5), or use another backend"),
                e.getMessage());
    }

    @Test
    void theModeProperty() {
        assertEquals(FortranRuntime.Mode.AUTO, FortranRuntime.Mode.of(null));
        assertEquals(FortranRuntime.Mode.BUNDLED, FortranRuntime.Mode.of(" bundled"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FortranRuntime.Mode.of("both"));
        assertEquals("-Ddescent.jblas.fortran: expected auto, bundled or system, got 'both'", e.getMessage());
        JblasUnavailable system = assertThrows(JblasUnavailable.class,
                () -> FortranRuntime.load(FortranRuntime.Mode.SYSTEM, null, "linux-x86_64", EMPTY));
        assertTrue(system.getMessage().contains("-Ddescent.jblas.fortran=system excludes the bundled copy"), system.getMessage());
    }
}
