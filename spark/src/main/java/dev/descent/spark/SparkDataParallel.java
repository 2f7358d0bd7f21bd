package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;
import dev.descent.core.io.Safetensors;
import dev.descent.nn.InferenceMode;
import dev.descent.nn.Module;
import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Reduction;
import dev.descent.optim.train.DataParallel;
import dev.descent.optim.train.Metric;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import scala.Tuple2;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's side of a step: broadcast the parameters (safetensors bytes), let every partition compute its
 * share of the batch's gradient, sum the shares in partition order, and leave the sum in the driver
 * model's gradients for the trainer's optimiser step.
 */
final class SparkDataParallel implements DataParallel {
    private final JavaSparkContext sc;
    private final Job job;
    private final Module model;
    private final Loss loss;
    private final Map<DataLoader, Data> data = new IdentityHashMap<>();
    /** What each step so far cost, in order. */
    final List<SparkTrainer.StepCost> costs = new ArrayList<>();

    /** A data set: its cached shards and its first row (for the probe). */
    record Data(String name, JavaRDD<Shard> shards, Sample first) {
    }

    /** Levels of the sum: 1 collects every share on the driver; more sum groups of partitions on the executors first. */
    private final int depth;

    SparkDataParallel(JavaSparkContext sc, Job job, Module model, Loss loss, int depth) {
        this.depth = depth;
        this.sc = sc;
        this.job = job;
        this.model = model;
        this.loss = loss;
    }

    private Data train;

    /** Adds a data set; the first one added is the training data. */
    void register(DataLoader loader, Data d) {
        if (train == null) train = d;
        data.put(loader, d);
    }

    // ---------------------------------------------------------------- probe

    /** Runs the driver's model and loss on the first row of each data set, and checks the loss's reduction. */
    @Override
    public void probe(DataLoader train) {
        for (Data d : data.values()) probe(d);
    }

