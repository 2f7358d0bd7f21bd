package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Zalando's Fashion-MNIST: 28 x 28 grey-scale images of clothing in ten classes, 60,000 for training (6,000 per
 * class) and 10,000 for test, in MNIST's four IDX files ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}; plain
 * or gzip).
 *
 * <p>{@link #load()} finds the files (see {@link #locate}): in the directory a {@link Lookup} names, then in
 * Debian's {@link #DEBIAN_DIR}, then in the per-user cache ({@link #cacheDir()}); when all are empty it downloads
 * them from Zalando's release ({@link #RELEASE}) into the cache, each checked against its published SHA-256 and
 * moved into place atomically. {@code DESCENT_OFFLINE=1} (or {@code -Ddescent.offline=true}) turns the download
 * off.
 *
 * <p>Features are {@code (n, 28, 28)} pixels scaled to [0, 1] ({@link Dataset#flatten()} gives {@code (n, 784)}),
 * labels INT32 class indices; the split's validation part is empty (carve one with
 * {@link Split#withValidation}).
 *
 * <pre>{@code
 * Split fashion = FashionMnist.load();                 // Debian's files, the cache, or a checked download
 * Dataset train = fashion.train().flatten();           // float32 (60000, 784)
 * fashion.train().classNames().get(9);                 // "Ankle boot"
 * Path dir = FashionMnist.locate(FashionMnist.lookup().withData(Path.of("data")).withDownload(false));
 * }</pre>
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /**
     * Zalando's release, where its README and torchvision download from. The digests are the SHA-256 of the files
     * whose MD5 the README publishes ({@code 8d4fb7e6...}, {@code 25c81989...}, {@code bef4ecab...},
     * {@code bb300cfd...}).
     */
    public static final Release RELEASE = new Release("Zalando's Fashion-MNIST release",
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), List.of(
            new Release.File("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            new Release.File("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            new Release.File("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            new Release.File("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")));

    /** The Debian alternative, for messages. */
    public static final String DEBIAN_HINT = "on Debian or Ubuntu, `apt-get install dataset-fashion-mnist` puts the "
            + "files in " + DEBIAN_DIR;

    static final String HOW_TO_GET = DEBIAN_HINT + "; or put the four files of Zalando's Fashion-MNIST release into "
            + "that directory";

    private static final int TIMEOUT_MILLIS = 30_000;

    private FashionMnist() {
    }

    /**
     * Where to look for the files and whether to download them: an optional directory of the caller's, Debian's
     * directory, the per-user cache (where downloads go), the release, and a listener for the progress.
     */
    public record Lookup(Path data, Path debian, Path cache, Release release, boolean download,
                         DownloadListener listener, int timeoutMillis) {
        public Lookup {
            if (debian == null || cache == null || release == null || listener == null) {
                throw new IllegalArgumentException("FashionMnist.Lookup: only data may be null");
            }
            if (timeoutMillis <= 0) throw new IllegalArgumentException("FashionMnist.Lookup: timeout must be > 0, got " + timeoutMillis);
        }

        /** Look in {@code dir} first (null: not at all). */
        public Lookup withData(Path dir) {
            return new Lookup(dir, debian, cache, release, download, listener, timeoutMillis);
        }

        /** Whether to download when no directory holds the files. */
        public Lookup withDownload(boolean on) {
            return new Lookup(data, debian, cache, release, on, listener, timeoutMillis);
        }

        public Lookup withListener(DownloadListener l) {
            return new Lookup(data, debian, cache, release, download, l, timeoutMillis);
        }

        /** Another cache directory (downloads go there). */
        public Lookup withCache(Path dir) {
            return new Lookup(data, debian, dir, release, download, listener, timeoutMillis);
        }

        /** Another system directory in Debian's place. */
        public Lookup withDebian(Path dir) {
            return new Lookup(data, dir, cache, release, download, listener, timeoutMillis);
        }

        /** Another source of the same files (a mirror); its digests are checked as the release's are. */
        public Lookup withRelease(Release r) {
            return new Lookup(data, debian, cache, r, download, listener, timeoutMillis);
        }

        /** The connect and read time-out of the download, in milliseconds. */
        public Lookup withTimeoutMillis(int millis) {
            return new Lookup(data, debian, cache, release, download, listener, millis);
        }
    }

    /**
     * The default lookup: no directory of the caller's, {@link #DEBIAN_DIR} (or the directory
     * {@code -Ddescent.fashion-mnist.system-dir} names instead, for a system that installs the files elsewhere),
     * {@link #cacheDir()}, {@link #RELEASE}, downloading unless {@code DESCENT_OFFLINE=1} or
     * {@code -Ddescent.offline=true}, no listener, 30 s time-outs.
     */
    public static Lookup lookup() {
        Path system = Path.of(System.getProperty("descent.fashion-mnist.system-dir", DEBIAN_DIR.toString()));
        return new Lookup(null, system, cacheDir(), RELEASE, !offline(System.getenv(), System.getProperties()),
                DownloadListener.NONE, TIMEOUT_MILLIS);
    }

    /**
     * The per-user cache: {@code $DESCENT_HOME/datasets/fashion-mnist} (or under {@code -Ddescent.home}), else
     * {@code ~/.descent/datasets/fashion-mnist}.
     */
    public static Path cacheDir() {
        return cacheDir(System.getenv(), System.getProperties());
    }

    static Path cacheDir(Map<String, String> env, Properties props) {
        String home = props.getProperty("descent.home", env.get("DESCENT_HOME"));
        Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of(props.getProperty("user.home"), ".descent");
        return base.resolve("datasets").resolve("fashion-mnist");
    }

    static boolean offline(Map<String, String> env, Properties props) {
        String v = props.getProperty("descent.offline", env.getOrDefault("DESCENT_OFFLINE", ""));
        return v.equals("1") || v.equalsIgnoreCase("true");
    }

    /**
     * The first directory that holds all four files: {@code lookup.data()}, then {@code lookup.debian()}, then
     * {@code lookup.cache()}; when none does, the cache after downloading the missing files into it (unless
     * downloading is off).
     *
     * @throws java.nio.file.NoSuchFileException naming the directories searched and how to get the files, when
     *                                           downloading is off
     * @throws DownloadException                 naming the URL and the Debian alternative, when a download fails
     */
    public static Path locate(Lookup lookup) throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (lookup.data() != null) dirs.add(lookup.data());
        dirs.add(lookup.debian());
        dirs.add(lookup.cache());
        for (Path dir : dirs) {
            if (MnistFiles.complete(dir)) return dir;
        }
        if (!lookup.download()) {
            throw new NoSuchFileException(null, null, "FashionMnist.locate: the four Fashion-MNIST files are in none of "
                    + dirs + ", and downloading is off (DESCENT_OFFLINE, or --no-download); " + DEBIAN_HINT);
        }
        new Download(lookup.timeoutMillis(), lookup.listener(), DEBIAN_HINT).missing(lookup.release(), lookup.cache());
        return lookup.cache();
    }

    /** The files {@link #locate}d by the default lookup, as FLOAT32 on the default backend. */
    public static Split load() throws IOException {
        return load(lookup());
    }

    /** The files {@link #locate}d by {@code lookup}, as FLOAT32 on the default backend. */
    public static Split load(Lookup lookup) throws IOException {
        return load(locate(lookup), Backends.get(), DType.FLOAT32);
    }

    /** The files in {@code dir} (and nowhere else), as FLOAT32 on the default backend. */
    public static Split load(Path dir) throws IOException {
        return load(dir, Backends.get(), DType.FLOAT32);
    }

    /**
     * The files in {@code dir} on {@code backend} with features in {@code dtype}.
     *
     * @throws java.nio.file.NoSuchFileException naming each missing file and how to get it
     * @throws DatasetFormatException if a file is not valid
     */
    public static Split load(Path dir, Backend backend, DType dtype) throws IOException {
        return MnistFiles.load("FashionMnist.load", dir, backend, dtype, CLASSES, HOW_TO_GET);
    }
}
