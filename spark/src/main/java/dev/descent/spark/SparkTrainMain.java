package dev.descent.spark;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.TrainingListener;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code spark-submit} entry point: trains an MLP classifier on a generated data set of Gaussian blobs with
 * {@link SparkTrainer} and prints each epoch's metrics, the executors' backends and the communication cost.
 *
 * <pre>
 * spark-submit --class dev.descent.spark.SparkTrainMain --master local[2] \
 *     spark/target/descent-spark-0.1.0-SNAPSHOT-all.jar --rows 20000 --partitions 4 --epochs 3
 * </pre>
 *
 * Options (all optional): {@code --rows n} (10000), {@code --features d} (16), {@code --classes k} (4),
 * {@code --hidden h} (64), {@code --partitions p} (the context's default parallelism), {@code --epochs e} (3),
 * {@code --batch b} (128), {@code --lr x} (0.01), {@code --seed s} (1), {@code --dtype float32|float64} (float32),
 * {@code --save file.safetensors}.
 */
public final class SparkTrainMain {
    private SparkTrainMain() {
    }

    /** The model: {@code d -> h -> tanh -> k}, initialised from {@code seed} on the default backend. */
    public record Mlp(int features, int hidden, int classes, long seed, DType dtype) implements ModelFactory {
        @Override
        public Module create() {
            TensorFactory f = Tensor.on(Backends.get(), dtype);
            Rng rng = new Rng(seed);
            return new Sequential(new Linear(f, features, hidden, true, null, null, rng), new Tanh(),
                    new Linear(f, hidden, classes, true, null, null, rng));
        }
    }

    public static void main(String[] args) throws IOException {
        SparkConf conf = new SparkConf().setAppName("descent-spark-train").setIfMissing("spark.master", "local[*]");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            run(sc, args, System.out);
        }
    }

    /** Trains as {@link #main} does, on an existing context; returns the history. */
    public static History run(JavaSparkContext sc, String[] args, PrintStream out) throws IOException {
        Map<String, String> o = options(args);
        int rows = Integer.parseInt(o.getOrDefault("rows", "10000"));
        int features = Integer.parseInt(o.getOrDefault("features", "16"));
        int classes = Integer.parseInt(o.getOrDefault("classes", "4"));
        int hidden = Integer.parseInt(o.getOrDefault("hidden", "64"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", Integer.toString(sc.defaultParallelism())));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "3"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "128"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.01"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        DType dtype = DType.valueOf(o.getOrDefault("dtype", "float32").toUpperCase());

        JavaRDD<Sample> train = blobs(sc, rows, features, classes, partitions, seed);
        JavaRDD<Sample> validation = blobs(sc, Math.max(classes, rows / 5), features, classes, partitions, seed + 1);
        out.printf("Training an MLP %d-%d-%d (%s) on %d rows in %d partitions, %d epochs of batches of %d%n",
                features, hidden, classes, dtype, rows, partitions, epochs, batch);
        try (SparkTrainer trainer = SparkTrainer.builder(sc, new Mlp(features, hidden, classes, seed, dtype), Losses::crossEntropy)
                .optimizer(ps -> new Adam(ps, Adam.options().withLr(lr)))
                .trainData(train).batchSize(batch).shuffle(new Rng(seed + 2))
                .validationData(validation)
                .epochs(epochs).metrics(Metrics.accuracy())
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(History.Epoch e) {
                        out.printf("epoch %d: %s (%.1f s)%n", e.epoch(), e.metrics(), e.nanos() / 1e9);
                    }
                })
                .build()) {
            out.println("Executor backends:\n" + trainer.executorBackends());
            History history = trainer.fit();
            SparkTrainer.Communication c = trainer.communication();
            out.printf("%d steps, %d parameters, %.1f kB broadcast per step, %.2f ms per step for broadcast, "
                            + "gradients and aggregation%n", c.steps(), trainer.model().parameterCount(),
                    c.steps() == 0 ? 0 : c.broadcastBytes() / 1024.0 / c.steps(), c.millisPerStep());
            out.println("Stopped: " + history.stopReason() + (history.stopMessage().isEmpty() ? "" : " (" + history.stopMessage() + ")"));
            if (o.containsKey("save")) {
                trainer.model().save(Path.of(o.get("save")));
                out.println("Saved the model to " + o.get("save"));
            }
            return history;
        }
    }

    /**
     * {@code rows} samples of {@code classes} Gaussian blobs in {@code features} dimensions, generated on the
     * executors: partition p draws its rows from {@code Rng(seed + 7919 p)}, so the data set does not depend on
     * where it is generated.
     */
    static JavaRDD<Sample> blobs(JavaSparkContext sc, int rows, int features, int classes, int partitions, long seed) {
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) parts.add(p);
        return sc.parallelize(parts, partitions).flatMap(p -> {
            Rng rng = new Rng(seed + 7919L * p);
            int from = (int) ((long) rows * p / partitions), to = (int) ((long) rows * (p + 1) / partitions);
            List<Sample> out = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                int c = rng.nextInt(classes);
                double[] x = new double[features];
                for (int j = 0; j < features; j++) x[j] = (j % classes == c ? 1.5 : 0.0) + rng.nextGaussian();
                out.add(Sample.ofClass(x, c));
            }
            return out.iterator();
        });
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("SparkTrainMain: expected --option value pairs, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
