package dev.descent.core.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary files and directories for atomic saves (write beside the target, then move over it) that get the
 * permissions the umask gives, as any other new file does. {@link Files#createTempFile} and
 * {@link Files#createTempDirectory} create them owner-only ({@code rw-------}, {@code rwx------}), which an atomic
 * move then carries to the saved file; these create them with the default attributes instead, so a model, a
 * checkpoint or a report is as readable as a file written directly.
 *
 * <pre>{@code
 * Path tmp = TempFiles.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp");
 * Files.write(tmp, bytes);
 * Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
 * }</pre>
 *
 * <p>Each name is new ({@code CREATE_NEW}, retried on a clash), so an existing file or link is never followed or
 * reused.
 */
public final class TempFiles {
    private static final int ATTEMPTS = 100;

    private TempFiles() {
    }

    /** A new empty file {@code dir/prefix<random>suffix}, with the permissions the umask gives. */
    public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
        for (int i = 0; ; i++) {
            try {
                return Files.createFile(dir.resolve(name(prefix, suffix)));
            } catch (FileAlreadyExistsException e) {
                if (i == ATTEMPTS) throw e;
            }
        }
    }

    /** A new empty directory {@code dir/prefix<random>}, with the permissions the umask gives. */
    public static Path createTempDirectory(Path dir, String prefix) throws IOException {
        for (int i = 0; ; i++) {
            try {
                return Files.createDirectory(dir.resolve(name(prefix, "")));
            } catch (FileAlreadyExistsException e) {
                if (i == ATTEMPTS) throw e;
            }
        }
    }

    private static String name(String prefix, String suffix) {
        return (prefix == null ? "" : prefix) + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + (suffix == null ? ".tmp" : suffix);
    }
}
