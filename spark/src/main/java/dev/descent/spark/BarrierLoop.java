package dev.descent.spark;

import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.nn.Module;
import dev.descent.optim.Optimizer;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metric;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's loop of {@link SparkTrainer.Builder#stepsPerJob} mode: each epoch's batches (drawn from the same
 * index loader as the one-job-per-step loop, so the same rows in the same order) go out in groups of
 * {@code stepsPerJob}, one barrier job per group, and the driver loads the parameters and optimiser state the job
 * ends with. Epoch metrics and validation are evaluated as the trainer's loop evaluates them, and the history has
 * the same steps and epochs.
 */
final class BarrierLoop {
    private static final System.Logger LOG = System.getLogger(BarrierLoop.class.getName());
    private static final ClassTag<BarrierSteps.Result> RESULT = ClassTag$.MODULE$.apply(BarrierSteps.Result.class);

    /**
     * One barrier job's cost, on the driver: its steps, the state broadcast, its time from broadcast to result, the
     * slowest step's exchange, and each part of the tasks' steps (the maximum over tasks of its sum over steps).
     */
    record JobCost(int steps, long broadcastBytes, long nanos, long exchangeNanos, BarrierSteps.Times times) {
    }

    private final JavaSparkContext sc;
    /** The one-job-per-step trainer over the same model, optimiser and loader: it writes and reads the checkpoints. */
    private final dev.descent.optim.train.Trainer trainer;
    private final Job job;
    private final OptimizerFactory optimizerFactory;
    private final Module model;
    private final Optimizer<?> optimizer;
    private final SparkDataParallel engine;
    private final JavaRDD<Shard> shards;
    private final DataLoader train, validation;
    private final int epochs, stepsPerJob;
    private final List<Metric> metrics;
    final List<JobCost> costs = new ArrayList<>();
    private final GradientExchange exchange;
    private final SparkTrainer.Exchange mode;
    private final long timeoutNanos;
    private int jobs;

    BarrierLoop(JavaSparkContext sc, dev.descent.optim.train.Trainer trainer, Job job, OptimizerFactory optimizerFactory, Module model, Optimizer<?> optimizer,
                SparkDataParallel engine, JavaRDD<Shard> shards, DataLoader train, DataLoader validation, int epochs,
                List<Metric> metrics, int stepsPerJob, SparkTrainer.Exchange mode) {
        this.mode = mode;
        this.sc = sc;
        this.trainer = trainer;
        this.job = job;
        this.optimizerFactory = optimizerFactory;
        this.model = model;
        this.optimizer = optimizer;
        this.engine = engine;
        this.shards = shards;
        this.train = train;
        this.validation = validation;
        this.epochs = epochs;
        this.metrics = metrics;
        this.stepsPerJob = stepsPerJob;
        // NOTE: by default as long as Spark waits for a silent executor's heartbeat before it declares it lost
        this.timeoutNanos = 1_000_000L * sc.getConf().getTimeAsMs("spark.descent.exchange.timeout",
                sc.getConf().get("spark.network.timeout", "120s"));
        this.exchange = new GradientExchange(sc.getConf().get("spark.driver.host", "127.0.0.1"),
                sc.getConf().getInt("spark.descent.exchange.port", 0), timeoutNanos);
    }

    void close() {
        exchange.close();
    }

    /** Trains from the first epoch. */
    History fit() {
        return fit(new History(train.mode().description()), 0, 0);
    }

    /**
     * Continues from a checkpoint (checked and loaded into the model, optimiser and loader before any job starts):
     * the steps and epochs after it are those the uninterrupted run takes.
     */
    History resume(java.nio.file.Path checkpoint) throws java.io.IOException {
        dev.descent.optim.train.Trainer.Restored r = trainer.restore(checkpoint);
        return fit(r.history(), r.epoch(), r.step());
    }

    /**
     * The epochs after {@code done} (with {@code step} steps taken, recorded in {@code before}). Each epoch ends a
     * job, so it ends where the trainer's loop writes its checkpoints, every {@code checkpoints} interval; the
     * checkpoint holds what the next job starts from.
     */
    private History fit(History before, int done, long step) {
        HistoryJson history = new HistoryJson(before);
        String stop = null;
        for (int e = done + 1; e <= epochs && stop == null; e++) {
            long start = System.nanoTime();
            model.train();
            List<int[]> batches = new ArrayList<>();
            for (Batch b : train) batches.add(b.samples());
            for (int from = 0; from < batches.size() && stop == null; from += stepsPerJob) {
                int[][] group = batches.subList(from, Math.min(batches.size(), from + stepsPerJob)).toArray(new int[0][]);
                BarrierSteps.Result r = run(group, e, step);
                for (BarrierSteps.Step s : r.steps()) history.step(e, ++step, s);
                stop = r.diverged();
            }
            if (stop != null) break;
            Map<String, Double> m = new LinkedHashMap<>(engine.evaluate(train, metrics, ""));
            if (validation != null) m.putAll(engine.evaluate(validation, metrics, "val_"));
            history.epoch(e, m, System.nanoTime() - start);
            trainer.checkpointEpoch(History.fromJson(history.toString()), e, step);
        }
        if (stop != null) history.stop("DIVERGED", stop);
        return History.fromJson(history.toString());
    }

