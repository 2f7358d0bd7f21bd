package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The four IDX files of MNIST and its look-alikes, and how to turn them into a {@link Split}. */
final class MnistFiles {
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private MnistFiles() {
    }

    /**
     * Loads the training and test sets from {@code dir}: images scaled to [0, 1] in {@code dtype}, labels INT32.
     * Fails before reading anything when a file is missing, naming every missing file and {@code howToGet}.
     */
    static Split load(String op, Path dir, Backend backend, DType dtype, List<String> classNames, String howToGet)
            throws IOException {
        if (!dtype.isFloating()) throw new IllegalArgumentException(op + ": expected FLOAT32 or FLOAT64, got " + dtype);
        Path[] files = new Path[NAMES.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            files[i] = find(dir, NAMES.get(i));
            if (files[i] == null) missing.add(NAMES.get(i) + ".gz");
        }
        if (!missing.isEmpty()) {
            String where = Files.isDirectory(dir) ? "" : " (the directory does not exist)";
            throw new NoSuchFileException(null, null, op + ": missing " + String.join(", ", missing)
                    + " (or the same without .gz) in " + dir + where + "; " + howToGet);
        }
        Dataset train = pair(files[0], files[1], backend, dtype, classNames);
        Dataset test = pair(files[2], files[3], backend, dtype, classNames);
        return new Split(train, test.subset(new int[0]), test);
    }

    /** Whether {@code dir} holds all four files, plain or gzip. */
    static boolean complete(Path dir) {
        return NAMES.stream().allMatch(name -> find(dir, name) != null);
    }

    /** {@code dir/name.gz}, else {@code dir/name}, else null. */
    private static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        Path plain = dir.resolve(name);
        return Files.isRegularFile(plain) ? plain : null;
    }

    private static Dataset pair(Path imageFile, Path labelFile, Backend backend, DType dtype, List<String> classNames)
            throws IOException {
        IdxArray images = Idx.read(imageFile);
        if (images.type() != IdxType.UBYTE || images.dims().length != 3) {
            throw new DatasetFormatException(imageFile, "expected ubyte images (count, rows, columns), got "
                    + images.type() + " with " + images.dims().length + " dimensions");
        }
        IdxArray labels = Idx.read(labelFile);
        if (labels.type() != IdxType.UBYTE || labels.dims().length != 1) {
            throw new DatasetFormatException(labelFile, "expected ubyte labels (count), got " + labels.type() + " with "
                    + labels.dims().length + " dimensions");
        }
        if (labels.size() != images.dims()[0]) {
            throw new DatasetFormatException(labelFile, labels.size() + " labels for " + images.dims()[0]
                    + " images in " + imageFile.getFileName() + " (the counts must agree)");
        }
        Tensor y = labels.toTensor(Tensor.on(backend, DType.INT32));
        int[] values = y.toIntArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] >= classNames.size()) {
                throw new DatasetFormatException(labelFile, "label " + values[i] + " at index " + i
                        + " is not a class (expected 0 to " + (classNames.size() - 1) + ")");
            }
        }
        Tensor x = images.toTensor(Tensor.on(backend, dtype), 1 / 255.0);
        return new Dataset(x, y, classNames);
    }
}
