package dev.descent.examples;

import dev.descent.data.DownloadListener;

import java.io.PrintStream;
import java.net.URI;
import java.util.Locale;

/**
 * A download's progress on the terminal: on a console, one bar redrawn in place
 * ({@code train-images-idx3-ubyte.gz [#########-----------]  45%  11.9 / 26.4 MB}); elsewhere (a log, a pipe), a line
 * when each file starts and one when it is in place.
 *
 * <pre>{@code
 * FashionMnist.locate(FashionMnist.lookup().withListener(new DownloadProgress(System.err)));
 * }</pre>
 */
public final class DownloadProgress implements DownloadListener {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean redraw;
    private int shown = -1;

    /** Redraws a bar when this process has a console, else prints a line per file start and end. */
    public DownloadProgress(PrintStream out) {
        this(out, System.console() != null);
    }

    public DownloadProgress(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    static String name(URI url) {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** The bar for {@code received} of {@code size} bytes ({@code size} -1: unknown). */
    static String bar(String name, long received, long size) {
        if (size <= 0) return name + " " + megabytes(received);
        int percent = (int) (100 * received / size);
        int filled = (int) ((long) WIDTH * received / size);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %.1f / %s", name, "#".repeat(filled),
                "-".repeat(WIDTH - filled), percent, received / 1e6, megabytes(size));
    }

    @Override
    public void started(URI url, long size) {
        shown = -1;
        if (!redraw) out.println("downloading " + url + (size >= 0 ? " (" + megabytes(size) + ")" : ""));
    }

    @Override
    public void progressed(URI url, long received, long size) {
        if (!redraw) return;
        int percent = size > 0 ? (int) (100 * received / size) : (int) (received >> 20);
        if (percent == shown) return;
        shown = percent;
        out.print("\r" + bar(name(url), received, size));
        out.flush();
    }

    @Override
    public void finished(URI url, long size) {
        if (redraw) out.println("\r" + bar(name(url), size, size));
        else out.println("downloaded " + name(url) + " (" + megabytes(size) + ", SHA-256 checked)");
    }
}
