package dev.descent.data;

import java.io.IOException;
import java.net.URI;

/**
 * A download that did not complete: the server refused or could not be reached, answered with an error status,
 * sent fewer or more bytes than it announced, or sent bytes whose SHA-256 digest is not the published one. The
 * message names the URL, the problem and another way to get the data. Nothing is left in the target directory.
 *
 * <pre>{@code
 * try {
 *     FashionMnist.load();
 * } catch (DownloadException e) {
 *     System.err.println(e.getMessage());   // names e.url() and the Debian package
 * }
 * }</pre>
 */
public final class DownloadException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient URI url;

    /** The download of {@code url} failed for {@code problem}; {@code alternative} says how else to get the file. */
    public DownloadException(URI url, String problem, String alternative, Throwable cause) {
        super("downloading " + url + " failed: " + problem + (alternative.isEmpty() ? "" : "; " + alternative), cause);
        this.url = url;
    }

    /** The URL that failed. */
    public URI url() {
        return url;
    }
}
