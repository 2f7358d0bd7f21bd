package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST: 28 x 28 grey-scale images of clothing in ten classes, 60,000 for training (6,000 per
 * class) and 10,000 for test, in MNIST's four IDX files ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}; plain
 * or gzip).
 *
 * <p>Features are {@code (n, 28, 28)} pixels scaled to [0, 1] ({@link Dataset#flatten()} gives {@code (n, 784)}),
 * labels INT32 class indices; the split's validation part is empty (carve one with
 * {@link Split#withValidation}).
 *
 * <pre>{@code
 * Split fashion = FashionMnist.load();                 // Debian's files
 * Dataset train = fashion.train().flatten();           // float32 (60000, 784)
 * fashion.train().classNames().get(9);                 // "Ankle boot"
 * }</pre>
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String HOW_TO_GET = "on Debian or Ubuntu install them with `apt-get install dataset-fashion-mnist` "
            + "(into " + DEBIAN_DIR + "), or download the four files of Zalando's Fashion-MNIST release into that directory";

    private FashionMnist() {
    }

    /** The files in {@link #DEBIAN_DIR}, as FLOAT32 on the default backend. */
    public static Split load() throws IOException {
        return load(DEBIAN_DIR);
    }

    /** The files in {@code dir}, as FLOAT32 on the default backend. */
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
