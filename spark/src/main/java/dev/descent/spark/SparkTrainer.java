package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Reduction;
import dev.descent.nn.regularization.Regularizer;
import dev.descent.optim.Optimizer;
import dev.descent.optim.schedule.Schedule;
import dev.descent.optim.train.EarlyStopping;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metric;
import dev.descent.optim.train.Trainer;
import dev.descent.optim.train.TrainingListener;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Synchronous data-parallel training on Apache Spark whose result is the single-machine {@link Trainer}'s. The
 * rows live in an RDD partitioned across executors; every step the driver broadcasts the parameters (safetensors
 * bytes), each partition computes the gradient of its share of the global batch with a replica of the model
 * (rebuilt on the executor by a serialisable {@link ModelFactory}), the shares are summed on
 * the driver in partition order (whatever order their tasks finish in, or were retried in), and the driver takes one optimiser step. Batches are drawn by the seeded {@link Rng} over
 * global row indices, so step k sees the same rows whatever the partitioning. The loop itself is {@link Trainer}'s:
 * schedules, clipping, metrics, validation, early stopping, the divergence stop, history and checkpoints behave as
 * on one machine.
 *
 * <pre>{@code
 * JavaRDD<Sample> rows = sc.parallelize(samples, 8);
 * try (SparkTrainer trainer = SparkTrainer.builder(sc, Models::mlp, Losses::crossEntropy)
 *         .optimizer(params -> new Adam(params, Adam.options()))
 *         .trainData(rows).batchSize(64).shuffle(new Rng(7))
 *         .epochs(5).metrics(Metrics.accuracy())
 *         .build()) {
 *     History history = trainer.fit();
 *     trainer.model().save(Path.of("model.safetensors"));
 * }
 * }</pre>
 *
 * <p>The data set's row order is its RDD's order (partition by partition), as {@code zipWithIndex} numbers it;
 * models with random layers (dropout) are refused, since their draws would differ from one machine's.
 */
