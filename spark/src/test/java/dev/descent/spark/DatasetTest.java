package dev.descent.spark;

import dev.descent.nn.losses.Losses;
import dev.descent.optim.train.History;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training from a {@code Dataset<Sample>} and from a DataFrame of feature arrays and labels equals one machine's. */
@Timeout(90)
class DatasetTest {
    static SparkSession session() {
        return SparkSession.builder().sparkContext(LocalSpark.context().sc()).getOrCreate();
    }

    static StructType schema() {
        return new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType), false)
                .add("label", DataTypes.IntegerType, false);
    }

    static Dataset<Row> frame(List<Sample> samples) {
        List<Row> rows = new ArrayList<>();
        for (Sample s : samples) {
            List<Double> x = new ArrayList<>();
            for (double v : s.features()) x.add(v);
            rows.add(RowFactory.create(x, s.classIndex()));
        }
        return session().createDataFrame(rows, schema()).repartition(1).coalesce(1);
    }

    static void assertSingleMachine(SparkTrainer.Builder b, String what) {
        try (SparkTrainer trainer = b.build()) {
            History h = trainer.fit();
            double error = Fixtures.relativeError(trainer.model().stateDict(),
                    SparkTrainerTest.singleMachine(SparkTrainerTest.TRAIN).parameters());
            System.out.printf("%s: max relative parameter error %.3g%n", what, error);
            assertEquals(20, h.steps().size());
            assertTrue(error <= SparkTrainerTest.TOLERANCE, what + ": relative error " + error);
        }
    }

    @Test
    void aDatasetOfSamplesTrainsAsItsRowsDo() {
        SparkSession spark = session();
        Dataset<Sample> train = spark.createDataset(SparkTrainerTest.TRAIN, Samples.encoder());
        Dataset<Sample> validation = spark.createDataset(SparkTrainerTest.VALIDATION, Samples.encoder());
        assertSingleMachine(SparkTrainerTest.sparkBuilder(LocalSpark.context(), SparkTrainerTest.TRAIN, 2, Losses::crossEntropy)
                .trainDataset(train).validationDataset(validation), "Dataset<Sample>");
    }

    @Test
    void aDataFrameOfFeatureArraysAndClassLabelsTrainsAsItsRowsDo() {
        var rows = Samples.fromFrame(frame(SparkTrainerTest.TRAIN), "features", "label");
        assertEquals(SparkTrainerTest.TRAIN.size(), rows.count());
        assertEquals(SparkTrainerTest.TRAIN.get(5).toString(), rows.collect().get(5).toString());
        assertSingleMachine(SparkTrainerTest.sparkBuilder(LocalSpark.context(), SparkTrainerTest.TRAIN, 2, Losses::crossEntropy)
                .trainData(rows), "DataFrame");
    }

    @Test
    void columnsOfTheWrongTypeAreNamedOnTheDriver() {
        Dataset<Row> frame = frame(SparkTrainerTest.TRAIN.subList(0, 4));
        String missing = assertThrows(IllegalArgumentException.class, () -> Samples.fromFrame(frame, "x", "label")).getMessage();
        assertTrue(missing.contains("no features column 'x'") && missing.contains("[features, label]"), missing);
        String label = assertThrows(IllegalArgumentException.class,
                () -> Samples.fromFrame(frame.withColumn("label", frame.col("label").cast("string")), "features", "label"))
                .getMessage();
        assertTrue(label.contains("the label column 'label' must be an integer") && label.contains("got string"), label);
        String features = assertThrows(IllegalArgumentException.class, () -> Samples.fromFrame(frame, "label", "label"))
                .getMessage();
        assertTrue(features.contains("must be an array of numbers, got int"), features);
    }
}
