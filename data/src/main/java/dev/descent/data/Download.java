package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Downloads the files of a {@link Release} into a directory: each into a temporary file beside its target while
 * its SHA-256 is computed, checked against the announced length and the published digest, forced to disk and then
 * moved into place atomically, so a reader never sees a partial or unverified file.
 */
final class Download {
    /** No file of a release is larger than this (Fashion-MNIST's largest is 26 MB). */
    static final long MAX_BYTES = 1L << 30;

    private final int timeoutMillis;
    private final DownloadListener listener;
    private final String alternative;

    /**
     * @param timeoutMillis the connect and read time-outs
     * @param listener      told of progress
     * @param alternative   how else to get the files, for the messages
     */
    Download(int timeoutMillis, DownloadListener listener, String alternative) {
        this.timeoutMillis = timeoutMillis;
        this.listener = listener;
        this.alternative = alternative;
    }

    /** Downloads every file of {@code release} that {@code dir} does not hold yet. */
    void missing(Release release, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Release.File f : release.files()) {
            if (!Files.isRegularFile(dir.resolve(f.name()))) file(release.url(f), f, dir.resolve(f.name()));
        }
    }

    private void file(URI url, Release.File f, Path target) throws IOException {
        Path part = Files.createTempFile(target.getParent(), "." + f.name() + ".", ".part");
        try {
            long size = fetch(url, f, part);
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            listener.finished(url, size);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Streams {@code url} into {@code part}; returns the length after checking it and the digest. */
    private long fetch(URI url, Release.File f, Path part) throws IOException {
        HttpURLConnection c;
        long size, received = 0;
        MessageDigest sha = sha256();
        try {
            c = (HttpURLConnection) url.toURL().openConnection();
            c.setConnectTimeout(timeoutMillis);
            c.setReadTimeout(timeoutMillis);
            c.setRequestProperty("User-Agent", "Descent");
            int status = c.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw fail(url, "the server answered HTTP " + status
                        + (c.getResponseMessage() == null ? "" : " " + c.getResponseMessage()), null);
            }
            size = c.getContentLengthLong();
            if (size > MAX_BYTES) throw fail(url, "the server announces " + size + " bytes, more than " + MAX_BYTES, null);
            listener.started(url, size);
            byte[] buf = new byte[1 << 16];
            try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(part)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    received += n;
                    if (received > (size >= 0 ? size : MAX_BYTES)) {
                        throw fail(url, "the server sent more than the " + (size >= 0 ? size : MAX_BYTES) + " bytes "
                                + (size >= 0 ? "it announced" : "a file may have"), null);
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    listener.progressed(url, received, size);
                }
            }
        } catch (DownloadException e) {
            throw e;
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw fail(url, (received > 0 ? "the transfer broke after " + received + " bytes (" : "") + why
                    + (received > 0 ? ")" : ""), e);
        }
        if (size >= 0 && received != size) {
            throw fail(url, "the transfer ended after " + received + " of the " + size + " bytes announced (truncated)", null);
        }
        byte[] digest = sha.digest();
        if (!MessageDigest.isEqual(digest, f.digest())) {
            throw fail(url, "its SHA-256 is " + HexFormat.of().formatHex(digest) + ", expected " + f.sha256()
                    + " (a corrupted or different file; nothing was kept)", null);
        }
        return received;
    }

    private DownloadException fail(URI url, String problem, Throwable cause) {
        return new DownloadException(url, problem, alternative, cause);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e); // every JDK has it
        }
    }
}
