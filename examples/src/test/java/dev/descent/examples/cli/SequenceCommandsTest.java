package dev.descent.examples.cli;

import dev.descent.examples.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.descent.examples.cli.DescentCommandTest.assertUsageError;
import static dev.descent.examples.cli.DescentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sequence, exploding-gradients and text commands: their flags, their errors and what text writes. */
class SequenceCommandsTest {
    @Test
    void badFlagsAreUsageErrorsNamingTheOption() {
        assertUsageError(run("sequence", "--models", "lstm,rnn"), "descent sequence", "--models", "'rnn'", "transformer");
        assertUsageError(run("sequence", "--length", "12"), "descent sequence", "--length", "1..9", "12");
        assertUsageError(run("sequence", "--length", "3", "--train-size", "950"), "descent sequence", "--train-size",
                "at most 1000", "1950");
        assertUsageError(run("sequence", "--model-dim", "30"), "descent sequence", "--model-dim", "multiple of 4");
        assertUsageError(run("exploding-gradients", "--length", "3"), "descent exploding-gradients", "--length",
                "expected >= 5");
        assertUsageError(run("exploding-gradients", "--max-norm", "0"), "descent exploding-gradients", "--max-norm",
                "expected > 0");
        assertUsageError(run("text"), "descent text", "--file");
        assertUsageError(run("text", "--file", "x.txt", "--cell", "rnn"), "descent text", "--cell", "'rnn'", "gru");
        assertUsageError(run("text", "--file", "x.txt", "--temperature", "-0.5"), "descent text", "--temperature",
                ">= 0", "-0.5");
        assertUsageError(run("text", "--file", "x.txt", "--validation", "1"), "descent text", "--validation", "0 < f < 1");
    }

    /** A failure of {@code descent text}: exit code 1 and one line naming the file and what is wrong with it. */
    private static void assertFails(DescentCommandTest.Run r, String... contains) {
        assertEquals(Main.FAILURE, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("descent text: "), line);
        for (String c : contains) assertTrue(line.contains(c), c + " missing in: " + line);
        assertTrue(!line.contains("Exception"), line);
    }

    @Test
    void aMissingEmptyOrTooShortFileIsAOneLineError(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nothing.txt");
        assertFails(run("--out", dir.toString(), "text", "--file", missing.toString()), missing.toString(), "no such file");
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        assertFails(run("--out", dir.toString(), "text", "--file", empty.toString()), empty.toString(), "the file is empty");
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "hello, world");
        assertFails(run("--out", dir.toString(), "text", "--file", tiny.toString()), tiny.toString(),
                "12 characters is too short", "--context 64", "at least 650");
        Path binary = Files.write(dir.resolve("bytes.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertFails(run("--out", dir.toString(), "text", "--file", binary.toString()), binary.toString(), "not UTF-8");
        assertFails(run("--out", dir.toString(), "text", "--file", dir.toString()), "not a regular file");
    }

    @Test
    void textPrintsPerplexityPerEpochAndASampleAndWritesItsHistory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("abc.txt"), "abcabcabd ".repeat(60));
        var r = run("--out", dir.toString(), "--seed", "3", "text", "--file", file.toString(), "--context", "12",
                "--hidden", "16", "--embedding", "8", "--epochs", "2", "--length", "20", "--prompt", "ab");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("epoch 1: held-out perplexity \\d+\\.\\d{3}, training .*")),
                r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("epoch 2: held-out perplexity .*")), r.out());
        assertTrue(r.out().contains("5 distinct; a uniform model's perplexity is 5"), r.out());
        String sample = Files.readString(dir.resolve("text/sample.txt"));
        assertTrue(sample.startsWith("ab") && sample.length() == 22, sample);
        assertTrue(sample.chars().allMatch(c -> "abcd ".indexOf(c) >= 0), sample);
        assertEquals(3, Files.readAllLines(dir.resolve("text/epochs.csv")).size(), "a header and two epochs");
        assertTrue(Files.isRegularFile(dir.resolve("text/steps.csv")));
        assertTrue(Files.isRegularFile(dir.resolve("text/perplexity.png")));
        assertTrue(Files.isRegularFile(dir.resolve("text/model.safetensors")));
        var again = run("--out", dir.resolve("again").toString(), "--seed", "3", "text", "--file", file.toString(),
                "--context", "12", "--hidden", "16", "--embedding", "8", "--epochs", "2", "--length", "20", "--prompt", "ab");
        assertEquals(sample, Files.readString(dir.resolve("again/text/sample.txt")), "the same seed, the same sample");
    }
}
