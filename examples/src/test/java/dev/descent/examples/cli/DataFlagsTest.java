package dev.descent.examples.cli;

import dev.descent.examples.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.descent.examples.cli.DescentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data flags: {@code train --no-header}, and {@code fashion-mnist}/{@code lecture} with {@code --no-download}. */
class DataFlagsTest {
    private static final String TABLE = "0.1,0.2,0\n0.9,0.8,1\n0.2,0.1,0\n0.8,0.9,1\n0.15,0.25,0\n0.85,0.75,1\n";

    private static Path csv(Path dir, String text) throws IOException {
        Path f = dir.resolve("table.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aCsvFileWithoutAHeaderIsAnErrorUnlessNoHeader(@TempDir Path out) throws IOException {
        Path f = csv(out, TABLE);
        DescentCommandTest.Run bad = run("--quiet", "--out", out.toString(), "train", "--data", "csv:" + f, "--epochs", "2");
        assertEquals(Main.FAILURE, bad.code());
        assertEquals(1, bad.errLines().size(), bad.err());
        assertTrue(bad.err().contains("line 1: every cell is a number"), bad.err());
        assertTrue(bad.err().contains("--no-header"), bad.err());

        DescentCommandTest.Run ok = run("--quiet", "--out", out.toString(), "train", "--data", "csv:" + f, "--no-header",
                "--epochs", "2", "--validation", "0");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.isRegularFile(out.resolve("train").resolve("model.safetensors")));
    }

    @Test
    void aHeaderLineStillWorksAndNoHeaderNeedsACsvFile(@TempDir Path out) throws IOException {
        Path f = csv(out, "x1,x2,label\n" + TABLE);
        DescentCommandTest.Run ok = run("--quiet", "--out", out.toString(), "train", "--data", "csv:" + f, "--epochs", "2",
                "--validation", "0");
        assertEquals(0, ok.code(), ok.err());
        DescentCommandTest.Run usage = run("train", "--data", "moons", "--no-header");
        assertEquals(Main.USAGE, usage.code());
        assertTrue(usage.err().contains("--no-header"), usage.err());
    }

    @Test
    void noDownloadSaysWhereItLookedInOneLine(@TempDir Path out) {
        DescentCommandTest.Run r = run("--out", out.toString(), "fashion-mnist", "--data", out.resolve("none").toString(),
                "--no-download");
        assertEquals(Main.FAILURE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        // the build's tests stand in another directory for Debian's (see the pom), so an installed package does not hide this path
        assertTrue(r.err().contains(out.resolve("none") + ", " + System.getProperty("descent.fashion-mnist.system-dir") + ", "),
                r.err());
        assertTrue(r.err().contains("downloading is off (--no-download or DESCENT_OFFLINE=1)"), r.err());
        assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
    }

    @Test
    void theLectureSkipsFashionMnistWithOneLineWhenItCannotBeHad(@TempDir Path out) {
        DescentCommandTest.Run r = run("--quiet", "--out", out.toString(), "lecture", "--only", "fashion-mnist",
                "--no-download");
        assertEquals(0, r.code(), "missing data alone is not a failure: " + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("descent lecture: skipped fashion-mnist: Fashion-MNIST data not found in "), r.err());
    }
}
