package dev.descent.backend.jblas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeCacheTest {
    @TempDir
    Path dir;

    private URL resource(byte[] bytes) throws Exception {
        Path jar = Files.createDirectories(dir.resolve("jar")).resolve("libx.so");
        Files.write(jar, bytes);
        return jar.toUri().toURL();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Set<String> names(Path cache) throws Exception {
        try (var files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void extractsOnceAndReusesAVerifiedCopy() throws Exception {
        byte[] lib = bytes(100_000, 1);
        NativeCache cache = new NativeCache(dir.resolve("natives/v1"));
        Path first = cache.extract(resource(lib), "libx.so");
        assertEquals(dir.resolve("natives/v1/libx.so"), first);
        assertArrayEquals(lib, Files.readAllBytes(first));
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(first, old);
        Path again = cache.extract(resource(lib), "libx.so");
        assertEquals(old, Files.getLastModifiedTime(again), "a verified copy is not rewritten");
        assertEquals(Set.of("libx.so"), names(cache.directory()), "no temporary file left");
    }

    @Test
    void aCopyThatDiffersFromTheJarIsReplaced() throws Exception {
        byte[] lib = bytes(50_000, 2);
        NativeCache cache = new NativeCache(dir.resolve("natives"));
        Files.createDirectories(cache.directory());
        Path target = cache.directory().resolve("libx.so");
        byte[] flipped = lib.clone();
        flipped[25_000] ^= 1; // same size, one bit different
        Files.write(target, flipped);
        assertArrayEquals(lib, Files.readAllBytes(cache.extract(resource(lib), "libx.so")));
        Files.write(target, new byte[] {1, 2, 3}); // truncated
        assertArrayEquals(lib, Files.readAllBytes(cache.extract(resource(lib), "libx.so")));
    }

    @Test
    void concurrentExtractionsAllSeeOneCompleteFile() throws Exception {
        byte[] lib = bytes(3_000_000, 3);
        URL url = resource(lib);
        NativeCache cache = new NativeCache(dir.resolve("natives"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<byte[]>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) tasks.add(() -> Files.readAllBytes(cache.extract(url, "libx.so")));
            for (Future<byte[]> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) assertArrayEquals(lib, f.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Set.of("libx.so"), names(cache.directory()));
    }

    @Test
    void temporariesOfKilledExtractionsAreSweptWhenOld() throws Exception {
        NativeCache cache = new NativeCache(dir.resolve("natives"));
        Files.createDirectories(cache.directory());
        Path stale = Files.writeString(cache.directory().resolve(".libx.so.123.tmp"), "partial");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path inFlight = Files.writeString(cache.directory().resolve(".libx.so.456.tmp"), "another JVM writing");
        cache.extract(resource(bytes(1000, 4)), "libx.so");
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(inFlight), "a recent temporary may belong to a JVM still extracting");
    }

    @Test
    void theHomeIsThePropertyThenTheEnvironmentThenUserHome() {
        String previous = System.getProperty("descent.home");
        try {
            System.setProperty("descent.home", dir.toString());
            assertEquals(dir, NativeCache.home());
            assertEquals(dir.resolve("natives").resolve("x-1"), NativeCache.forArtifact("x-1").directory());
            System.clearProperty("descent.home");
            String env = System.getenv("DESCENT_HOME");
            assertEquals(env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".descent") : Path.of(env),
                    NativeCache.home());
        } finally {
            if (previous == null) System.clearProperty("descent.home");
            else System.setProperty("descent.home", previous);
        }
    }
}
