package dev.descent.backend.jblas;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JblasLogTest {

    @Test
    void jblasLinesAreTakenFromStderrAndOtherThreadsPassThrough() throws Exception {
        PrintStream real = System.err;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream stand = new PrintStream(seen, true, StandardCharsets.UTF_8);
        System.setErr(stand);
        try {
            JblasLog.Routed<String> r = JblasLog.routed(() -> {
                org.jblas.util.Logger.getLogger().error("Couldn't load copied link file: libgfortran.so.5: missing.");
                org.jblas.util.Logger.getLogger().debug("Trying path \"/lib/static/Linux/amd64/\".");
                Thread other = new Thread(() -> {
                    System.err.println("another thread's line é");
                    org.jblas.util.Logger.getLogger().info("Starting temp DLL cleanup task."); // jBLAS's own thread
                });
                other.start();
                other.join();
                throw new UnsatisfiedLinkError("dgemm");
            });
            assertEquals(List.of("Couldn't load copied link file: libgfortran.so.5: missing."), r.errors());
            assertTrue(r.failure() instanceof UnsatisfiedLinkError);
            assertSame(stand, System.err, "stderr is restored");
            org.jblas.util.Logger.getLogger().error("after the load");
        } finally {
            System.setErr(real);
        }
        String out = seen.toString(StandardCharsets.UTF_8);
        assertEquals("another thread's line é" + System.lineSeparator(), out);
        assertFalse(out.contains("org.jblas"));
    }
}
