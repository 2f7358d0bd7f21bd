package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real Fashion-MNIST files, where Debian's {@code dataset-fashion-mnist} package installs them ({@code .ci/run}
 * installs it). Prints how long loading takes.
 */
class FashionMnistTest {

    @Test
    void loadsCountsShapesAndBalancedClasses() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
        long start = System.nanoTime();
        Split data = FashionMnist.load();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("FashionMnist.load(" + FashionMnist.DEBIAN_DIR + "): " + millis + " ms");

        Dataset train = data.train();
        Dataset test = data.test();
        assertEquals(Shape.of(60_000, 28, 28), train.features().shape());
        assertEquals(Shape.of(10_000, 28, 28), test.features().shape());
        assertEquals(DType.FLOAT32, train.features().dtype());
        assertEquals(DType.INT32, train.labels().dtype());
        assertEquals(0, data.validation().size());
        assertEquals(FashionMnist.CLASSES, train.classNames());
        int[] sixThousand = new int[10];
        java.util.Arrays.fill(sixThousand, 6_000);
        assertArrayEquals(sixThousand, train.classCounts());
        int[] oneThousand = new int[10];
        java.util.Arrays.fill(oneThousand, 1_000);
        assertArrayEquals(oneThousand, test.classCounts());
        assertEquals(0.0, train.features().min().item());
        assertEquals(1.0, train.features().max().item(), "pixel 255 scales to exactly 1");
        // the published mean pixel of the training images is 0.2860
        assertEquals(0.2860, train.features().mean().item(), 0.0005);
        assertEquals(Shape.of(60_000, 784), train.flatten().features().shape());
    }
}
