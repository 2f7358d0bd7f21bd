package dev.descent.examples.demos;

import dev.descent.data.Idx;
import dev.descent.data.IdxArray;
import dev.descent.data.IdxType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes MNIST-style IDX files of an easy ten-class problem into a directory: a 28 x 28 image of class {@code c} is
 * a bright horizontal bar on rows {@code 2c + 4} and {@code 2c + 5} over a noisy dark background. The end-to-end path
 * of the demos that read IDX files is then tested without the real data.
 */
final class SyntheticIdx {
    private SyntheticIdx() {
    }

    /** Writes {@code train-*} ({@code trainCount} images) and {@code t10k-*} ({@code testCount}) into {@code dir}. */
    static Path write(Path dir, int trainCount, int testCount, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(7);
        pair(dir, "train", trainCount, r, gzip);
        pair(dir, "t10k", testCount, r, gzip);
        return dir;
    }

    private static void pair(Path dir, String prefix, int n, Random r, boolean gzip) throws IOException {
        double[] pixels = new double[n * 28 * 28];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = c;
            for (int p = 0; p < 28 * 28; p++) {
                int row = p / 28;
                boolean bar = row == 2 * c + 4 || row == 2 * c + 5;
                pixels[i * 784 + p] = bar ? 200 + r.nextInt(56) : r.nextInt(60);
            }
        }
        String ext = gzip ? ".gz" : "";
        Idx.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), IdxArray.of(IdxType.UBYTE, new int[] {n, 28, 28}, pixels));
        Idx.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), IdxArray.of(IdxType.UBYTE, new int[] {n}, labels));
    }
}
