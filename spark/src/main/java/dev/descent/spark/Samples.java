package dev.descent.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * Training rows from Spark SQL: a {@code Dataset<Sample>} (encoded with {@link #encoder()}), or a DataFrame with a
 * column of feature arrays and a label column, as {@link SparkTrainer.Builder#trainData(JavaRDD)} takes them.
 *
 * <pre>{@code
 * Dataset<Row> frame = spark.read().parquet("train.parquet");   // features: array<double>, label: int
 * JavaRDD<Sample> rows = Samples.fromFrame(frame, "features", "label");
 * }</pre>
 */
public final class Samples {
    private Samples() {
    }

    /** The encoder of a {@code Dataset<Sample>} (Java serialisation of each row). */
    public static Encoder<Sample> encoder() {
        return Encoders.javaSerialization(Sample.class);
    }

    /** The rows of a {@code Dataset<Sample>}, in its order. */
    public static JavaRDD<Sample> of(Dataset<Sample> rows) {
        if (rows == null) throw new IllegalArgumentException("Samples.of: the Dataset must not be null");
        return rows.javaRDD();
    }

    /**
     * The rows of a DataFrame: {@code features} an array of numbers (float, double, int or long); {@code label} an
     * integer (a class index), a float or double (a target of length 1), or an array of numbers (a vector target).
     * The column types are checked here, on the driver; a null cell fails the trainer's build with its row.
     */
    public static JavaRDD<Sample> fromFrame(Dataset<Row> frame, String features, String label) {
        if (frame == null) throw new IllegalArgumentException("Samples.fromFrame: the DataFrame must not be null");
        StructType schema = frame.schema();
        DataType f = type(schema, features, "features"), l = type(schema, label, "label");
        if (!(f instanceof ArrayType a) || !numeric(a.elementType())) {
            throw new IllegalArgumentException("Samples.fromFrame: the features column '" + features
                    + "' must be an array of numbers, got " + f.simpleString());
        }
        boolean classes = l == DataTypes.IntegerType || l == DataTypes.LongType || l == DataTypes.ShortType
                || l == DataTypes.ByteType;
        boolean scalar = l == DataTypes.DoubleType || l == DataTypes.FloatType;
        boolean vector = l instanceof ArrayType la && numeric(la.elementType());
        if (!classes && !scalar && !vector) {
            throw new IllegalArgumentException("Samples.fromFrame: the label column '" + label + "' must be an integer "
                    + "(a class index), a float or double, or an array of numbers; got " + l.simpleString());
        }
        int fi = schema.fieldIndex(features), li = schema.fieldIndex(label);
        return frame.javaRDD().map(row -> {
            if (row.isNullAt(fi) || row.isNullAt(li)) return null; // named by the trainer's checks, with its index
            double[] x = numbers(row.getList(fi));
            if (classes) return Sample.ofClass(x, Math.toIntExact(((Number) row.get(li)).longValue()));
            if (scalar) return Sample.of(x, ((Number) row.get(li)).doubleValue());
            return Sample.of(x, numbers(row.getList(li)));
        });
    }

    private static DataType type(StructType schema, String column, String what) {
        if (column == null || !Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("Samples.fromFrame: no " + what + " column '" + column + "'; the columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        StructField field = schema.apply(column);
        return field.dataType();
    }

    private static boolean numeric(DataType t) {
        return t == DataTypes.DoubleType || t == DataTypes.FloatType || t == DataTypes.IntegerType || t == DataTypes.LongType;
    }

    private static double[] numbers(List<Object> list) {
        double[] x = new double[list.size()];
        for (int i = 0; i < x.length; i++) x[i] = ((Number) list.get(i)).doubleValue();
        return x;
    }
}