    private void probe(Data d) {
        Tensor p = model.parameters().get(0).value();
        var f = Tensor.on(p.backend(), p.dtype());
        Shard one = Shard.pack(0, List.of(new scala.Tuple2<>(d.first(), 0L), new scala.Tuple2<>(d.first(), 1L)).iterator()).next();
        try (InferenceMode scope = InferenceMode.enter()) {
            Tensor single = loss.apply(model.apply(Variable.constant(one.features(f, new int[] {0}))),
                    Variable.constant(one.targets(f, new int[] {0}))).value();
            if (single.size() != 1) {
                throw new IllegalArgumentException("SparkTrainer: the loss must reduce to a scalar (MEAN or SUM), got "
                        + single.shape());
            }
            double l1 = single.item();
            double l2 = loss.apply(model.apply(Variable.constant(one.features(f, new int[] {0, 1}))),
                    Variable.constant(one.targets(f, new int[] {0, 1}))).value().item();
            checkReduction(l1, l2);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SparkTrainer: the model and loss do not fit the " + d.name() + " data: "
                    + e.getMessage(), e);
        }
    }

    /** A row taken twice has the loss of the row once under MEAN and twice it under SUM. */
    private void checkReduction(double once, double twice) {
        if (!Double.isFinite(once) || !Double.isFinite(twice) || once == 0) return;
        boolean mean = Math.abs(twice - once) <= 1e-6 * Math.abs(once);
        boolean sum = Math.abs(twice - 2 * once) <= 1e-6 * Math.abs(once);
        if (job.reduction() == Reduction.MEAN && !mean) {
            throw new IllegalArgumentException("the loss is not a mean over the batch (one row gives " + once
                    + ", the row twice gives " + twice + ")" + (sum ? "; declare lossReduction(Reduction.SUM)" : ""));
        }
        if (job.reduction() == Reduction.SUM && !sum) {
            throw new IllegalArgumentException("the loss is not a sum over the batch (one row gives " + once
                    + ", the row twice gives " + twice + ")" + (mean ? "; it is a mean: declare lossReduction(Reduction.MEAN)" : ""));
        }
    }

    // ---------------------------------------------------------------- steps

    @Override
    public double lossAndGradient(Batch batch, double weight) {
        long start = System.nanoTime();
        byte[] bytes = Safetensors.toBytes(model.stateDict(), Map.of());
        long encoded = System.nanoTime();
        Broadcast<byte[]> parameters = sc.broadcast(bytes);
        long broadcast = System.nanoTime();
        GradientSum sum;
        try {
            sum = depth > 1 ? treeStep(train.shards(), job, parameters, batch.samples(), weight, depth)
                    : step(train.shards(), job, parameters, batch.samples(), weight);
        } finally {
            parameters.destroy();
        }
        long end = System.nanoTime();
        costs.add(new SparkTrainer.StepCost(bytes.length, encoded - start, broadcast - encoded, end - broadcast,
                sum.loadNanos, sum.computeNanos));
        if (sum.rows != batch.size()) {
            throw new IllegalStateException("SparkTrainer: the partitions computed " + sum.rows + " rows of a batch of "
                    + batch.size() + " (was the training RDD changed since the trainer was built?)");
        }
        sum.backwardInto(model.parameters());
        return sum.loss;
    }

    /**
     * One distributed gradient; static, so the closures capture only what they name. The partitions' shares are
     * summed on the driver in partition order, never in the order their tasks finish (as {@code treeAggregate} and
     * {@code fold} merge them): a retried or rescheduled task, a lost executor or a slow one then leaves every bit
     * of the sum as it was.
     */
    private static GradientSum step(JavaRDD<Shard> shards, Job job, Broadcast<byte[]> parameters, int[] samples,
                                    double weight) {
        GradientSum sum = GradientSum.zero();
        for (GradientSum share : shards.map(s -> Tasks.gradient(s, job, parameters, samples, weight)).collect()) {
            sum.add(share);
        }
        return sum;
    }

    /**
     * One distributed gradient summed over {@code depth} levels, as {@code treeAggregate} does, but in a fixed order:
     * each level groups consecutive partition indices ({@code fanIn = ceil(P^(1/depth))} of them) and sums each group
     * on an executor in index order, and the driver sums the last level's groups in order. The result depends on the
     * partitioning and the depth only, never on which task finished first or was retried.
     */
    private static GradientSum treeStep(JavaRDD<Shard> shards, Job job, Broadcast<byte[]> parameters, int[] samples,
                                        double weight, int depth) {
        int n = shards.getNumPartitions();
        int fanIn = Math.max(2, (int) Math.ceil(Math.pow(n, 1.0 / depth) - 1e-9));
        JavaPairRDD<Integer, GradientSum> level = shards.mapToPair(s ->
                new Tuple2<>(s.partition, Tasks.gradient(s, job, parameters, samples, weight)));
        while (n > fanIn) {
            int groups = (n + fanIn - 1) / fanIn, f = fanIn;
            level = level.mapToPair(t -> new Tuple2<>(t._1() / f, t)).groupByKey(new HashPartitioner(groups))
                    .mapValues(SparkDataParallel::inOrder);
            n = groups;
        }
        List<Tuple2<Integer, GradientSum>> last = new ArrayList<>(level.collect());
        return inOrder(last);
    }

    /** The sum of indexed shares in index order. */
    private static GradientSum inOrder(Iterable<Tuple2<Integer, GradientSum>> shares) {
        List<Tuple2<Integer, GradientSum>> sorted = new ArrayList<>();
        shares.forEach(sorted::add);
        sorted.sort(java.util.Comparator.comparing(Tuple2::_1));
        GradientSum sum = GradientSum.zero();
        for (Tuple2<Integer, GradientSum> t : sorted) sum.add(t._2());
        return sum;
    }

    // ---------------------------------------------------------------- evaluation

    @Override
    public Map<String, Double> evaluate(DataLoader loader, List<Metric> metrics, String prefix) {
        Data d = data.get(loader);
        if (d == null) throw new IllegalArgumentException("SparkTrainer.evaluate: this loader is not one of the trainer's data sets");
        Broadcast<byte[]> parameters = sc.broadcast(Safetensors.toBytes(model.stateDict(), Map.of()));
        List<Evaluation> parts;
        try {
            parts = evaluations(d.shards(), job, parameters, loader.batchSize(), !metrics.isEmpty());
        } finally {
            parameters.destroy();
        }
        for (Metric m : metrics) m.reset();
        double lossSum = 0;
        long rows = 0;
        var backend = model.parameters().get(0).value().backend();
        for (Evaluation e : parts) {
            lossSum += e.lossSum();
            rows += e.rows();
            if (e.outputs() == null) continue;
            Map<String, Tensor> out = Tasks.read(e.outputs(), backend);
            for (Metric m : metrics) m.update(out.get("prediction"), out.get("target"));
        }
        Map<String, Double> result = new LinkedHashMap<>();
        result.put(prefix + "loss", lossSum / rows);
        for (Metric m : metrics) result.put(prefix + m.name(), m.result());
        return result;
    }

    private static List<Evaluation> evaluations(JavaRDD<Shard> shards, Job job, Broadcast<byte[]> parameters, int chunk,
                                                boolean outputs) {
        return shards.map(s -> Tasks.evaluate(s, job, parameters.value(), chunk, outputs)).collect();
    }
}
