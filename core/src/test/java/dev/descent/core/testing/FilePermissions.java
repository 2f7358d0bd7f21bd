package dev.descent.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Asserts that a saved file has the permissions the umask gives, whatever the umask is: the same as a file (or
 * directory) created with {@link Files#createFile} ({@link Files#createDirectory}) in the same directory.
 */
public final class FilePermissions {
    private FilePermissions() {
    }

    /** {@code saved} (a file or a directory) has the permissions of a new one of its kind beside it. */
    public static void assertLikeANewFile(Path saved) throws IOException {
        Path reference = saved.resolveSibling(".reference-" + System.nanoTime());
        if (Files.isDirectory(saved)) Files.createDirectory(reference);
        else Files.createFile(reference);
        try {
            Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
            assertEquals(expected, Files.getPosixFilePermissions(saved), saved + " has other permissions than a new "
                    + (Files.isDirectory(saved) ? "directory" : "file") + " in the same directory");
        } finally {
            Files.delete(reference);
        }
    }
}
