package dev.descent.examples;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the packaged, shaded {@code descent.jar} in a fresh JVM, as the launcher does (failsafe, after package). */
@Tag("packaged-jar")
class DescentJarIT {
    record Result(int code, String out, String err) {
    }

    static Result java(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("descent.jar", "target/descent.jar"));
        assertTrue(Files.isRegularFile(jar), "the shaded jar is built before the integration tests: " + jar);
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("DESCENT_BACKEND");
        Process p = pb.start();
        p.getOutputStream().close();
        // The outputs are small; read them after the process ends (within the timeout).
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "descent " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void infoFromTheShadedJarFindsBothBackends() throws Exception {
        Result r = java("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Descent backends (3 found):"), "service files merged:\n" + r.out());
        assertTrue(r.out().matches("(?s).*\\n  jblas +priority +20 .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  ejml +priority +10 .*"), r.out());
        assertTrue(r.out().contains("Selected: "), r.out());
    }

    @Test
    void theJarAlonePrintsTheHelpAndUsageErrorsExitWithTwo() throws Exception {
        Result help = java();
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: descent"), help.out());
        assertTrue(help.out().contains("lecture"), help.out());

        Result bad = java("--frobnicate");
        assertEquals(2, bad.code());
        assertEquals("descent: Unknown option: '--frobnicate' (see 'descent --help')", bad.err().strip());
    }
}
