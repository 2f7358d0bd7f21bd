package dev.descent.core;

import dev.descent.core.spi.Availability;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {
    private static final Backends.Found FAST = new Backends.Found("fast", 20, Availability.no("libfoo.so: cannot open shared object file"), "x.Fast");
    private static final Backends.Found SLOW = new Backends.Found("slow", 10, Availability.yes("pure Java"), "x.Slow");
    private static final Backends.Found OTHER = new Backends.Found("other", 5, Availability.yes(""), "x.Other");

    @Test
    void highestPriorityAvailableWinsAndUnavailableProvidersAreSkipped() {
        Backends.Selection s = Backends.select(List.of(FAST, SLOW, OTHER), null, null);
        assertEquals("slow", s.backend().name());
        assertEquals("highest priority available backend", s.reason());
        Backends.Found fastOk = new Backends.Found("fast", 20, Availability.yes(""), "x.Fast");
        assertEquals("fast", Backends.select(List.of(SLOW, fastOk), null, null).backend().name());
    }

    @Test
    void thePropertyComesBeforeTheEnvironment() {
        assertEquals("other", Backends.select(List.of(FAST, SLOW, OTHER), "other", "slow").backend().name());
        assertEquals("other", Backends.select(List.of(FAST, SLOW, OTHER), " ", "OTHER").backend().name());
        assertTrue(Backends.select(List.of(SLOW, OTHER), null, "other").reason().contains("DESCENT_BACKEND"));
    }

    @Test
    void namingAnUnavailableBackendSaysWhyAndWhatIsAvailable() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.select(List.of(FAST, SLOW, OTHER), "fast", null));
        assertEquals("Backend 'fast' (system property descent.backend=fast) is unavailable: "
                + "libfoo.so: cannot open shared object file. Available: slow, other.", e.getMessage());
    }

    @Test
    void namingAnUnknownBackendListsWhatWasFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.select(List.of(SLOW), null, "gpu"));
        assertTrue(e.getMessage().startsWith("Backend 'gpu' (environment variable DESCENT_BACKEND=gpu) is not on the class path"));
        assertTrue(e.getMessage().contains("slow (available)"));
    }

    @Test
    void noBackendNamesTheArtifactsToAdd() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.select(List.of(), null, null));
        assertTrue(e.getMessage().contains("dev.descent:descent-backend-ejml"));
        assertTrue(e.getMessage().contains("dev.descent:descent-backend-jblas"));
        assertTrue(e.getMessage().contains("dev.descent:descent-backend-openblas"));
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> Backends.select(List.of(FAST), null, null));
        assertTrue(none.getMessage().contains("fast (unavailable: libfoo.so"));
    }

    @Test
    void describeShowsEveryBackendItsReasonAndTheSelection() {
        String report = Backends.describe(List.of(FAST, SLOW), List.of(), null, "slow");
        assertTrue(report.startsWith("Descent backends (2 found):"));
        assertTrue(report.contains("fast") && report.contains("UNAVAILABLE") && report.contains("libfoo.so"));
        assertTrue(report.endsWith("Selected: slow (environment variable DESCENT_BACKEND=slow)"), report);
        String failing = Backends.describe(List.of(FAST), List.of(), "fast", null);
        assertTrue(failing.contains("Selected: none. Backend 'fast'"), failing);
    }

    @Test
    void discoveryProbesEveryProviderAndSkipsTheOnesThatFail() {
        // core's tests register the reference backend and a provider whose probe throws UnsatisfiedLinkError
        Backends.Found failing = Backends.found().get(0);
        assertEquals("failing", failing.name());
        assertEquals(false, failing.availability().available());
        assertTrue(failing.availability().reason().contains("java.lang.UnsatisfiedLinkError: libfailing.so"));
        assertEquals("reference", Backends.get().name());
        assertSame(Backends.get("reference"), Backends.get("REFERENCE"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get("failing"));
        assertTrue(e.getMessage().contains("libfailing.so") && e.getMessage().contains("Available: reference, direct"), e.getMessage());
        String report = Backends.describe();
        assertTrue(report.contains("failing") && report.contains("UNAVAILABLE") && report.contains("reference"));
    }
}
