package dev.descent.data;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest {

    @Test
    void batchModeIsOneBatchOfTheDatasetsOwnTensors() {
        Dataset d = DataLoaderProperties.numbered(10);
        DataLoader loader = DataLoader.over(d).mode(BatchMode.batch()).shuffle(new Rng(1)).build();
        assertFalse(loader.shuffles(), "batch mode never shuffles");
        assertEquals(1, loader.batchesPerEpoch());
        Iterator<Batch> it = loader.iterator();
        Batch b = it.next();
        assertSame(d.features(), b.features(), "no copy of the whole set");
        assertSame(d.labels(), b.labels());
        assertEquals(10, b.size());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void modesNameTheirMethod() {
        assertEquals("batch gradient descent", BatchMode.batch().description());
        assertEquals("mini-batch gradient descent (batch size 32)", BatchMode.miniBatch(32).description());
        assertEquals("stochastic gradient descent", BatchMode.stochastic().description());
        assertEquals(1000, BatchMode.batch().batchSize(1000));
        assertEquals(1, BatchMode.stochastic().batchSize(1000));
        assertEquals(BatchMode.miniBatch(8), BatchMode.miniBatch(8));
        DataLoader loader = DataLoader.over(DataLoaderProperties.numbered(100)).batchSize(32).dropLast(true)
                .shuffle(new Rng(0)).build();
        assertEquals("DataLoader[mini-batch gradient descent (batch size 32), 100 samples, 3 batches per epoch, shuffled, "
                + "drop last]", loader.toString());
    }

    @Test
    void batchesCarryEpochAndPosition() {
        DataLoader loader = DataLoader.over(DataLoaderProperties.numbered(5)).batchSize(2).build();
        loader.iterator();
        int[] numbers = new int[3];
        int i = 0;
        for (Batch b : loader) {
            assertEquals(1, b.epoch());
            numbers[i++] = b.number();
        }
        assertArrayEquals(new int[] {0, 1, 2}, numbers);
    }

    @Test
    void badArgumentsSayWhatIsExpected() {
        Dataset d = DataLoaderProperties.numbered(10);
        DatasetsTest.assertMessage(() -> DataLoader.over(d).batchSize(11).dropLast(true).build(),
                "DataLoader", "batch size 11", "no batch of 10 samples");
        DatasetsTest.assertMessage(() -> DataLoader.over(d).batchSize(0), "BatchMode.miniBatch", "batchSize >= 1", "got 0");
        DatasetsTest.assertMessage(() -> DataLoader.over(d.features(), d.labels().slice(0, 0, 9)),
                "10 samples", "labels have 9");
        DatasetsTest.assertMessage(() -> DataLoader.over(d).shuffle(null), "DataLoader.shuffle", "rng");
    }

    @Test
    void shuffledBatchesGatherTheRightRows() {
        Dataset d = Datasets.shapes(new Rng(2), 30, 16, 0.1);
        DataLoader loader = DataLoader.over(d).batchSize(7).shuffle(new Rng(3)).build();
        for (Batch b : loader) {
            int[] s = b.samples();
            Tensor expected = d.subset(s).features();
            assertTrue(expected.equal(b.features()));
            assertArrayEquals(d.subset(s).labels().toIntArray(), b.labels().toIntArray());
            assertEquals(List.of(b.size(), 16, 16), List.of(b.features().dim(0), b.features().dim(1), b.features().dim(2)));
        }
    }

    @Test
    void inOrderIterationAndRestoreLeaveTheShuffleSequenceIntact() {
        Tensor x = Tensor.on(dev.descent.core.Backends.get(), dev.descent.core.DType.FLOAT32).arange(0, 10, 1).reshape(10, 1);
        DataLoader a = DataLoader.over(x, x).mode(BatchMode.miniBatch(4)).shuffle(new Rng(5)).build();
        DataLoader b = DataLoader.over(x, x).mode(BatchMode.miniBatch(4)).shuffle(new Rng(5)).build();
        a.iterator();
        long[] saved = a.rngState();
        int started = a.epochs();
        int[] inOrder = java.util.stream.StreamSupport.stream(a.inOrder().spliterator(), false)
                .flatMapToInt(batch -> java.util.Arrays.stream(batch.samples())).toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, inOrder);
        assertEquals(started, a.epochs(), "in-order iteration does not count an epoch");
        int[] next = a.iterator().next().samples();
        b.restore(saved, started);
        assertArrayEquals(next, b.iterator().next().samples(), "a restored loader continues the same order");
        assertEquals(2, b.epochs());
        assertThrows(IllegalArgumentException.class, () -> b.restore(null, 0));
    }
}
