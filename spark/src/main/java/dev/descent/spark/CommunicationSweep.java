package dev.descent.spark;

import dev.descent.core.DType;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.SGD;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

/**
 * What a synchronous step costs in communication as the model grows: for each MLP of a list, a few steps of
 * {@link SparkTrainer} with a tiny batch (one or two rows per partition, so computing is negligible), and the median
 * of each part of a step's {@link SparkTrainer.StepCost}; beside them, the median time of a job that computes and
 * ships nothing (Spark's fixed cost per job). Prints a Markdown table.
 *
 * <pre>
 * spark-submit --class dev.descent.spark.CommunicationSweep --master local[2] \
 *     spark/target/descent-spark-0.1.0-SNAPSHOT-all.jar --models 16-64-4,784-1024-256-10 --steps 30
 * </pre>
 *
 * Options (all optional): {@code --models w0-w1-...-wk,...} (widths from features to classes; default from about
 * 1k to 4M parameters), {@code --steps n} (30, timed), {@code --warmup n} (20, not timed), {@code --batch b}
 * (2 × partitions), {@code --partitions p} (the context's default parallelism), {@code --dtype float32|float64}
 * (float32), {@code --seed s} (1), {@code --steps-per-job k,...} (1: one job per step; k above 1 adds rows for
 * {@link SparkTrainer.Builder#stepsPerJob} mode, whose per-step figures are its jobs' times divided by their steps),
 * {@code --depth d} (1, {@link SparkTrainer.Builder#aggregationDepth}), {@code --exchange all-reduce,driver}
 * (all-reduce: the barrier rows' {@link SparkTrainer.Builder#exchange}, one row per exchange listed; a second table
 * gives their steps' parts).
 */
public final class CommunicationSweep {
    /** The default models: about 1.3k, 9.6k, 102k, 1.07M and 4.2M parameters. */
    static final String MODELS = "16-64-4,64-128-10,784-128-10,784-1024-256-10,1024-2048-1024-10";

    private CommunicationSweep() {
    }

    /** One model's medians over the timed steps, in nanoseconds; {@code emptyJobNanos} is the same for every row. */
    public record Row(String model, long parameters, long broadcastBytes, int steps, long stepNanos, long encodeNanos,
                      long broadcastNanos, long jobNanos, long loadNanos, long computeNanos, long overheadNanos,
                      long emptyJobNanos, int stepsPerJob, SparkTrainer.Exchange exchange, Parts parts) {
        Row withEmptyJob(long nanos) {
            return new Row(model, parameters, broadcastBytes, steps, stepNanos, encodeNanos, broadcastNanos, jobNanos,
                    loadNanos, computeNanos, overheadNanos, nanos, stepsPerJob, exchange, parts);
        }

        /** The step less the slowest partition's computing: what Spark and the exchange cost per step. */
        public long costNanos() {
            return stepNanos - computeNanos;
        }
    }

    /**
     * A barrier step's parts, each on the task where it took longest, medians over the timed jobs of each job's
     * sum divided by its steps: computing the share, packing it, waiting for the other tasks to start sending
     * (all-reduce only; the driver's exchange counts it in the transfer), sending and receiving (and, through the
     * driver, waiting), summing, setting the gradients to the sum, the update; and the rest of the step (the job's
     * own cost, its broadcast and the state's loading, spread over its steps); and the bytes a task's thread
     * allocated on the heap per step (-1 where the JVM does not count them).
     */
    public record Parts(long compute, long pack, long waiting, long transfer, long reduce, long apply, long update, long rest,
                        long allocatedBytes) {
    }

