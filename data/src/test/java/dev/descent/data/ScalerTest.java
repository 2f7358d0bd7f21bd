package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScalerTest {
    private static final Tensor TRAIN = Tensor.fromNested(DType.FLOAT64, new double[][] {{1, 10, 5}, {3, 10, 7}, {5, 10, 9}, {7, 10, 11}});

    @Test
    void standardUsesPopulationStatisticsAndKeepsConstantFeatures() {
        Scaler s = Scaler.standard(TRAIN);
        double sd = Math.sqrt(5); // population std of 1, 3, 5, 7
        assertArrayEquals(new double[] {4, 10, 8}, s.offset().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {sd, 1, sd}, s.scale().toDoubleArray(), 1e-12, "constant feature keeps scale 1");
        Tensor z = s.transform(TRAIN);
        assertArrayEquals(new double[] {-3 / sd, 0, -3 / sd, -1 / sd, 0, -1 / sd, 1 / sd, 0, 1 / sd, 3 / sd, 0, 3 / sd},
                z.toDoubleArray(), 1e-12);
        assertTrue(s.inverse(z).allClose(TRAIN));
    }

    @Test
    void minMaxMapsTheTrainingRangeToTheUnitInterval() {
        Scaler s = Scaler.minMax(TRAIN);
        Tensor m = s.transform(TRAIN);
        assertArrayEquals(new double[] {0, 0, 0, 1 / 3.0, 0, 1 / 3.0, 2 / 3.0, 0, 2 / 3.0, 1, 0, 1}, m.toDoubleArray(), 1e-12);
        Tensor outside = s.transform(Tensor.fromNested(DType.FLOAT64, new double[][] {{9, 10, 3}}));
        assertArrayEquals(new double[] {4 / 3.0, 0, -1 / 3.0}, outside.toDoubleArray(), 1e-12, "not clipped");
    }

    @Test
    void transformKeepsTheInputsDtypeAndStatisticsAreFloat64() {
        Tensor f32 = TRAIN.to(DType.FLOAT32);
        Scaler s = Scaler.standard(f32);
        assertEquals(DType.FLOAT64, s.offset().dtype());
        assertEquals(DType.FLOAT32, s.transform(f32).dtype());
        // more rows than one chunk: the float64 accumulation still gives the exact mean
        Tensor many = Tensor.zeros(DType.FLOAT64, 3000).add(Tensor.arange(0, 3000, 1).to(DType.FLOAT64)).reshape(3000, 1);
        assertEquals(1499.5, Scaler.standard(many).offset().item(), 1e-9);
    }

    @Test
    void shapesAndDtypesAreChecked() {
        Scaler s = Scaler.standard(TRAIN);
        DatasetsTest.assertMessage(() -> s.transform(Tensor.fromNested(DType.FLOAT64, new double[][] {{1, 2}})), "Scaler.transform", "(3,)", "(1, 2)");
        DatasetsTest.assertMessage(() -> Scaler.minMax(Tensor.of(new int[] {1, 2})), "Scaler.minMax", "floating", "int32");
        DatasetsTest.assertMessage(() -> Scaler.standard(Tensor.zeros(0, 3)), "Scaler.standard", "n >= 1", "(0, 3)");
    }
}
