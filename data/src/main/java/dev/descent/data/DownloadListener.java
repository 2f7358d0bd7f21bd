package dev.descent.data;

import java.net.URI;

/**
 * Told how a download advances, so a program can show a progress bar; the data module renders nothing itself.
 * Calls come from the downloading thread, in order: {@code started}, any number of {@code progressed}, then
 * {@code finished} (or nothing more when the download fails with an exception).
 *
 * <pre>{@code
 * DownloadListener bar = new DownloadListener() {
 *     public void progressed(URI url, long received, long size) { System.err.print("\r" + received * 100 / size + "%"); }
 * };
 * Split fashion = FashionMnist.load(FashionMnist.lookup().withListener(bar));
 * }</pre>
 */
public interface DownloadListener {
    /** A listener that ignores everything. */
    DownloadListener NONE = new DownloadListener() {
    };

    /** The server answered for {@code url}; {@code size} is the announced length in bytes, or -1 if unknown. */
    default void started(URI url, long size) {
    }

    /** {@code received} bytes of {@code url} have arrived, of {@code size} (-1 if unknown). */
    default void progressed(URI url, long received, long size) {
    }

    /** {@code url} arrived whole, its checksum matched, and the file is in place. */
    default void finished(URI url, long size) {
    }
}
