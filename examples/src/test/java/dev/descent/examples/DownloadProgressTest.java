package dev.descent.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DownloadProgressTest {
    private static final URI URL = URI.create("http://host/dir/train-labels-idx1-ubyte.gz");

    @Test
    void theBarShowsTheShareReceived() {
        assertEquals("f [###############---------------]  50%  1.0 / 2.0 MB", DownloadProgress.bar("f", 1_000_000, 2_000_000));
        assertEquals("f [------------------------------]   0%  0.0 / 2.0 MB", DownloadProgress.bar("f", 0, 2_000_000));
        assertEquals("f 3.5 MB", DownloadProgress.bar("f", 3_500_000, -1));
        assertEquals("train-labels-idx1-ubyte.gz", DownloadProgress.name(URL));
    }

    @Test
    void onAConsoleTheBarIsRedrawnOncePerPercent() {
        var bytes = new ByteArrayOutputStream();
        var p = new DownloadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.started(URL, 200);
        for (int i = 1; i <= 200; i++) p.progressed(URL, i, 200);
        p.finished(URL, 200);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(102, s.chars().filter(c -> c == '\r').count(), "0 to 100 percent, and the final line");
        assertEquals(true, s.endsWith("100%  0.0 / 0.0 MB" + System.lineSeparator()));
    }

    @Test
    void elsewhereOneLineWhenAFileStartsAndOneWhenItIsInPlace() {
        var bytes = new ByteArrayOutputStream();
        var p = new DownloadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.started(URL, 29_515);
        p.progressed(URL, 10_000, 29_515);
        p.finished(URL, 29_515);
        assertEquals(String.join(System.lineSeparator(), "downloading " + URL + " (0.0 MB)",
                "downloaded train-labels-idx1-ubyte.gz (0.0 MB, SHA-256 checked)", ""), bytes.toString(StandardCharsets.UTF_8));
    }
}