public final class SparkTrainer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SparkTrainer.class.getName());

    private final Trainer trainer;
    private final Module model;
    private final SparkDataParallel engine;
    private final List<JavaRDD<Shard>> cached;
    private final String jobId;
    private final String executorBackends;
    /** The loop of {@link Builder#stepsPerJob} mode; null for one job per step. */
    private final BarrierLoop barrier;

    private SparkTrainer(Trainer trainer, Module model, SparkDataParallel engine, List<JavaRDD<Shard>> cached, String jobId,
                         String executorBackends, BarrierLoop barrier) {
        this.barrier = barrier;
        this.trainer = trainer;
        this.model = model;
        this.engine = engine;
        this.cached = cached;
        this.jobId = jobId;
        this.executorBackends = executorBackends;
    }

    public static Builder builder(JavaSparkContext sc, ModelFactory model, LossFactory loss) {
        return new Builder(sc, model, loss);
    }

    /** Trains from the first epoch. */
    public History fit() {
        return barrier != null ? barrier.fit() : trainer.fit();
    }

    /**
     * Continues from a checkpoint written by a trainer configured like this one ({@link Builder#checkpoints}): the
     * parameters, optimiser state, shuffling state, step counter and history are restored, and the run ends with the
     * parameters of the uninterrupted run, bit for bit. Every file is checked on the driver before any job starts; a
     * corrupt checkpoint, or one from another model, optimiser or {@link Builder#stepsPerJob}, is a
     * {@link dev.descent.optim.train.CheckpointException} naming the file and the field.
     */
    public History resume(Path checkpoint) throws IOException {
        return barrier != null ? barrier.resume(checkpoint) : trainer.resume(checkpoint);
    }

    /** The driver's model: the trained parameters after {@link #fit()}. */
    public Module model() {
        return model;
    }

    /** The single-machine loop this trainer runs (for {@code predict} on the driver). */
    public Trainer trainer() {
        return trainer;
    }

    /** The backend reports of the executors (distinct), as {@code Backends.describe()} printed them there. */
    public String executorBackends() {
        return executorBackends;
    }

    /** What the steps so far cost: their number, the parameter bytes broadcast, the time of their distributed part. */
    public record Communication(long steps, long broadcastBytes, long nanos) {
        /** Mean milliseconds per step for broadcast, gradients and aggregation. */
        public double millisPerStep() {
            return steps == 0 ? Double.NaN : nanos / 1e6 / steps;
        }
    }

    public Communication communication() {
        long steps = engine.costs.size(), bytes = 0, nanos = 0;
        for (StepCost c : engine.costs) {
            bytes += c.broadcastBytes();
            nanos += c.nanos();
        }
        if (barrier != null) {
            for (BarrierLoop.JobCost c : barrier.costs) {
                steps += c.steps();
                bytes += c.broadcastBytes();
                nanos += c.nanos();
            }
        }
        return new Communication(steps, bytes, nanos);
    }

    /**
     * How the tasks of a {@link Builder#stepsPerJob} barrier job exchange their gradient shares every step. Both sum
     * the shares in partition order, so both train the same parameters bit for bit.
     */
    public enum Exchange {
        /**
         * Among the tasks, with no driver in the data path (the default): a reduce-scatter, then an all-gather, over
         * TCP between the executors; each task sends and receives about 2 × (N − 1) / N of the gradient per step.
         * The driver only introduces the tasks to each other, once per job.
         */
        ALL_REDUCE,
        /** Through a TCP server on the driver, which receives N shares and sends N sums per step. */
        DRIVER
    }

    /**
     * What each barrier job of {@link Builder#stepsPerJob} mode cost: its steps, the state it broadcast, its time on
     * the driver (broadcast to loaded result), the slowest exchange of one step, and where the steps spent their
     * time (for each part the slowest task's sum over the job's steps): computing the shares (forward and backward),
     * packing them, exchanging them (packing and summing included), waiting within the exchange for the other
     * tasks to start sending (their computing; all-reduce only), summing (in the all-reduce, a task's chunk), setting
     * the gradients to the sum, and the update (gradient norm, optimiser step, finiteness check); the transfer is the
     * exchange less its packing, waiting and summing on one task (the most of any task). And the buffers the
     * steps took from their replica's {@link dev.descent.core.BufferPool} (each step runs in a scope of it, as
     * Trainer's steps do): allocated anew and reused, and the bytes a task's thread allocated on the heap during the
     * steps (-1 where the JVM does not count them); for each, the most of any task.
     */
    public record JobCost(int steps, long broadcastBytes, long nanos, long exchangeNanos, long computeNanos,
                          long packNanos, long exchangeTotalNanos, long waitNanos, long reduceNanos, long applyNanos,
                          long updateNanos, long transferNanos, long pooledAllocations, long pooledReuses,
                          long allocatedBytes) {
        /** Mean milliseconds per step of the job. */
        public double millisPerStep() {
            return nanos / 1e6 / steps;
        }
    }

    /** The cost of every barrier job so far, in order (empty unless {@link Builder#stepsPerJob} is above 1). */
    public List<JobCost> jobCosts() {
        if (barrier == null) return List.of();
        return barrier.costs.stream().map(c -> new JobCost(c.steps(), c.broadcastBytes(), c.nanos(), c.exchangeNanos(),
                c.times().compute, c.times().pack, c.times().exchange, c.times().waiting, c.times().reduce, c.times().apply,
                c.times().update, c.times().transfer, c.times().allocations, c.times().reuses,
                c.times().allocatedBytes)).toList();
    }

    /**
     * Where one step's distributed part spent its time, on the driver: encoding the parameters as safetensors bytes,
     * creating their broadcast, and the Spark job (from submission to the summed gradient back on the driver); and
     * on the executors, the slowest partition's time to fetch and load the parameters and to compute its gradient.
     * The job's time less those two is Spark's own: scheduling the tasks and shipping, deserialising and summing the
     * gradients ({@link #overheadNanos()}).
     */
    public record StepCost(long broadcastBytes, long encodeNanos, long broadcastNanos, long jobNanos, long loadNanos,
                           long computeNanos) {
        /** The whole distributed part of the step. */
        public long nanos() {
            return encodeNanos + broadcastNanos + jobNanos;
        }

        /** The job's time outside the slowest partition's loading and computing. */
        public long overheadNanos() {
            return jobNanos - loadNanos - computeNanos;
        }
    }

    /** The cost of every step so far, in order. */
    public List<StepCost> stepCosts() {
        return List.copyOf(engine.costs);
    }

    /** Releases the cached partitions and the executors' model replicas. */
    @Override
    public void close() {
        String id = jobId;
        for (JavaRDD<Shard> shards : cached) {
            try {
                shards.foreach(s -> Replicas.forget(id));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "SparkTrainer.close: could not release replicas: " + e);
            }
            shards.unpersist(false);
        }
        Replicas.forget(id);
        if (barrier != null) barrier.close();
    }

    // ---------------------------------------------------------------- builder

    /**
     * Configures a {@link SparkTrainer}. {@link #build()} checks everything before training: serialisable
     * factories, consistent rows, the model and loss on the first row, and a replica on every partition's executor.
     */
    public static final class Builder {
        private final JavaSparkContext sc;
        private final ModelFactory modelFactory;
        private final LossFactory lossFactory;
        private Function<List<Variable>, Optimizer<?>> optimizerFactory;
        private JavaRDD<Sample> train, validation;
        private int stepsPerJob = 1;
        private Exchange exchange = Exchange.ALL_REDUCE;
        private int aggregationDepth = 1;
        private int epochs = 1;
        private Metric[] metrics = new Metric[0];
        /** The loop options {@link #stepsPerJob} mode does not run, by name, as set. */
        private final Set<String> stepOptions = new LinkedHashSet<>();
        private BatchMode mode = BatchMode.miniBatch(32);
        private Rng shuffle;
        private boolean dropLast;
        private int validationBatchSize;
        private Reduction reduction = Reduction.MEAN;
        private final List<Consumer<Trainer.Builder>> loop = new ArrayList<>();

        private Builder(JavaSparkContext sc, ModelFactory model, LossFactory loss) {
            if (sc == null || model == null || loss == null) {
                throw new IllegalArgumentException("SparkTrainer: the Spark context, model factory and loss factory are required");
            }
            this.sc = sc;
            this.modelFactory = model;
            this.lossFactory = loss;
        }

        /** Builds the optimiser over the driver model's parameters, e.g. {@code ps -> new Adam(ps, Adam.options())}. */
        public Builder optimizer(Function<List<Variable>, Optimizer<?>> factory) {
            this.optimizerFactory = factory;
            return this;
        }

        /**
         * As {@link #optimizer(Function)}, with a serialisable factory (which a lambda or method reference written
         * here is): {@link #stepsPerJob} mode builds the optimiser on the executors too.
         */
        public Builder optimizer(OptimizerFactory factory) {
            this.optimizerFactory = factory;
            return this;
        }

        /**
         * Sums the partitions' gradients over {@code depth} levels (default 1: every share goes to the driver), as
         * {@code treeAggregate} does but in a fixed order: with many partitions, groups of
         * {@code ceil(P^(1/depth))} consecutive partitions are summed on the executors first (one shuffle per
         * level), so the driver receives fewer shares. Equal to one machine's training as every depth is; a given
         * depth and partitioning give the same bits every run.
         */
        public Builder aggregationDepth(int depth) {
            if (depth < 1) throw new IllegalArgumentException("SparkTrainer.aggregationDepth: depth must be >= 1, got " + depth);
            this.aggregationDepth = depth;
            return this;
        }

        /**
         * How {@link #stepsPerJob} mode's tasks exchange their shares: {@link Exchange#ALL_REDUCE} among themselves
         * (the default) or {@link Exchange#DRIVER} through the driver. Both give the same parameters bit for bit. The
         * executors must reach each other on the hosts their block managers advertise, at ports the system picks;
         * a task waits at most {@code spark.descent.exchange.timeout} (default: {@code spark.network.timeout}, 120 s)
         * for the others before its stage fails.
         */
        public Builder exchange(Exchange exchange) {
            if (exchange == null) throw new IllegalArgumentException("SparkTrainer.exchange: exchange must not be null");
            this.exchange = exchange;
            return this;
        }

        /**
         * Runs {@code k} optimiser steps per Spark job instead of one: a barrier job whose tasks (one per partition,
         * all running at once) exchange their gradient shares every step (see {@link #exchange}), sum them in
         * partition order and take the same optimiser step on their replicas, so the parameters equal
         * those of one job per step (and of one machine). Spark's fixed cost per job is then paid once per {@code k}
         * steps. Needs a serialisable optimiser factory, at most as many partitions as the cluster has task slots,
         * no empty partition, and no per-step driver option (schedule, regularizer, gradient accumulation, early
         * stopping, listeners); epochs, metrics, validation and {@link #checkpoints} (written at the epochs' ends,
         * which are job boundaries) work as in the default mode, and {@link SparkTrainer#resume} continues them.
         */
        public Builder stepsPerJob(int k) {
            if (k < 1) throw new IllegalArgumentException("SparkTrainer.stepsPerJob: k must be >= 1, got " + k);
            this.stepsPerJob = k;
            return this;
        }

        public Builder trainData(JavaRDD<Sample> rows) {
            this.train = rows;
            return this;
        }

        public Builder validationData(JavaRDD<Sample> rows) {
            this.validation = rows;
            return this;
        }

        /** The training rows as a {@code Dataset<Sample>} (see {@link Samples}), in the Dataset's order. */
        public Builder trainDataset(org.apache.spark.sql.Dataset<Sample> rows) {
            return trainData(Samples.of(rows));
        }

        public Builder validationDataset(org.apache.spark.sql.Dataset<Sample> rows) {
            return validationData(Samples.of(rows));
        }

        /** Batch, mini-batch (default, 32) or stochastic, as {@link DataLoader}'s. */
        public Builder mode(BatchMode mode) {
            if (mode == null) throw new IllegalArgumentException("SparkTrainer.mode: mode must not be null");
            this.mode = mode;
            return this;
        }

        public Builder batchSize(int batchSize) {
            return mode(BatchMode.miniBatch(batchSize));
        }

        /** Shuffles every epoch with permutations of the global row indices drawn from {@code rng}. */
        public Builder shuffle(Rng rng) {
            this.shuffle = rng;
            return this;
        }

        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Rows per chunk when evaluating the validation data (default: the training batch size). */
        public Builder validationBatchSize(int rows) {
            if (rows < 1) throw new IllegalArgumentException("SparkTrainer: validationBatchSize must be >= 1, got " + rows);
            this.validationBatchSize = rows;
            return this;
        }

        /**
         * How the loss reduces over a batch (MEAN, the default, or SUM): MEAN gradients are weighted by each
         * partition's share of the batch. Checked against the loss on the first row.
         */
        public Builder lossReduction(Reduction reduction) {
            if (reduction == Reduction.NONE || reduction == null) {
                throw new IllegalArgumentException("SparkTrainer: the loss must reduce to a scalar (MEAN or SUM)");
            }
            this.reduction = reduction;
            return this;
        }

        public Builder epochs(int epochs) {
            loop.add(b -> b.epochs(epochs));
            this.epochs = epochs;
            return this;
        }

        public Builder metrics(Metric... metrics) {
            loop.add(b -> b.metrics(metrics));
            this.metrics = metrics.clone();
            return this;
        }

        public Builder schedule(Schedule schedule, Trainer.ScheduleUnit unit) {
            stepOptions.add("schedule");
            loop.add(b -> b.schedule(schedule, unit));
            return this;
        }

        /** Adds the penalty over every parameter, computed on the driver. */
        public Builder regularizer(Regularizer regularizer) {
            stepOptions.add("regularizer");
            loop.add(b -> b.regularizer(regularizer));
            return this;
        }

        public Builder accumulateGradients(int k) {
            stepOptions.add("accumulateGradients");
            loop.add(b -> b.accumulateGradients(k));
            return this;
        }

        public Builder earlyStopping(EarlyStopping rule) {
            stepOptions.add("earlyStopping");
            loop.add(b -> b.earlyStopping(rule));
            return this;
        }

        public Builder listener(TrainingListener listener) {
            stepOptions.add("listener");
            loop.add(b -> b.listener(listener));
            return this;
        }

        /**
         * Writes a checkpoint every {@code everyEpochs} epochs, as {@link Trainer.Builder#checkpoints} does, which
         * {@link SparkTrainer#resume} continues. In {@link #stepsPerJob} mode an epoch's last job may run fewer than
         * k steps, so every epoch ends at a job boundary, where the driver holds the state the next job starts from:
         * the checkpoints are written there, in the same format, and record k (a checkpoint resumes only with the
         * same k, and one of one job per step only without stepsPerJob).
         */
        public Builder checkpoints(Path directory, int everyEpochs) {
            loop.add(b -> b.checkpoints(directory, everyEpochs));
            return this;
        }

        public SparkTrainer build() {
            if (optimizerFactory == null) throw new IllegalArgumentException("SparkTrainer: an optimizer is required");
            if (train == null) throw new IllegalArgumentException("SparkTrainer: trainData is required");
            serialisable("model factory", modelFactory);
            serialisable("loss factory", lossFactory);
            if (stepsPerJob > 1) {
                if (!stepOptions.isEmpty()) {
                    throw new IllegalArgumentException("SparkTrainer: stepsPerJob(" + stepsPerJob + ") runs the optimiser "
                            + "on the executors, without the driver's per-step options; remove " + stepOptions
                            + " or use one job per step");
                }
                serialisable("optimizer factory", optimizerFactory);
            }
            Module model = modelFactory.create();
            if (model == null) throw new IllegalArgumentException("SparkTrainer: the model factory returned null");
            if (model.parameters().isEmpty()) throw new IllegalArgumentException("SparkTrainer: the model has no parameters");
            if (!model.namedGenerators().isEmpty()) {
                throw new IllegalArgumentException("SparkTrainer: the model draws random numbers in "
                        + model.namedGenerators().keySet() + " (dropout?); data-parallel training cannot reproduce "
                        + "them, so such models are not supported");
            }
            Loss loss = lossFactory.create();
            if (loss == null) throw new IllegalArgumentException("SparkTrainer: the loss factory returned null");
            Optimizer<?> optimizer = optimizerFactory.apply(model.parameters());
            if (optimizer == null) throw new IllegalArgumentException("SparkTrainer: the optimizer factory returned null");

            Job job = new Job(UUID.randomUUID().toString(), modelFactory, lossFactory, reduction);
            SparkDataParallel engine = new SparkDataParallel(sc, job, model, loss, aggregationDepth);
            List<JavaRDD<Shard>> cached = new ArrayList<>();
            Set<String> backends = new LinkedHashSet<>();
            try {
                String expected = Tasks.describe(model);
                Prepared t = prepare("training", train, job, expected, backends, cached);
                DataLoader trainLoader = indexLoader(model, t.rows, mode, shuffle, dropLast);
                engine.register(trainLoader, t.data);
                Trainer.Builder tb = Trainer.builder(model, loss, optimizer).trainData(trainLoader).dataParallel(engine);
                DataLoader validationLoader = null;
                if (validation != null) {
                    Prepared v = prepare("validation", validation, job, expected, backends, cached);
                    int chunk = validationBatchSize > 0 ? validationBatchSize : Math.min(trainLoader.batchSize(), v.rows);
                    validationLoader = indexLoader(model, v.rows, BatchMode.miniBatch(chunk), null, false);
                    engine.register(validationLoader, v.data);
                    tb.validationData(validationLoader);
                }
                for (Consumer<Trainer.Builder> option : loop) option.accept(tb);
                if (stepsPerJob > 1) tb.checkpointLoop(java.util.Map.of("stepsPerJob", Integer.toString(stepsPerJob)));
                String report = String.join("\n", backends);
                LOG.log(System.Logger.Level.INFO, "SparkTrainer: executor backends:\n" + report);
                Trainer built = tb.build();
                BarrierLoop barrier = null;
                if (stepsPerJob > 1) {
                    checkBarrier(sc, t);
                    barrier = new BarrierLoop(sc, built, job, (OptimizerFactory) optimizerFactory, model, optimizer, engine,
                            t.data.shards(), trainLoader, validationLoader, epochs, List.of(metrics), stepsPerJob, exchange);
                }
                return new SparkTrainer(built, model, engine, cached, job.id(), report, barrier);
            } catch (RuntimeException e) {
                for (JavaRDD<Shard> s : cached) s.unpersist(false);
                Replicas.forget(job.id());
                throw e;
            }
        }

        private record Prepared(SparkDataParallel.Data data, int rows, List<Integer> emptyPartitions) {
        }

        /** A barrier job runs every partition's task at once: each must hold rows, and the cluster needs the slots. */
        private static void checkBarrier(JavaSparkContext sc, Prepared t) {
            int partitions = t.data.shards().getNumPartitions();
            if (!t.emptyPartitions.isEmpty()) {
                throw new IllegalArgumentException("SparkTrainer: stepsPerJob needs rows in every partition, but training "
                        + "partition" + (t.emptyPartitions.size() == 1 ? " " : "s ") + t.emptyPartitions + " of " + partitions
                        + " hold none; repartition or coalesce the data first");
            }
            int slots = sc.defaultParallelism();
            if (partitions > slots) {
                throw new IllegalArgumentException("SparkTrainer: stepsPerJob runs all " + partitions + " training "
                        + "partitions at once (a barrier job), but the cluster has " + slots + " task slots "
                        + "(spark.default.parallelism); coalesce the data to at most " + slots + " partitions");
            }
        }

        /** Numbers, packs and caches the rows, then checks every partition's summary on the driver. */
        private static Prepared prepare(String name, JavaRDD<Sample> rows, Job job, String expectedModel,
                                        Set<String> backends, List<JavaRDD<Shard>> cached) {
            JavaRDD<Shard> shards = rows.zipWithIndex()
                    .mapPartitionsWithIndex((i, it) -> Shard.pack(i, it), true)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            cached.add(shards);
            List<Summary> summaries = summaries(shards, job);
            long total = 0;
            Summary first = null;
            String nonFinite = null;
            List<Integer> empty = new ArrayList<>();
            for (Summary s : summaries) {
                if (s.replicaError() != null) {
                    throw new IllegalStateException("SparkTrainer: the executor of " + name + " partition " + s.partition()
                            + " cannot build the model and loss: " + s.replicaError());
                }
                if (!s.replica().startsWith(expectedModel + " on ")) {
                    throw new IllegalStateException("SparkTrainer: the model factory builds a different model on the "
                            + "executors (" + s.replica() + ") than on the driver (" + expectedModel + ")");
                }
                backends.add(s.backends() + "\n  (replicas: " + s.replica().substring(expectedModel.length() + " on ".length()) + ")");
                if (s.problem() != null) {
                    throw new IllegalArgumentException("SparkTrainer: the " + name + " rows disagree: " + s.problem());
                }
                if (s.size() == 0) {
                    empty.add(s.partition());
                    continue;
                }
                if (nonFinite == null) nonFinite = s.nonFinite(); // partitions come in row order
                if (s.start() != total) {
                    throw new IllegalStateException("SparkTrainer: " + name + " partition " + s.partition()
                            + " starts at row " + s.start() + ", expected " + total);
                }
                total += s.size();
                if (first == null) {
                    first = s;
                } else if (s.width() != first.width()) {
                    throw new IllegalArgumentException("SparkTrainer: the " + name + " rows disagree: row " + s.start()
                            + " has " + s.width() + " features, row " + first.start() + " has " + first.width());
                } else if (s.classTarget() != first.classTarget() || s.targetWidth() != first.targetWidth()) {
                    throw new IllegalArgumentException("SparkTrainer: the " + name + " rows disagree: row " + s.start()
                            + " has " + Shard.describeTarget(s.classTarget(), s.targetWidth()) + ", row " + first.start()
                            + " has " + Shard.describeTarget(first.classTarget(), first.targetWidth()));
                }
            }
            if (first == null) throw new IllegalArgumentException("SparkTrainer: the " + name + " data is empty");
            if (nonFinite != null) {
                throw new IllegalArgumentException("SparkTrainer: the " + name + " data is not finite: " + nonFinite
                        + "; no step was taken");
            }
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("SparkTrainer: the " + name + " data has " + total
                        + " rows; at most " + Integer.MAX_VALUE + " are supported");
            }
            return new Prepared(new SparkDataParallel.Data(name, shards, first.first()), (int) total, empty);
        }

        private static List<Summary> summaries(JavaRDD<Shard> shards, Job job) {
            return shards.map(s -> Tasks.summarize(s, job)).collect();
        }

        /**
         * A loader over {@code n} placeholder rows: the trainer's loop draws batches from it, and their
         * {@code samples()} are the global row indices each step trains on.
         */
        private static DataLoader indexLoader(Module model, int n, BatchMode mode, Rng shuffle, boolean dropLast) {
            var f = Tensor.on(model.parameters().get(0).value().backend(), DType.FLOAT32);
            DataLoader.Builder b = DataLoader.over(f.zeros(n, 1), f.zeros(n, 1)).mode(mode).dropLast(dropLast);
            if (shuffle != null) b.shuffle(shuffle);
            return b.build();
        }

        private static void serialisable(String what, Object o) {
            try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
                out.writeObject(o);
            } catch (IOException e) {
                throw new IllegalArgumentException("SparkTrainer: the " + what + " (" + o.getClass().getName()
                        + ") is not serialisable, so Spark cannot ship it to the executors: " + e
                        + ". Use a method reference to a static method, or a lambda that captures only serialisable values.", e);
            }
        }
    }
}