    /** One barrier job over {@code group}; loads its final state into the driver's model and optimiser. */
    private BarrierSteps.Result run(int[][] group, int epoch, long firstStep) {
        long start = System.nanoTime();
        byte[][] state = BarrierSteps.state(model, optimizer);
        Broadcast<byte[][]> broadcast = sc.broadcast(state);
        List<BarrierSteps.Result> results;
        try {
            results = collect(broadcast, group, epoch, firstStep);
        } finally {
            broadcast.destroy();
        }
        BarrierSteps.Result first = results.get(0);
        if (first.partition() != 0 || first.parameters() == null) {
            throw new IllegalStateException("SparkTrainer: the barrier job returned no state from partition 0");
        }
        BarrierSteps.load(first.parameters(), first.optimizer(), model, optimizer);
        long exchange = 0;
        BarrierSteps.Times times = new BarrierSteps.Times();
        for (BarrierSteps.Result r : results) {
            exchange = Math.max(exchange, r.exchangeNanos());
            times.max(r.times());
        }
        costs.add(new JobCost(group.length, state[0].length + state[1].length, System.nanoTime() - start, exchange, times));
        return first;
    }

    /**
     * Runs the barrier job, again from the same broadcast state when it fails: Spark does not rerun a failed barrier
     * result stage (a lost executor, a killed task), so the driver does, up to {@code spark.stage.maxConsecutiveAttempts}
     * times, once the cluster has as many executors as before (a worker replaces a lost one).
     */
    private List<BarrierSteps.Result> collect(Broadcast<byte[][]> broadcast, int[][] group, int epoch, long firstStep) {
        int attempts = sc.getConf().getInt("spark.stage.maxConsecutiveAttempts", 4);
        for (int attempt = 1; ; attempt++) {
            int executors = sc.sc().statusTracker().getExecutorInfos().length;
            RDD<BarrierSteps.Result> rdd = shards.rdd().barrier().mapPartitions(new BarrierSteps(job, optimizerFactory,
                    broadcast, group, epoch, firstStep, exchange.address(), mode, timeoutNanos, ++jobs), true, RESULT);
            try {
                return JavaRDD.fromRDD(rdd, RESULT).collect();
            } catch (RuntimeException e) {
                throw e; // not a failed job: a bug here or in the closure's serialisation
            } catch (Exception e) { // SparkException, which Scala throws undeclared
                if (attempt >= attempts) {
                    throw new IllegalStateException("SparkTrainer: the barrier job of steps " + (firstStep + 1) + " to "
                            + (firstStep + group.length) + " failed " + attempt + " times; the last failure: " + e.getMessage(), e);
                }
                LOG.log(System.Logger.Level.WARNING, "SparkTrainer: the barrier job of steps " + (firstStep + 1) + " to "
                        + (firstStep + group.length) + " failed (attempt " + attempt + " of " + attempts + "); rerunning it "
                        + "from the same state: " + e.getMessage());
                awaitExecutors(executors);
            }
        }
    }

    /** Waits (up to two minutes) until the cluster lists {@code n} executors again (the driver counts as one). */
    private void awaitExecutors(int n) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (sc.sc().statusTracker().getExecutorInfos().length < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("SparkTrainer: interrupted while waiting for executors", e);
            }
        }
    }

    /** The history as {@link History#toJson()} writes it, read back by {@link History#fromJson}. */
    private static final class HistoryJson {
        private final StringBuilder steps = new StringBuilder(), epochs = new StringBuilder();
        private final String batchMode;
        private String reason = "COMPLETED", message = "";

        /** Going on from {@code before}'s steps and epochs. */
        HistoryJson(History before) {
            this.batchMode = before.batchMode();
            for (History.Step s : before.steps()) {
                step(s.epoch(), s.step(), new BarrierSteps.Step(s.loss(), s.learningRate(), s.gradNorm(), s.nanos()));
            }
            for (History.Epoch e : before.epochs()) epoch(e.epoch(), e.metrics(), e.nanos());
        }

        void step(int epoch, long step, BarrierSteps.Step s) {
            steps.append(steps.length() == 0 ? "" : ",").append('[').append(epoch).append(',').append(step).append(',')
                    .append(number(s.loss())).append(',').append(number(s.learningRate())).append(',')
                    .append(number(s.gradNorm())).append(',').append(s.nanos()).append(']');
        }

        void epoch(int epoch, Map<String, Double> metrics, long nanos) {
            epochs.append(epochs.length() == 0 ? "" : ",").append("{\"epoch\":").append(epoch).append(",\"nanos\":")
                    .append(nanos).append(",\"metrics\":{");
            int k = 0;
            for (var m : metrics.entrySet()) {
                epochs.append(k++ == 0 ? "" : ",").append(quote(m.getKey())).append(':').append(number(m.getValue()));
            }
            epochs.append("}}");
        }

        void stop(String reason, String message) {
            this.reason = reason;
            this.message = message;
        }

        private static String number(double v) {
            return Double.isFinite(v) ? Double.toString(v) : "\"" + v + "\"";
        }

        private static String quote(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') sb.append('\\').append(c);
                else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
            return sb.append('"').toString();
        }

        @Override
        public String toString() {
            return "{\"batchMode\":" + quote(batchMode) + ",\"stopReason\":" + quote(reason) + ",\"stopMessage\":"
                    + quote(message) + ",\"steps\":[" + steps + "],\"epochs\":[" + epochs + "]}";
        }
    }
}
