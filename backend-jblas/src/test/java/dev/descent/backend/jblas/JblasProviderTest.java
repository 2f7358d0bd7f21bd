package dev.descent.backend.jblas;

import dev.descent.core.Backends;
import dev.descent.core.spi.Availability;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JblasProviderTest {

    @Test
    void theRealProbeLoadsTheNativesAndRunsADgemm() {
        Availability a = new JblasProvider().availability();
        assertTrue(a.available(), () -> "jBLAS should load here, with the bundled Fortran runtime if need be: " + a.reason());
        assertTrue(a.reason().startsWith("native BLAS"));
    }

    @Test
    void aProbeThatFailsMakesTheBackendUnavailableWithTheLoadersReason() {
        AtomicInteger calls = new AtomicInteger();
        JblasProvider broken = new JblasProvider(() -> {
            calls.incrementAndGet();
            throw new UnsatisfiedLinkError("/tmp/jblas123/libjblas.so: libgfortran.so.5: cannot open shared object file");
        });
        Availability a = broken.availability();
        assertFalse(a.available());
        assertEquals("java.lang.UnsatisfiedLinkError: /tmp/jblas123/libjblas.so: libgfortran.so.5: cannot open shared "
                + "object file", a.reason());
        broken.availability();
        assertEquals(1, calls.get(), "the probe runs once");
        IllegalStateException e = assertThrows(IllegalStateException.class, broken::create);
        assertTrue(e.getMessage().contains("libgfortran.so.5"));
    }

    @Test
    void aProbeWithAWrongResultIsUnavailableToo() {
        JblasProvider wrong = new JblasProvider(() -> {
            throw new IllegalStateException("native dgemm probe returned 0.0 for 2 x 3");
        });
        assertTrue(wrong.availability().reason().contains("returned 0.0"));
    }

    @Test
    void defaultSelectionSkipsAnUnavailableJblas() {
        JblasProvider broken = new JblasProvider(() -> {
            throw new UnsatisfiedLinkError("no libgfortran");
        });
        var jblas = new Backends.Found(broken.name(), broken.priority(), broken.availability(), "broken");
        var ejml = new Backends.Found("ejml", 10, Availability.yes(""), "ejml");
        assertEquals("ejml", Backends.select(List.of(jblas, ejml), null, null).backend().name());
        var working = new Backends.Found("jblas", 20, new JblasProvider().availability(), "jblas");
        assertEquals("jblas", Backends.select(List.of(working, ejml), null, null).backend().name());
    }

    @Test
    void bothBackendsAreDiscoveredAndJblasIsPreferred() {
        // this module's tests have both backends on the class path
        assertEquals(List.of("jblas", "ejml"), Backends.found().stream().map(Backends.Found::name).toList());
        assertEquals("jblas", Backends.get().name());
        String previous = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "ejml");
            assertEquals("ejml", Backends.get().name());
            assertTrue(Backends.describe().endsWith("Selected: ejml (system property descent.backend=ejml)"));
        } finally {
            if (previous == null) System.clearProperty(Backends.PROPERTY);
            else System.setProperty(Backends.PROPERTY, previous);
        }
    }
}
