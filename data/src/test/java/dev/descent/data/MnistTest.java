package dev.descent.data;

import dev.descent.core.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MNIST loaders on small files in MNIST's format. */
class MnistTest {
    @TempDir
    Path dir;

    /** Writes {@code n} 2 x 3 images whose pixel j of image i is (i * 6 + j) * 5 % 256, with labels i % 10. */
    private void write(String images, String labels, int n, int labelCount, boolean gzip) throws IOException {
        double[] px = new double[n * 6];
        for (int i = 0; i < px.length; i++) px[i] = i * 5 % 256;
        double[] y = new double[labelCount];
        for (int i = 0; i < labelCount; i++) y[i] = i % 10;
        String ext = gzip ? ".gz" : "";
        Idx.write(dir.resolve(images + ext), IdxArray.of(IdxType.UBYTE, new int[] {n, 2, 3}, px));
        Idx.write(dir.resolve(labels + ext), IdxArray.of(IdxType.UBYTE, new int[] {labelCount}, y));
    }

    private void writeAll() throws IOException {
        write(MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS, 20, 20, true);
        write(MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS, 10, 10, false); // plain files are found too
    }

    @Test
    void loadsImagesScaledToUnitIntervalAndLabels() throws IOException {
        writeAll();
        Split s = Mnist.load(dir);
        assertEquals(Shape.of(20, 2, 3), s.train().features().shape());
        assertEquals(Shape.of(10, 2, 3), s.test().features().shape());
        assertEquals(0, s.validation().size());
        float[] px = s.train().features().toFloatArray();
        for (int i = 0; i < px.length; i++) assertEquals((float) ((i * 5 % 256) / 255.0), px[i], 1e-7);
        assertEquals(1.0f, px[51], "255 scales to exactly 1");
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, s.train().labels().toIntArray());
        assertEquals(Mnist.CLASSES, s.train().classNames());
        assertEquals("Ankle boot", FashionMnist.load(dir).train().classNames().get(9));
    }

    @Test
    void missingFilesAreNamedWithHowToGetThem() throws IOException {
        write(MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS, 20, 20, true);
        Files.delete(dir.resolve(MnistFiles.TRAIN_LABELS + ".gz"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains("FashionMnist.load: missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                + "t10k-labels-idx1-ubyte.gz"), m);
        assertTrue(m.contains(dir.toString()) && m.contains("apt-get install dataset-fashion-mnist"), m);
        String absent = assertThrows(NoSuchFileException.class, () -> Mnist.load(dir.resolve("nowhere"))).getMessage();
        assertTrue(absent.contains("Mnist.load: missing train-images-idx3-ubyte.gz") && absent.contains("does not exist")
                && absent.contains("MNIST database"), absent);
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        writeAll();
        write(MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS, 10, 9, false);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Mnist.load(dir));
        assertEquals(dir.resolve(MnistFiles.TEST_LABELS), e.file());
        assertTrue(e.getMessage().contains("9 labels for 10 images in t10k-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void labelsMustBeClassesAndFilesMustHaveMnistsLayout() throws IOException {
        writeAll();
        Idx.write(dir.resolve(MnistFiles.TEST_LABELS), IdxArray.of(IdxType.UBYTE, new int[] {10},
                new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 10}));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("label 10 at index 9 is not a class"), e.getMessage());

        Idx.write(dir.resolve(MnistFiles.TRAIN_IMAGES + ".gz"), IdxArray.of(IdxType.FLOAT, new int[] {20, 6}, new double[120]));
        e = assertThrows(DatasetFormatException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("expected ubyte images (count, rows, columns), got FLOAT with 2 dimensions"),
                e.getMessage());
    }

    @Test
    void aCorruptedFileLoadsNothing() throws IOException {
        writeAll();
        Path images = dir.resolve(MnistFiles.TRAIN_IMAGES + ".gz");
        byte[] b = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(b, b.length - 3));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> FashionMnist.load(dir));
        assertEquals(images, e.file());
        assertTrue(e.getMessage().contains("corrupted gzip stream"), e.getMessage());
    }
}
