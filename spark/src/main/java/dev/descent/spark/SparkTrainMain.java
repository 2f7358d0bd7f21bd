package dev.descent.spark;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.FashionMnist;
import dev.descent.data.Split;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Optimizers;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;
import dev.descent.optim.train.TrainingListener;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code spark-submit} entry point: trains an MLP classifier with {@link SparkTrainer} on generated Gaussian
 * blobs or on Fashion-MNIST, and prints each epoch's metrics, the executors' backends and the communication cost;
 * optionally it trains the same model on the same rows with the single-machine {@link Trainer} and prints the ratio
 * of their times.
 *
 * <pre>
 * spark-submit --class dev.descent.spark.SparkTrainMain --master local[2] \
 *     spark/target/descent-spark-0.1.0-SNAPSHOT-all.jar --data fashion-mnist --hidden 256,128 --epochs 1 --compare-local
 * </pre>
 *
 * Options (all optional): {@code --data blobs|fashion-mnist|DIR} (blobs; {@code fashion-mnist} reads the IDX files
 * in {@link FashionMnist#DEBIAN_DIR}, {@code DIR} those in DIR, and validates on the test images),
 * {@code --rows n} (10000 blobs; for Fashion-MNIST the first n training images, default all),
 * {@code --features d} (16; blobs only), {@code --classes k} (4; blobs only), {@code --hidden h1,h2,...} (64),
 * {@code --partitions p} (the context's default parallelism), {@code --epochs e} (3), {@code --batch b} (128),
 * {@code --optimizer name} (adam; any of {@link Optimizers#names()}), {@code --lr x} (0.01), {@code --seed s} (1), {@code --dtype float32|float64} (float32),
 * {@code --save file.safetensors}, {@code --compare-local} (a flag).
 */
public final class SparkTrainMain {
    private SparkTrainMain() {
    }

    /** The model: {@code d -> h1 -> tanh -> h2 -> tanh ... -> k}, initialised from {@code seed} on the default backend. */
    public record Mlp(int features, List<Integer> hidden, int classes, long seed, DType dtype) implements ModelFactory {
        public Mlp {
            hidden = List.copyOf(hidden);
        }

        @Override
        public Module create() {
            TensorFactory f = Tensor.on(Backends.get(), dtype);
            Rng rng = new Rng(seed);
            List<Module> layers = new ArrayList<>();
            int in = features;
            for (int h : hidden) {
                layers.add(new Linear(f, in, h, true, null, null, rng));
                layers.add(new Tanh());
                in = h;
            }
            layers.add(new Linear(f, in, classes, true, null, null, rng));
            return new Sequential(layers.toArray(new Module[0]));
        }
    }

    /** The Spark run's history, and the single-machine run's with {@code --compare-local} (else null). */
    public record Runs(History spark, History local) {
    }

    public static void main(String[] args) throws IOException {
        SparkConf conf = new SparkConf().setAppName("descent-spark-train").setIfMissing("spark.master", "local[*]");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            run(sc, args, System.out);
        }
    }

    /** Trains as {@link #main} does, on an existing context. */
    public static Runs run(JavaSparkContext sc, String[] args, PrintStream out) throws IOException {
        Map<String, String> o = options(args);
        String data = o.getOrDefault("data", "blobs");
        int partitions = Integer.parseInt(o.getOrDefault("partitions", Integer.toString(sc.defaultParallelism())));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "3"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "128"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.01"));
        String optimizer = o.getOrDefault("optimizer", "adam");
        Optimizers.hyperparameters(optimizer); // an unknown name fails here, listing the known ones
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        DType dtype = DType.valueOf(o.getOrDefault("dtype", "float32").toUpperCase());
        List<Integer> hidden = Arrays.stream(o.getOrDefault("hidden", "64").split(",")).map(Integer::valueOf).toList();

        JavaRDD<Sample> train, validation;
        int features, classes;
        if (data.equals("blobs")) {
            int rows = Integer.parseInt(o.getOrDefault("rows", "10000"));
            features = Integer.parseInt(o.getOrDefault("features", "16"));
            classes = Integer.parseInt(o.getOrDefault("classes", "4"));
            train = blobs(sc, rows, features, classes, partitions, seed);
            validation = blobs(sc, Math.max(classes, rows / 5), features, classes, partitions, seed + 1);
        } else {
            String dir = data.equals("fashion-mnist") ? FashionMnist.DEBIAN_DIR.toString() : data;
            int rows = Integer.parseInt(o.getOrDefault("rows", Integer.toString(Integer.MAX_VALUE)));
            features = 28 * 28;
            classes = FashionMnist.CLASSES.size();
            train = fashionMnist(sc, dir, false, rows, partitions);
            validation = fashionMnist(sc, dir, true, Integer.MAX_VALUE, partitions);
        }
        // read or generated once: building the trainer numbers the rows (a job) before it packs them (another)
        train.persist(StorageLevel.MEMORY_AND_DISK());
        validation.persist(StorageLevel.MEMORY_AND_DISK());
        Mlp mlp = new Mlp(features, hidden, classes, seed, dtype);
        out.printf("Training an MLP %d-%s-%d (%s) on %s in %d partitions, %d epochs of batches of %d%n", features,
                hidden.stream().map(String::valueOf).reduce((a, b) -> a + "-" + b).orElse(""), classes, dtype, data,
                partitions, epochs, batch);
        try (SparkTrainer trainer = SparkTrainer.builder(sc, mlp, Losses::crossEntropy)
                .optimizer(ps -> Optimizers.byName(optimizer, ps, Map.of("lr", lr)))
                .trainData(train).batchSize(batch).shuffle(new Rng(seed + 2))
                .validationData(validation)
                .epochs(epochs).metrics(Metrics.accuracy())
                .listener(printEpochs("spark", out))
                .build()) {
            out.println("Executor backends:\n" + trainer.executorBackends());
            List<Sample> localTrain = o.containsKey("compare-local") ? train.collect() : null;
            List<Sample> localValidation = o.containsKey("compare-local") ? validation.collect() : null;
            train.unpersist(false);
            validation.unpersist(false);
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
            History local = null;
            if (localTrain != null) {
                local = trainLocally(mlp, localTrain, localValidation, optimizer, batch, lr, seed, epochs, out);
                compare(history, local, out);
            }
            return new Runs(history, local);
        }
    }

    /**
     * The same training on this machine: the same model and initial weights, rows in the same order, the same
     * shuffle and optimiser, on the driver's default backend.
     */
    static History trainLocally(Mlp mlp, List<Sample> train, List<Sample> validation, String optimizer, int batch,
                                double lr, long seed, int epochs, PrintStream out) {
        Module model = mlp.create();
        TensorFactory f = Tensor.on(Backends.get(), mlp.dtype());
        Dataset t = dataset(f, train), v = dataset(f, validation);
        Trainer trainer = Trainer.builder(model, Losses.crossEntropy(),
                        Optimizers.byName(optimizer, model.parameters(), Map.of("lr", lr)))
                .trainData(DataLoader.over(t.features(), t.labels()).mode(BatchMode.miniBatch(batch)).shuffle(new Rng(seed + 2)).build())
                .validationData(DataLoader.over(v.features(), v.labels()).mode(BatchMode.miniBatch(Math.min(batch, v.size()))).build())
                .epochs(epochs).metrics(Metrics.accuracy())
                .listener(printEpochs("single machine", out))
                .build();
        out.println("Training the same model on the driver alone (" + f.backend().name() + ")");
        return trainer.fit();
    }

    /**
     * Prints both runs' time per step and per epoch (steps, then with the evaluation of the training and validation
     * data), and Spark's over the single machine's; of the last epoch, so that a run of several epochs leaves the JIT's
     * warm-up out.
     */
    static void compare(History spark, History local, PrintStream out) {
        int epoch = spark.epochs().size();
        out.printf("Epoch %d of each run:%n%-15s %6s %12s %12s %20s%n", epoch, "", "steps", "ms per step",
                "s of steps", "s with evaluation");
        double sparkSteps = line("spark", spark, out), localSteps = line("single machine", local, out);
        double sparkEpoch = last(spark).nanos() / 1e9, localEpoch = last(local).nanos() / 1e9;
        out.printf("spark / single machine: %.2f (steps), %.2f (epoch with evaluation)%n", sparkSteps / localSteps,
                sparkEpoch / localEpoch);
    }

    /** Prints the last epoch's line and returns the seconds of its steps. */
    private static double line(String who, History h, PrintStream out) {
        History.Epoch e = last(h);
        long[] nanos = h.steps().stream().filter(s -> s.epoch() == e.epoch()).mapToLong(History.Step::nanos).toArray();
        double seconds = Arrays.stream(nanos).sum() / 1e9;
        out.printf("%-15s %6d %12.2f %12.2f %20.2f%n", who, nanos.length, seconds * 1e3 / nanos.length, seconds,
                e.nanos() / 1e9);
        return seconds;
    }

    private static History.Epoch last(History h) {
        return h.epochs().get(h.epochs().size() - 1);
    }

    private static TrainingListener printEpochs(String who, PrintStream out) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(History.Epoch e) {
                out.printf("%s epoch %d: %s (%.1f s)%n", who, e.epoch(), e.metrics(), e.nanos() / 1e9);
            }
        };
    }

    /** The rows as a features tensor {@code (n, d)} and INT32 class labels. */
    static Dataset dataset(TensorFactory f, List<Sample> rows) {
        int d = rows.get(0).featureLength();
        double[] x = new double[rows.size() * d];
        int[] y = new int[rows.size()];
        for (int i = 0; i < y.length; i++) {
            rows.get(i).copyFeaturesTo(x, i * d);
            y[i] = rows.get(i).classIndex();
        }
        return new Dataset(f.of(x, y.length, d), Tensor.on(f.backend(), DType.INT32).of(y, y.length), List.of());
    }

    /**
     * {@code rows} samples of {@code classes} Gaussian blobs in {@code features} dimensions, generated on the
     * executors: partition p draws its rows from {@code Rng(seed + 7919 p)}, so the data set does not depend on
     * where it is generated.
     */
    static JavaRDD<Sample> blobs(JavaSparkContext sc, int rows, int features, int classes, int partitions, long seed) {
        return indices(sc, partitions).flatMap(p -> {
            Rng rng = new Rng(seed + 7919L * p);
            int from = from(rows, p, partitions), to = from(rows, p + 1, partitions);
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

    /**
     * The first {@code rows} Fashion-MNIST training (or test) images in {@code dir} as rows of 784 pixels in [0, 1],
     * read on the executors: partition p reads the files and keeps its contiguous share, in the files' order.
     */
    static JavaRDD<Sample> fashionMnist(JavaSparkContext sc, String dir, boolean test, int rows, int partitions) {
        return indices(sc, partitions).flatMap(p -> {
            Split files = FashionMnist.load(Path.of(dir));
            Dataset d = (test ? files.test() : files.train()).flatten();
            int n = Math.min(rows, d.size()), from = from(n, p, partitions), to = from(n, p + 1, partitions);
            double[] x = d.features().slice(0, from, to).toDoubleArray();
            int[] y = d.labels().slice(0, from, to).toIntArray();
            int width = d.features().dim(1);
            List<Sample> out = new ArrayList<>(to - from);
            for (int i = 0; i < y.length; i++) out.add(Sample.ofClass(Arrays.copyOfRange(x, i * width, (i + 1) * width), y[i]));
            return out.iterator();
        });
    }

    /** An RDD of the numbers {@code 0 .. n-1}, one per partition. */
    private static JavaRDD<Integer> indices(JavaSparkContext sc, int n) {
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < n; p++) parts.add(p);
        return sc.parallelize(parts, n);
    }

    /** The first row of partition {@code p} when {@code rows} rows are split into {@code partitions} contiguous ranges. */
    private static int from(int rows, int p, int partitions) {
        return (int) ((long) rows * p / partitions);
    }

    /** {@code --name value} pairs; a name followed by another name or by nothing is a flag (value "true"). */
    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("SparkTrainMain: expected --option value pairs, got '" + args[i] + "'");
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            o.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        return o;
    }
}