    public static void main(String[] args) {
        SparkConf conf = new SparkConf().setAppName("descent-spark-communication").setIfMissing("spark.master", "local[*]");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            run(sc, args, System.out);
        }
    }

    /** Measures as {@link #main} does, on an existing context; returns the rows it printed. */
    public static List<Row> run(JavaSparkContext sc, String[] args, PrintStream out) {
        Map<String, String> o = SparkTrainMain.options(args);
        int partitions = Integer.parseInt(o.getOrDefault("partitions", Integer.toString(sc.defaultParallelism())));
        int steps = Integer.parseInt(o.getOrDefault("steps", "30"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "20"));
        int batch = Integer.parseInt(o.getOrDefault("batch", Integer.toString(2 * partitions)));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        DType dtype = DType.valueOf(o.getOrDefault("dtype", "float32").toUpperCase());
        int depth = Integer.parseInt(o.getOrDefault("depth", "1"));
        int[] modes = Arrays.stream(o.getOrDefault("steps-per-job", "1").split(",")).mapToInt(Integer::parseInt).toArray();
        List<SparkTrainer.Exchange> exchanges = Arrays.stream(o.getOrDefault("exchange", "all-reduce").split(","))
                .map(e -> SparkTrainer.Exchange.valueOf(e.trim().toUpperCase().replace('-', '_'))).toList();

        out.printf("%d partitions, batch %d, %s, medians of %d steps after %d warm-up steps%n%n", partitions, batch,
                dtype, steps, warmup);
        out.println("| model | parameters | steps per job | exchange | broadcast | step | encode | broadcast | job | load "
                + "| compute | Spark overhead | step less compute | target |");
        out.println("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        List<Row> rows = new ArrayList<>();
        for (String model : o.getOrDefault("models", MODELS).split(",")) {
            for (int k : modes) {
                for (SparkTrainer.Exchange x : k > 1 ? exchanges : exchanges.subList(0, 1)) {
                    Row r = measure(sc, model, partitions, batch, warmup, steps, seed, dtype, k, depth, x);
                    rows.add(r);
                    // the targets of the step's cost over its compute: 10 ms up to 100k parameters, 30 ms up to 1M
                    String target = r.parameters() <= 110_000 ? (r.costNanos() <= 10_000_000 ? "met (<= 10 ms)" : "missed (> 10 ms)")
                            : r.parameters() <= 1_100_000 ? (r.costNanos() <= 30_000_000 ? "met (<= 30 ms)" : "missed (> 30 ms)") : "-";
                    out.printf("| %s | %,d | %d | %s | %.1f kB | %.2f ms | %s | %s | %s | %s | %.2f ms | %.2f ms | %.2f ms | %s |%n",
                            r.model(), r.parameters(), k, k > 1 ? name(x) : "-", r.broadcastBytes() / 1024.0,
                            r.stepNanos() / 1e6, ms(k, r.encodeNanos()), ms(k, r.broadcastNanos()), ms(k, r.jobNanos()),
                            ms(k, r.loadNanos()), r.computeNanos() / 1e6, r.overheadNanos() / 1e6, r.costNanos() / 1e6, target);
                }
            }
        }
        if (rows.stream().anyMatch(r -> r.parts() != null)) {
            out.printf("%nBarrier steps, per step, each part on the task where it took longest (medians over the timed jobs):%n%n");
            out.println("| model | parameters | exchange | compute | pack | wait for the others | transfer | sum | apply "
                    + "| update | rest | allocated |");
            out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Row r : rows) {
                Parts p = r.parts();
                if (p == null) continue;
                out.printf("| %s | %,d | %s | %.2f ms | %.2f ms | %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s |%n",
                        r.model(), r.parameters(), name(r.exchange()), p.compute() / 1e6, p.pack() / 1e6,
                        r.exchange() == SparkTrainer.Exchange.DRIVER ? "-" : String.format("%.2f ms", p.waiting() / 1e6),
                        p.transfer() / 1e6, p.reduce() / 1e6, p.apply() / 1e6, p.update() / 1e6, p.rest() / 1e6,
                        p.allocatedBytes() < 0 ? "-" : String.format("%.1f kB", p.allocatedBytes() / 1e3));
            }
        }
        // NOTE: measured last, in a warm JVM, like the steps after their warm-up
        long empty = emptyJobNanos(sc, partitions, warmup, steps);
        out.printf("%nA job of the same shape that computes and ships nothing: %.2f ms%n", empty / 1e6);
        return rows.stream().map(r -> r.withEmptyJob(empty)).toList();
    }

    private static String name(SparkTrainer.Exchange x) {
        return x.name().toLowerCase().replace('_', '-');
    }

    /** Milliseconds, or a dash for the parts a barrier job does not time apart. */
    private static String ms(int stepsPerJob, long nanos) {
        return stepsPerJob > 1 ? "-" : String.format("%.2f ms", nanos / 1e6);
    }

    static Row measure(JavaSparkContext sc, String model, int partitions, int batch, int warmup, int steps,
                       long seed, DType dtype, int stepsPerJob, int depth) {
        return measure(sc, model, partitions, batch, warmup, steps, seed, dtype, stepsPerJob, depth, SparkTrainer.Exchange.ALL_REDUCE);
    }

    static Row measure(JavaSparkContext sc, String model, int partitions, int batch, int warmup, int steps,
                       long seed, DType dtype, int stepsPerJob, int depth, SparkTrainer.Exchange exchange) {
        int[] w = Arrays.stream(model.split("-")).mapToInt(Integer::parseInt).toArray();
        if (w.length < 2) throw new IllegalArgumentException("CommunicationSweep: a model is its widths, e.g. 16-64-4; got " + model);
        List<Integer> hidden = Arrays.stream(w, 1, w.length - 1).boxed().toList();
        SparkTrainMain.Mlp mlp = new SparkTrainMain.Mlp(w[0], hidden, w[w.length - 1], seed, dtype);
        if (stepsPerJob > 1) { // whole jobs: the warm-up's, then the timed ones
            warmup = (warmup + stepsPerJob - 1) / stepsPerJob * stepsPerJob;
            steps = (steps + stepsPerJob - 1) / stepsPerJob * stepsPerJob;
        }
        JavaRDD<Sample> rows = SparkTrainMain.blobs(sc, (warmup + steps) * batch, w[0], w[w.length - 1], partitions, seed);
        try (SparkTrainer trainer = SparkTrainer.builder(sc, mlp, Losses::crossEntropy)
                .optimizer(ps -> new SGD(ps, SGD.options(0.01)))
                .trainData(rows).batchSize(batch).epochs(1).stepsPerJob(stepsPerJob).aggregationDepth(depth).exchange(exchange)
                .build()) {
            trainer.fit();
            if (stepsPerJob > 1) {
                // the jobs after those holding the warm-up steps; each job's figures divided by its steps
                List<SparkTrainer.JobCost> jobs = trainer.jobCosts();
                List<SparkTrainer.JobCost> timed = jobs.subList(warmup / stepsPerJob, jobs.size());
                long step = median(timed, c -> c.nanos() / c.steps()), compute = median(timed, c -> c.computeNanos() / c.steps());
                int n = timed.stream().mapToInt(SparkTrainer.JobCost::steps).sum();
                Parts parts = new Parts(compute, median(timed, c -> c.packNanos() / c.steps()),
                        median(timed, c -> c.waitNanos() / c.steps()), median(timed, c -> c.transferNanos() / c.steps()),
                        median(timed, c -> c.reduceNanos() / c.steps()), median(timed, c -> c.applyNanos() / c.steps()),
                        median(timed, c -> c.updateNanos() / c.steps()), median(timed, c -> (c.nanos() - c.computeNanos()
                        - c.exchangeTotalNanos() - c.applyNanos() - c.updateNanos()) / c.steps()),
                        median(timed, c -> c.allocatedBytes() < 0 ? -1 : c.allocatedBytes() / c.steps()));
                return new Row(model, trainer.model().parameterCount(), timed.get(0).broadcastBytes(), n, step, 0, 0,
                        step, 0, compute, step - compute, 0, stepsPerJob, exchange, parts);
            }
            List<SparkTrainer.StepCost> timed = trainer.stepCosts().subList(warmup, warmup + steps);
            return new Row(model, trainer.model().parameterCount(), timed.get(0).broadcastBytes(), steps,
                    median(timed, SparkTrainer.StepCost::nanos), median(timed, SparkTrainer.StepCost::encodeNanos),
                    median(timed, SparkTrainer.StepCost::broadcastNanos), median(timed, SparkTrainer.StepCost::jobNanos),
                    median(timed, SparkTrainer.StepCost::loadNanos), median(timed, SparkTrainer.StepCost::computeNanos),
                    median(timed, SparkTrainer.StepCost::overheadNanos), 0, 1, exchange, null);
        }
    }

    /** The median time of a job shaped like a step's (a map over the partitions, then the shares collected on the driver) that does nothing. */
    static long emptyJobNanos(JavaSparkContext sc, int partitions, int warmup, int times) {
        JavaRDD<Integer> parts = sc.parallelize(new ArrayList<>(IntStream.range(0, partitions).boxed().toList()), partitions);
        long[] t = new long[times];
        for (int i = -warmup; i < times; i++) {
            long start = System.nanoTime();
            parts.map(p -> p).collect();
            if (i >= 0) t[i] = System.nanoTime() - start;
        }
        Arrays.sort(t);
        return t[times / 2];
    }

    private static <T> long median(List<T> xs, ToLongFunction<T> f) {
        long[] v = xs.stream().mapToLong(f).sorted().toArray();
        return v[v.length / 2];
    }
}
