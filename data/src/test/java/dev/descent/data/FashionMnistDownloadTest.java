package dev.descent.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Fashion-MNIST lookup and download against a loopback HTTP server (127.0.0.1, an ephemeral port, stopped
 * after each test) that serves small generated IDX files: success, a wrong checksum, a truncated transfer, a 404, a
 * refused connection, a second run served from the cache, and the lookup order. Only the base URL and the digests
 * are the test's; the download, its checks and the placement are the production path.
 */
@Timeout(30)
class FashionMnistDownloadTest {
    private static final String[] NAMES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> files = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private Release release;

    @BeforeEach
    void serve() throws IOException {
        Rng rng = new Rng(5);
        Path gen = tmp.resolve("generated");
        Files.createDirectories(gen);
        for (String n : NAMES) {
            boolean train = n.startsWith("train"), images = n.contains("images");
            int count = train ? 30 : 10;
            double[] v = new double[images ? count * 28 * 28 : count];
            for (int i = 0; i < v.length; i++) v[i] = images ? rng.nextInt(256) : i % 10;
            Path f = gen.resolve(n);
            Idx.write(f, IdxArray.of(IdxType.UBYTE, images ? new int[] {count, 28, 28} : new int[] {count}, v));
            files.put(n, Files.readAllBytes(f));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        release = release("ok");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** {@code /MODE/NAME}: ok, corrupt (one byte changed), truncated (half, then the connection closes), missing. */
    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            String[] parts = ex.getRequestURI().getPath().split("/");
            byte[] body = files.get(parts[parts.length - 1]);
            String mode = parts[1];
            if (body == null || mode.equals("missing")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (mode.equals("corrupt")) {
                body = body.clone();
                body[body.length / 2] ^= 1;
            }
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, mode.equals("truncated") ? body.length / 2 : body.length);
            out.flush();
        } catch (IOException e) {
            // the truncated mode closes early on purpose
        }
    }

