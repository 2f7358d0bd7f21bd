package dev.descent.backend.openblas;

import dev.descent.core.Backends;
import dev.descent.core.Threads;
import dev.descent.core.spi.Availability;
import org.bytedeco.openblas.global.openblas_full;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenblasProviderTest {

    @Test
    void theRealProbeLoadsOpenblasAndAppliesTheThreadSetting() {
        Availability a = new OpenblasProvider().availability();
        assertTrue(a.available(), () -> "OpenBLAS should load here from Maven's natives: " + a.reason());
        assertTrue(a.reason().startsWith("OpenBLAS 0.3.31 "), a.reason());
        String kernels = openblas_full.openblas_get_corename().getString();
        assertTrue(a.reason().contains("kernels " + kernels), a.reason());
        assertEquals(Threads.count(), openblas_full.openblas_get_num_threads());
        assertTrue(a.reason().contains(Threads.count() + " thread(s) (" + Threads.setting().source() + ")"), a.reason());
    }

    @Test
    void aProbeThatFailsMakesTheBackendUnavailableWithItsReasonOnce() {
        AtomicInteger calls = new AtomicInteger();
        OpenblasProvider broken = new OpenblasProvider(() -> {
            calls.incrementAndGet();
            throw new UnsatisfiedLinkError("no jniopenblas_nolapack in java.library.path");
        });
        Availability a = broken.availability();
        assertFalse(a.available());
        assertEquals("java.lang.UnsatisfiedLinkError: no jniopenblas_nolapack in java.library.path", a.reason());
        broken.availability();
        assertEquals(1, calls.get(), "the probe runs once");
        IllegalStateException e = assertThrows(IllegalStateException.class, broken::create);
        assertTrue(e.getMessage().contains("jniopenblas_nolapack"), e.getMessage());
        OpenblasProvider wrong = new OpenblasProvider(() -> {
            throw new OpenblasUnavailable("cblas_sgemm returned 0.0 for 2 x 3 (expected 6)");
        });
        assertEquals("cblas_sgemm returned 0.0 for 2 x 3 (expected 6)", wrong.availability().reason());
    }

    @Test
    void openblasIsTheDefaultAndDescribeSaysWhy() {
        // this module's tests have all three backends on the class path
        assertEquals(List.of("openblas", "jblas", "ejml"), Backends.found().stream().map(Backends.Found::name).toList());
        assertEquals("openblas", Backends.get().name());
        String report = Backends.describe();
        assertTrue(report.endsWith("Selected: openblas (highest priority available backend)"), report);
        assertTrue(report.contains("preferred over jblas"), report);
    }

    @Test
    void withoutOpenblasTheDefaultFallsBackToJblas() {
        OpenblasProvider broken = new OpenblasProvider(() -> {
            throw new UnsatisfiedLinkError("no OpenBLAS");
        });
        var openblas = new Backends.Found(broken.name(), broken.priority(), broken.availability(), "broken");
        var jblas = new Backends.Found("jblas", 20, Availability.yes(""), "jblas");
        assertEquals("jblas", Backends.select(List.of(openblas, jblas), null, null).backend().name());
    }
}
