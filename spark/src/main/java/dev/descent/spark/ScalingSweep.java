package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.SGD;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scaling model, measured: for each MLP and batch per partition of a grid, the step on the cluster in both modes
 * (one job per step, and {@code --steps-per-job k} steps per barrier job) and the same global batch's step on the
 * driver alone; then a least-squares fit of each mode's cost per step over its compute, {@code f + a × parameters},
 * and from it the compute per partition and step at which N executors beat one machine,
 * {@code c* = (f + a × parameters × N / P) / (N − 1)}, and the projected speed-up
 * {@code N × c1 / (f + a × parameters × N / P + c)} at 4, 16 and 64 executors (P: the partitions measured; c the
 * slowest partition's compute, c1 one machine's compute for a partition's rows; the driver receives one share per
 * executor, so the per-parameter cost grows with N). Prints Markdown tables and writes {@code scaling.csv} and
 * {@code scaling.svg} to {@code --out}.
 *
 * <p>Options: {@code --full} (parameters about 10^3 to 10^7, batches per partition 32 to 4096; default a quick grid),
 * {@code --models}, {@code --batches}, {@code --steps n} (10), {@code --warmup n} (5), {@code --steps-per-job k} (20),
 * {@code --partitions p} (the context's default parallelism), {@code --executors n} (0: wait for n executors to
 * register first), {@code --budget s} (60: a cell whose one-machine step,
 * estimated from the previous batch, would exceed s seconds is skipped and marked so), {@code --out dir}.
 */
public final class ScalingSweep {
    static final String QUICK_MODELS = "16-48-10,784-128-10,784-1024-256-10", QUICK_BATCHES = "32,512";
    static final String FULL_MODELS = "16-48-10,64-128-10,784-128-10,784-1024-256-10,1024-3072-2048-10";
    static final String FULL_BATCHES = "32,128,512,2048,4096";
    static final int[] EXECUTORS = {4, 16, 64};

    private ScalingSweep() {
    }

    /** One cell: nanoseconds per step (medians), {@code single} on the driver alone for the same global batch. */
    record Cell(String model, long parameters, int batch, long single, CommunicationSweep.Row perStep,
                CommunicationSweep.Row barrier) {
    }

    /** A fitted cost per step, {@code fixed + perParameter × parameters}, in nanoseconds. */
    record Fit(double fixed, double perParameter) {
        /** Least squares over {@code {parameters, nanos}} points, with neither cost below zero. */
        double at(double parameters) {
            return fixed + perParameter * parameters;
        }

        static Fit of(List<long[]> points) {
            double n = points.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (long[] p : points) {
                sx += p[0];
                sy += p[1];
                sxx += (double) p[0] * p[0];
                sxy += (double) p[0] * p[1];
            }
            double den = n * sxx - sx * sx;
            double a = den == 0 ? 0 : (n * sxy - sx * sy) / den, f = (sy - a * sx) / n;
            // NOTE: neither cost can be negative: a noisy grid that fits one is fitted without it
            if (a < 0) return new Fit(Math.max(0, sy / n), 0);
            if (f < 0) return new Fit(0, sxx == 0 ? 0 : Math.max(0, sxy / sxx));
            return new Fit(f, a);
        }
    }