    private Release release(String mode) {
        return release(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + mode + "/"));
    }

    private Release release(URI base) {
        List<Release.File> list = new ArrayList<>();
        for (String n : NAMES) list.add(new Release.File(n, sha256(files.get(n))));
        return new Release("test release", base, list);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private FashionMnist.Lookup lookup(Release r) {
        return FashionMnist.lookup().withDebian(tmp.resolve("no-debian")).withCache(tmp.resolve("cache"))
                .withRelease(r).withDownload(true).withTimeoutMillis(5_000);
    }

    private List<String> cacheContents() throws IOException {
        Path cache = tmp.resolve("cache");
        if (!Files.isDirectory(cache)) return List.of();
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Records what a listener hears. */
    static final class Recorder implements DownloadListener {
        final List<String> events = new ArrayList<>();
        final Map<URI, Long> last = new HashMap<>();

        @Override
        public void started(URI url, long size) {
            events.add("started " + url.getPath() + " " + size);
        }

        @Override
        public void progressed(URI url, long received, long size) {
            assertTrue(received <= size && received > last.getOrDefault(url, 0L), received + " of " + size);
            last.put(url, received);
        }

        @Override
        public void finished(URI url, long size) {
            events.add("finished " + url.getPath() + " " + size);
        }
    }

    @Test
    void downloadsChecksAndPlacesEveryFileThenServesTheCache() throws IOException {
        Recorder rec = new Recorder();
        Path dir = FashionMnist.locate(lookup(release).withListener(rec));
        assertEquals(tmp.resolve("cache"), dir);
        assertEquals(List.of(NAMES).stream().sorted().toList(), cacheContents(), "the four files and nothing else");
        for (String n : NAMES) assertArrayEquals(files.get(n), Files.readAllBytes(dir.resolve(n)), n);
        assertEquals(4, requests.get());
        List<String> expected = new ArrayList<>();
        for (String n : NAMES) {
            expected.add("started /ok/" + n + " " + files.get(n).length);
            expected.add("finished /ok/" + n + " " + files.get(n).length);
        }
        assertEquals(expected, rec.events);
        for (String n : NAMES) assertEquals(files.get(n).length, rec.last.get(release.url(new Release.File(n, sha256(files.get(n))))));

        Split split = FashionMnist.load(lookup(release));
        assertEquals(Shape.of(30, 28, 28), split.train().features().shape());
        assertEquals(10, split.test().size());
        assertEquals(4, requests.get(), "the second run is served from the cache");
    }

    private DownloadException failed(Release r, String... parts) throws IOException {
        DownloadException e = assertThrows(DownloadException.class, () -> FashionMnist.locate(lookup(r)));
        String m = e.getMessage();
        assertTrue(m.contains(r.url(r.files().get(0)).toString()), "names the URL: " + m);
        assertTrue(m.contains("apt-get install dataset-fashion-mnist"), "names the Debian alternative: " + m);
        assertFalse(m.contains("\n"), m);
        for (String p : parts) assertTrue(m.contains(p), "'" + m + "' should mention '" + p + "'");
        assertEquals(List.of(), cacheContents(), "nothing is left in the cache");
        return e;
    }

    @Test
    void aWrongChecksumKeepsNothing() throws IOException {
        failed(release("corrupt"), "SHA-256 is ", "expected " + sha256(files.get(NAMES[0])));
        assertEquals(1, requests.get(), "it stops at the first bad file");
    }

    @Test
    void aTruncatedTransferKeepsNothing() throws IOException {
        DownloadException e = failed(release("truncated"));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("transfer broke"), e.getMessage());
    }

    @Test
    void a404KeepsNothing() throws IOException {
        failed(release("missing"), "HTTP 404");
    }

    @Test
    void aRefusedConnectionKeepsNothing() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        failed(release(URI.create("http://127.0.0.1:" + port + "/ok/")), "refused");
    }

    @Test
    void aCompleteDirectoryComesFirstAndNothingIsDownloaded() throws IOException {
        Path mine = tmp.resolve("mine"), debian = tmp.resolve("no-debian"), cache = tmp.resolve("cache");
        for (Path d : List.of(mine, debian, cache)) {
            Files.createDirectories(d);
            for (String n : NAMES) Files.write(d.resolve(n), files.get(n));
        }
        assertEquals(mine, FashionMnist.locate(lookup(release).withData(mine)));
        assertEquals(debian, FashionMnist.locate(lookup(release).withData(tmp.resolve("empty"))));
        Files.delete(debian.resolve(NAMES[3]));
        assertEquals(cache, FashionMnist.locate(lookup(release)), "an incomplete directory is passed over");
        assertEquals(0, requests.get());
    }

    @Test
    void withDownloadOffTheLookupFailsNamingWhereItLooked() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> FashionMnist.locate(lookup(release).withDownload(false)));
        assertTrue(e.getMessage().contains(tmp.resolve("cache").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("downloading is off"), e.getMessage());
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void theCacheAndOfflineSettingsComeFromTheEnvironmentOrProperties() {
        Properties props = new Properties();
        props.setProperty("user.home", "/home/u");
        assertEquals(Path.of("/home/u/.descent/datasets/fashion-mnist"), FashionMnist.cacheDir(Map.of(), props));
        assertEquals(Path.of("/opt/d/datasets/fashion-mnist"), FashionMnist.cacheDir(Map.of("DESCENT_HOME", "/opt/d"), props));
        props.setProperty("descent.home", "/p");
        assertEquals(Path.of("/p/datasets/fashion-mnist"), FashionMnist.cacheDir(Map.of("DESCENT_HOME", "/opt/d"), props));
        assertFalse(FashionMnist.offline(Map.of(), new Properties()));
        assertTrue(FashionMnist.offline(Map.of("DESCENT_OFFLINE", "1"), new Properties()));
        Properties off = new Properties();
        off.setProperty("descent.offline", "true");
        assertTrue(FashionMnist.offline(Map.of(), off));
    }

    @Test
    void aSystemPropertyCanNameAnotherSystemDirectory() {
        String key = "descent.fashion-mnist.system-dir";
        assertEquals(FashionMnist.DEBIAN_DIR, FashionMnist.lookup().debian());
        System.setProperty(key, tmp.toString());
        try {
            assertEquals(tmp, FashionMnist.lookup().debian());
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void theReleaseIsZalandosWithItsDigests() {
        assertEquals("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz",
                FashionMnist.RELEASE.url(FashionMnist.RELEASE.files().get(0)).toString());
        assertEquals(List.of(NAMES), FashionMnist.RELEASE.files().stream().map(Release.File::name).toList());
        assertThrows(IllegalArgumentException.class, () -> new Release.File("../x", sha256(new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> new Release.File("x", "abc"));
    }
}
