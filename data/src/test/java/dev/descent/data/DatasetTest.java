package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {

    @Test
    void oneHotEncodesClassLabels() {
        Dataset d = new Dataset(Tensor.zeros(4, 2), Tensor.of(new int[] {2, 0, 1, 2}), List.of("a", "b", "c"));
        Dataset h = d.oneHot();
        assertEquals(DType.FLOAT32, h.labels().dtype());
        assertEquals(Shape.of(4, 3), h.labels().shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, h.labels().toFloatArray());
        assertArrayEquals(new int[] {1, 1, 2}, d.classCounts());
        DatasetsTest.assertMessage(() -> new Dataset(Tensor.zeros(2, 1), Tensor.of(new int[] {0, 3}), List.of("a", "b")).oneHot(),
                "oneHot", "index 3");
        DatasetsTest.assertMessage(() -> new Dataset(Tensor.zeros(2, 1), Tensor.of(new int[] {0, -1}), List.of("a", "b"))
                .classCounts(), "Dataset.classCounts", "label -1 at sample 1");
    }

    @Test
    void subsetFlattenAndConversionKeepRowsTogether() {
        Dataset d = Datasets.shapes(new Rng(1), 9, 16, 0);
        Dataset sub = d.subset(new int[] {4, 0});
        assertEquals(2, sub.size());
        assertTrue(sub.features().slice(0, 0, 1).equal(d.features().slice(0, 4, 5)));
        assertEquals(Shape.of(9, 256), d.flatten().features().shape());
        assertEquals(DType.FLOAT64, d.to(DType.FLOAT64).features().dtype());
        assertEquals(DType.INT32, d.to(DType.FLOAT64).labels().dtype(), "class indices stay INT32");
        assertEquals(Shape.of(3, 16, 16), d.slice(2, 5).features().shape());
    }

    @Test
    void constructorChecksAgreement() {
        DatasetsTest.assertMessage(() -> new Dataset(Tensor.zeros(3, 2), Tensor.of(new int[] {0, 1}), List.of()),
                "Dataset", "3 samples", "(3, 2)", "labels have 2");
        DatasetsTest.assertMessage(() -> new Dataset(Tensor.zeros(3, 2), Tensor.of(new int[] {0, 1, 1}), List.of(),
                List.of("x")), "1 feature names", "(3, 2)");
        DatasetsTest.assertMessage(() -> new Dataset(Tensor.scalar(1), Tensor.of(new int[] {0}), List.of()), "rank >= 1");
        DatasetsTest.assertMessage(() -> new Dataset(Tensor.zeros(1, 2), Tensor.of(new int[] {0}), List.of()).classCounts(),
                "classCounts", "class names");
    }
}
