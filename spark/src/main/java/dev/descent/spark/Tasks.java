package dev.descent.spark;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Tensor;
import dev.descent.core.io.Safetensors;
import dev.descent.core.io.SafetensorsFormatException;
import dev.descent.nn.Module;
import dev.descent.nn.losses.Reduction;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the executors run: one partition's share of a step, of an evaluation, and the summary before training. */
final class Tasks {
    private Tasks() {
    }

    /**
     * The gradient of {@code weight × share × (the partition's loss over its rows of the batch)}, where the share is
     * the partition's fraction of the batch for a MEAN loss (1 for SUM), so that the partitions' sum is the gradient
     * of the loss over the whole batch. The parameters are read from the broadcast here, so that their fetch is timed
     * with their loading.
     */
    static GradientSum gradient(Shard shard, Job job, Broadcast<byte[]> parameters, int[] samples, double weight) {
        int[] rows = shard.select(samples);
        if (rows.length == 0) return GradientSum.zero();
        long start = System.nanoTime();
        Replicas.Replica r = Replicas.borrow(job);
        load(r.model(), parameters.value(), r);
        GradientSum sum = share(shard, job, r, rows, samples.length, weight, System.nanoTime() - start);
        Replicas.giveBack(job, r);
        return sum;
    }

    /**
     * The share of local rows {@code rows} of a batch of {@code batchSize} rows, computed with replica {@code r}
     * whose parameters are loaded; leaves the replica's gradients zero.
     */
    static GradientSum share(Shard shard, Job job, Replicas.Replica r, int[] rows, int batchSize, double weight,
                             long loadNanos) {
        if (rows.length == 0) return GradientSum.zero();
        long start = System.nanoTime();
        double loss = backward(shard, job, r, rows, batchSize, weight);
        GradientSum sum = GradientSum.share(r.model().parameters(), loss, rows.length, loadNanos, System.nanoTime() - start);
        r.model().zeroGrad();
        return sum;
    }

    /**
     * Back-propagates the share of local rows {@code rows} (at least one) of a batch of {@code batchSize} rows into
     * replica {@code r}'s zeroed gradients, and returns the share's loss: the loss over the rows times their share
     * of the batch (1 for a SUM loss).
     */
    static double backward(Shard shard, Job job, Replicas.Replica r, int[] rows, int batchSize, double weight) {
        Module model = r.model();
        model.train();
        model.zeroGrad();
        Variable l = r.loss().apply(model.apply(Variable.constant(shard.features(r.factory(), rows))),
                Variable.constant(shard.targets(r.factory(), rows)));
        double share = job.reduction() == Reduction.MEAN ? (double) rows.length / batchSize : 1.0;
        double factor = share * weight;
        double value = l.value().item();
        // NOTE: a partition holding the whole batch multiplies by nothing, so one partition reproduces the
        // single-machine graph exactly; otherwise the shares make the sum the gradient of the batch's mean loss.
        (factor == 1.0 ? l : l.mul(factor)).backward();
        return value * share;
    }

    /** The partition's loss (and, with {@code outputs}, predictions) in eval mode, in chunks of {@code chunk} rows. */
    static Evaluation evaluate(Shard shard, Job job, byte[] parameters, int chunk, boolean outputs) {
        if (shard.size == 0) return new Evaluation(0, 0, null);
        Replicas.Replica r = Replicas.borrow(job);
        Module model = r.model();
        load(model, parameters, r);
        model.eval();
        double lossSum = 0;
        List<Tensor> predictions = new ArrayList<>(), targets = new ArrayList<>();
        try (NoGrad g = NoGrad.enter()) {
            for (int from = 0; from < shard.size; from += chunk) {
                int[] rows = Shard.range(from, Math.min(shard.size, from + chunk));
                Tensor x = shard.features(r.factory(), rows), y = shard.targets(r.factory(), rows);
                Variable prediction = model.apply(Variable.constant(x));
                double l = r.loss().apply(prediction, Variable.constant(y)).value().item();
                lossSum += l * rows.length; // as Trainer.evaluate weighs its batches
                if (outputs) {
                    predictions.add(prediction.value());
                    targets.add(y);
                }
            }
        } finally {
            model.train();
        }
        Replicas.giveBack(job, r);
        byte[] bytes = null;
        if (outputs) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("prediction", Tensor.concat(0, predictions));
            out.put("target", Tensor.concat(0, targets));
            bytes = Safetensors.toBytes(out, Map.of());
        }
        return new Evaluation(lossSum, shard.size, bytes);
    }

    /** The partition's layout and problems, the executor's backends, and whether it can build a replica. */
    static Summary summarize(Shard shard, Job job) {
        String replica = null, error = null;
        try {
            Replicas.Replica r = Replicas.borrow(job);
            replica = describe(r.model()) + " on " + r.factory().backend().name();
            Replicas.giveBack(job, r);
        } catch (RuntimeException | LinkageError e) {
            error = e.toString();
        }
        String backends;
        try {
            backends = Backends.describe();
        } catch (RuntimeException e) {
            backends = e.toString();
        }
        return new Summary(shard.partition, shard.start, shard.size, shard.width, shard.targetWidth,
                shard.classTarget(), shard.first, shard.problem, shard.nonFinite, backends, replica, error);
    }

    /** The model's parameters in words: {@code name dtype shape, ...}. */
    static String describe(Module model) {
        StringBuilder sb = new StringBuilder();
        model.namedParameters().forEach((n, p) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(p.dtype()).append(' ').append(p.shape()));
        return sb.toString();
    }

    static void load(Module model, byte[] parameters, Replicas.Replica r) {
        model.loadStateDict(read(parameters, r.factory().backend()));
    }

    /** Tensors written by {@code Safetensors.toBytes} in this run (a failure here is a bug, not bad input). */
    static Map<String, Tensor> read(byte[] bytes, dev.descent.core.spi.Backend backend) {
        try {
            return Safetensors.fromBytes(bytes, backend).tensors();
        } catch (SafetensorsFormatException e) {
            throw new IllegalStateException("SparkTrainer: corrupt tensors between driver and executor: " + e.getMessage(), e);
        }
    }
}
