package dev.descent.backend.jblas;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * A per-user directory of native libraries extracted from jars, one directory per artifact version
 * ({@code ~/.descent/natives/<name>/}, or under {@code DESCENT_HOME} / {@code -Ddescent.home}).
 *
 * <p>A library is written once: to a temporary file in the same directory, flushed to disk, read back and compared
 * with the jar's bytes, then moved into place atomically. Several JVMs starting at once may each write their own
 * temporary file; every rename puts a complete, identical file in place, so none of them ever loads a partial one.
 * A file already in place is used only when its bytes equal the jar's (SHA-256); otherwise it is replaced.
 */
final class NativeCache {
    private static final Duration STALE = Duration.ofHours(1);
    private final Path directory;

    NativeCache(Path directory) {
        this.directory = directory;
    }

    /** The cache for {@code name} under Descent's per-user home. */
    static NativeCache forArtifact(String name) {
        return new NativeCache(home().resolve("natives").resolve(name));
    }

    /** {@code -Ddescent.home}, else {@code DESCENT_HOME}, else {@code ~/.descent}. */
    static Path home() {
        String home = System.getProperty("descent.home");
        if (home == null || home.isBlank()) home = System.getenv("DESCENT_HOME");
        if (home == null || home.isBlank()) return Path.of(System.getProperty("user.home"), ".descent");
        return Path.of(home);
    }

    Path directory() {
        return directory;
    }

    /**
     * The verified copy of {@code resource} as {@code directory/fileName}: the existing file when its bytes equal the
     * resource's, otherwise a fresh one put in place atomically.
     *
     * @throws IOException naming the file when it cannot be written or does not read back as written
     */
    Path extract(URL resource, String fileName) throws IOException {
        byte[] expected;
        try (InputStream in = resource.openStream()) {
            expected = in.readAllBytes();
        }
        byte[] digest = sha256(expected);
        Path target = directory.resolve(fileName);
        if (Files.isRegularFile(target) && Files.size(target) == expected.length
                && Arrays.equals(digest, sha256(Files.readAllBytes(target)))) {
            return target;
        }
        Files.createDirectories(directory);
        sweepStaleTemporaries();
        Path tmp = Files.createTempFile(directory, "." + fileName + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(expected);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            if (!Arrays.equals(digest, sha256(Files.readAllBytes(tmp)))) {
                throw new IOException("extracting " + fileName + ": " + tmp + " does not read back as written");
            }
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Removes temporary files that a JVM killed while extracting left behind (older than an hour). */
    private void sweepStaleTemporaries() {
        Instant cutoff = Instant.now().minus(STALE);
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path t : tmps) {
                FileTime modified = Files.getLastModifiedTime(t);
                if (modified.toInstant().isBefore(cutoff)) Files.deleteIfExists(t);
            }
        } catch (IOException e) {
            // NOTE: best effort; a temporary file that cannot be removed now is retried on the next extraction
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
