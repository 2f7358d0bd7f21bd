package dev.descent.core.io;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.testing.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static dev.descent.core.testing.FilePermissions.assertLikeANewFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TempFilesTest {
    @TempDir
    Path dir;

    @Test
    void tempFilesAndDirectoriesGetThePermissionsOfAnyNewFile() throws IOException {
        Set<Path> names = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Path f = TempFiles.createTempFile(dir, ".model.safetensors.", ".tmp");
            assertTrue(Files.isRegularFile(f) && Files.size(f) == 0, f.toString());
            assertEquals(dir, f.getParent());
            String name = f.getFileName().toString();
            assertTrue(name.startsWith(".model.safetensors.") && name.endsWith(".tmp"), name);
            assertTrue(names.add(f), "a new name each time");
            assertLikeANewFile(f);
        }
        Path d = TempFiles.createTempDirectory(dir, ".checkpoint-");
        assertTrue(Files.isDirectory(d) && d.getFileName().toString().startsWith(".checkpoint-"), d.toString());
        assertLikeANewFile(d);
    }

    @Test
    void theJdksTempFilesAreOwnerOnlyWhichIsWhatThisAvoids() throws IOException {
        // the check above can fail: the JDK's own temp file differs from a new file unless the umask is 077
        Path jdk = Files.createTempFile(dir, "jdk", ".tmp");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(jdk));
        Path reference = Files.createFile(dir.resolve("reference"));
        if (!Files.getPosixFilePermissions(reference).equals(Files.getPosixFilePermissions(jdk))) {
            assertNotEquals(Files.getPosixFilePermissions(jdk),
                    Files.getPosixFilePermissions(TempFiles.createTempFile(dir, "ours", ".tmp")));
        }
    }

    @Test
    void aSavedSafetensorsFileHasThePermissionsOfAnyNewFileWhetherNewOrReplaced() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, Tensor> tensors = Map.of("w", Tensor.on(ReferenceBackend.INSTANCE, DType.FLOAT32).ones(2, 2));
        Safetensors.write(file, tensors, Map.of());
        assertLikeANewFile(file);
        Safetensors.write(file, tensors, Map.of());
        assertLikeANewFile(file);
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }
    }
}
