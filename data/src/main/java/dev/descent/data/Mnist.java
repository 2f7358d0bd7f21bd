package dev.descent.data;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * LeCun, Cortes and Burges' MNIST handwritten digits: 28 x 28 grey-scale images of the digits 0 to 9, 60,000 for
 * training and 10,000 for test, in four IDX files ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}; plain
 * or gzip).
 *
 * <p>Features are {@code (n, 28, 28)} pixels scaled to [0, 1], labels INT32 digits; the split's validation part is
 * empty.
 *
 * <pre>{@code
 * Split mnist = Mnist.load(Path.of("data/mnist"));
 * Dataset train = mnist.train().flatten();   // float32 (60000, 784)
 * }</pre>
 */
public final class Mnist {
    /** The class names, by label: the digits. */
    public static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    static final String HOW_TO_GET = "download the four files of the MNIST database (train-images-idx3-ubyte.gz, "
            + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into that directory";

    private Mnist() {
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
        return MnistFiles.load("Mnist.load", dir, backend, dtype, CLASSES, HOW_TO_GET);
    }
}