    public static void main(String[] args) throws IOException {
        SparkConf conf = new SparkConf().setAppName("descent-spark-scaling").setIfMissing("spark.master", "local[2]");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            run(sc, args, System.out);
        }
    }

    public static List<Cell> run(JavaSparkContext sc, String[] args, PrintStream out) throws IOException {
        Map<String, String> o = SparkTrainMain.options(args);
        awaitExecutors(sc, Integer.parseInt(o.getOrDefault("executors", "0")));
        boolean full = o.containsKey("full");
        int partitions = Integer.parseInt(o.getOrDefault("partitions", Integer.toString(sc.defaultParallelism())));
        int steps = Integer.parseInt(o.getOrDefault("steps", "10")), warmup = Integer.parseInt(o.getOrDefault("warmup", "5"));
        int k = Integer.parseInt(o.getOrDefault("steps-per-job", "20"));
        double budget = Double.parseDouble(o.getOrDefault("budget", "60"));
        Path dir = Path.of(o.getOrDefault("out", "bench/target/spark/scaling"));
        String models = o.getOrDefault("models", full ? FULL_MODELS : QUICK_MODELS);
        int[] batches = Arrays.stream(o.getOrDefault("batches", full ? FULL_BATCHES : QUICK_BATCHES).split(","))
                .mapToInt(Integer::parseInt).toArray();
        out.printf("%s, %d partitions, float32, medians of %d steps after %d warm-up steps; barrier jobs of %d steps%n%n",
                sc.master(), partitions, steps, warmup, k);
        out.println("| model | parameters | batch per partition | one machine | per-step job | compute | cost | "
                + "barrier step | compute | cost | speed-up (per step, barrier) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<Cell> cells = new ArrayList<>();
        for (String model : models.split(",")) {
            long previous = 0;
            int previousBatch = 0;
            for (int b : batches) {
                if (previous > 0 && previous / 1e9 * b / previousBatch > budget) {
                    out.printf("| %s | | %d | skipped: estimated above the %.0f s budget | | | | | | | |%n", model, b, budget);
                    continue;
                }
                long single = singleMachine(model, b * partitions, warmup, steps);
                CommunicationSweep.Row perStep = CommunicationSweep.measure(sc, model, partitions, b * partitions, warmup,
                        steps, 1, DType.FLOAT32, 1, 1);
                CommunicationSweep.Row barrier = CommunicationSweep.measure(sc, model, partitions, b * partitions, warmup,
                        Math.max(steps, k), 1, DType.FLOAT32, k, 1);
                Cell c = new Cell(model, perStep.parameters(), b, single, perStep, barrier);
                cells.add(c);
                previous = single;
                previousBatch = b;
                out.printf(Locale.ROOT, "| %s | %,d | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f, %.2f |%n",
                        model, c.parameters(), b, single / 1e6, perStep.stepNanos() / 1e6, perStep.computeNanos() / 1e6,
                        perStep.costNanos() / 1e6, barrier.stepNanos() / 1e6, barrier.computeNanos() / 1e6,
                        barrier.costNanos() / 1e6, (double) single / perStep.stepNanos(), (double) single / barrier.stepNanos());
            }
        }
        Fit perStep = Fit.of(cells.stream().map(c -> new long[] {c.parameters(), c.perStep().costNanos()}).toList());
        Fit barrier = Fit.of(cells.stream().map(c -> new long[] {c.parameters(), c.barrier().costNanos()}).toList());
        out.printf(Locale.ROOT, "%nFitted cost per step over the compute, on %d partitions:%n", partitions);
        out.printf(Locale.ROOT, "- one job per step: %.2f ms + %.2f ms per million parameters%n", perStep.fixed() / 1e6,
                perStep.perParameter() * 1e6 / 1e6);
        out.printf(Locale.ROOT, "- %d steps per barrier job: %.2f ms + %.2f ms per million parameters%n%n", k,
                barrier.fixed() / 1e6, barrier.perParameter() * 1e6 / 1e6);
        out.println("Compute per partition and step above which N executors beat one machine (c*), from the fits:");
        out.println();
        out.println("| parameters | mode | N = " + partitions + " | N = 4 | N = 16 | N = 64 |");
        out.println("|---:|---|---:|---:|---:|---:|");
        for (long p : cells.stream().mapToLong(Cell::parameters).distinct().toArray()) {
            for (var mode : List.of(Map.entry("one job per step", perStep), Map.entry(k + " steps per job", barrier))) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %,d | %s |", p, mode.getKey()));
                for (int n : new int[] {partitions, 4, 16, 64}) {
                    row.append(String.format(Locale.ROOT, " %.1f ms |", breakEven(mode.getValue(), p, n, partitions) / 1e6));
                }
                out.println(row);
            }
        }
        out.println();
        out.println("Projected speed-up over one machine (same batch per partition, N × the global batch), from the fits:");
        out.println();
        out.println("| model | batch per partition | mode | N = 4 | N = 16 | N = 64 |");
        out.println("|---|---:|---|---:|---:|---:|");
        for (Cell c : cells) {
            for (var mode : List.of(Map.entry("one job per step", Map.entry(perStep, c.perStep())),
                    Map.entry(k + " steps per job", Map.entry(barrier, c.barrier())))) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %s |", c.model(), c.batch(), mode.getKey()));
                for (int n : EXECUTORS) {
                    row.append(String.format(Locale.ROOT, " %.2f |", speedUp(mode.getValue().getKey(), c, mode.getValue().getValue(),
                            n, partitions)));
                }
                out.println(row);
            }
        }
        Files.createDirectories(dir);
        writeCsv(dir.resolve("scaling.csv"), cells, perStep, barrier, partitions, k);
        Files.writeString(dir.resolve("scaling.svg"), ScalingPlot.svg(cells, perStep, barrier, k));
        out.printf("%nWrote %s and %s%n", dir.resolve("scaling.csv"), dir.resolve("scaling.svg"));
        return cells;
    }

    /** Waits (up to a minute) until {@code n} executors have registered, as a barrier job needs all its slots. */
    static void awaitExecutors(JavaSparkContext sc, int n) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (sc.sc().statusTracker().getExecutorInfos().length < n + 1) { // the driver is listed too
            if (System.nanoTime() > deadline) throw new IllegalStateException("ScalingSweep: " + n + " executors did not register within 60 s");
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("ScalingSweep: interrupted while waiting for executors", e);
            }
        }
    }

    /** The compute per partition and step at which N executors match one machine. */
    static double breakEven(Fit fit, long parameters, int executors, int partitions) {
        double cost = fit.fixed() + fit.perParameter() * parameters * executors / partitions;
        return cost / (executors - 1);
    }

    /** N × one machine's compute for a partition's rows, over the projected step on N executors. */
    static double speedUp(Fit fit, Cell c, CommunicationSweep.Row mode, int executors, int partitions) {
        double c1 = (double) c.single() / partitions;
        double step = fit.fixed() + fit.perParameter() * c.parameters() * executors / partitions + mode.computeNanos();
        return executors * c1 / step;
    }

    private static void writeCsv(Path file, List<Cell> cells, Fit perStep, Fit barrier, int partitions, int k) throws IOException {
        StringBuilder sb = new StringBuilder("model,parameters,batch_per_partition,partitions,single_ns,step_ns,compute_ns,"
                + "cost_ns,barrier_steps_per_job,barrier_step_ns,barrier_compute_ns,barrier_cost_ns\n");
        for (Cell c : cells) {
            sb.append(String.join(",", c.model(), Long.toString(c.parameters()), Integer.toString(c.batch()),
                    Integer.toString(partitions), Long.toString(c.single()), Long.toString(c.perStep().stepNanos()),
                    Long.toString(c.perStep().computeNanos()), Long.toString(c.perStep().costNanos()), Integer.toString(k),
                    Long.toString(c.barrier().stepNanos()), Long.toString(c.barrier().computeNanos()),
                    Long.toString(c.barrier().costNanos()))).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "# fit one job per step: fixed_ns=%.0f per_parameter_ns=%.6f%n", perStep.fixed(), perStep.perParameter()));
        sb.append(String.format(Locale.ROOT, "# fit %d steps per job: fixed_ns=%.0f per_parameter_ns=%.6f%n", k, barrier.fixed(), barrier.perParameter()));
        Files.writeString(file, sb);
    }

    /** The median step of the same MLP on the driver alone: forward, backward and an SGD step on {@code batch} rows. */
    static long singleMachine(String model, int batch, int warmup, int steps) {
        int[] w = Arrays.stream(model.split("-")).mapToInt(Integer::parseInt).toArray();
        List<Integer> hidden = Arrays.stream(w, 1, w.length - 1).boxed().toList();
        Module m = new SparkTrainMain.Mlp(w[0], hidden, w[w.length - 1], 1, DType.FLOAT32).create();
        TensorFactory f = Tensor.on(Backends.get(), DType.FLOAT32);
        Rng rng = new Rng(3);
        double[] x = new double[batch * w[0]];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = rng.nextInt(w[w.length - 1]);
        Tensor features = f.of(x, batch, w[0]), labels = Tensor.on(f.backend(), DType.INT32).of(y, batch);
        Loss loss = Losses.crossEntropy();
        SGD sgd = new SGD(m.parameters(), SGD.options(0.01));
        long[] t = new long[steps];
        for (int i = -warmup; i < steps; i++) {
            long start = System.nanoTime();
            sgd.zeroGrad();
            loss.apply(m.apply(Variable.constant(features)), Variable.constant(labels)).backward();
            sgd.step();
            if (i >= 0) t[i] = System.nanoTime() - start;
        }
        Arrays.sort(t);
        return t[steps / 2];
    }
}
