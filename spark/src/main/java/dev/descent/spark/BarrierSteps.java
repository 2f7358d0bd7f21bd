package dev.descent.spark;

import dev.descent.core.io.Safetensors;
import dev.descent.nn.Module;
import dev.descent.optim.Optimizer;
import dev.descent.optim.StateDict;
import dev.descent.optim.clip.Norms;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One barrier job of {@link SparkTrainer.Builder#stepsPerJob} mode, on the executors: every partition's task loads
 * the driver's parameters and optimiser state into its replica, then for each of the job's batches computes its
 * share of the gradient, sends it to the driver's {@link GradientExchange}, which sums the shares in partition order
 * (the same sum, bit for bit, as the one-job-per-step mode's) and sends the sum to every task, and takes the
 * optimiser step. Every task takes the same steps from the same state,
 * so the replicas stay equal; partition 0's task returns the parameters and optimiser state. A failed task fails the
 * whole stage, which Spark reruns from the same broadcast state, so a retry changes nothing.
 */
final class BarrierSteps extends AbstractFunction1<scala.collection.Iterator<Shard>, scala.collection.Iterator<BarrierSteps.Result>>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One step as the trainer's history records it. */
    record Step(double loss, double learningRate, double gradNorm, long nanos) implements Serializable {
    }

    /**
     * What a task returns: its partition, its steps, why it stopped early (null: it took them all), and, from
     * partition 0 only, the parameters and optimiser state after the last step (safetensors bytes); with the
     * slowest step's exchange and the task's total computing time.
     */
    record Result(int partition, List<Step> steps, String diverged, byte[] parameters, byte[] optimizer,
                  long computeNanos, long exchangeNanos) implements Serializable {
    }

    private final Job job;
    private final OptimizerFactory optimizerFactory;
    private final Broadcast<byte[][]> state;
    private final int[][] batches;
    private final int firstEpoch;
    private final long firstStep;
    private final GradientExchange.Address exchange;
    private final int token;

    BarrierSteps(Job job, OptimizerFactory optimizerFactory, Broadcast<byte[][]> state, int[][] batches, int epoch,
                 long firstStep, GradientExchange.Address exchange, int token) {
        this.exchange = exchange;
        this.token = token;
        this.job = job;
        this.optimizerFactory = optimizerFactory;
        this.state = state;
        this.batches = batches;
        this.firstEpoch = epoch;
        this.firstStep = firstStep;
    }

    /** The parameters and optimiser state as the job's broadcast carries them. */
    static byte[][] state(Module model, Optimizer<?> optimizer) {
        StateDict o = optimizer.stateDict();
        return new byte[][] {Safetensors.toBytes(model.stateDict(), Map.of()), Safetensors.toBytes(o.tensors(), o.metadata())};
    }

    /** Loads a state written by {@link #state} into a model and its optimiser. */
    static void load(byte[] parameters, byte[] optimizerState, Module model, Optimizer<?> optimizer) {
        var backend = model.parameters().get(0).value().backend();
        model.loadStateDict(Tasks.read(parameters, backend));
        Safetensors.Contents o;
        try {
            o = Safetensors.fromBytes(optimizerState, backend);
        } catch (dev.descent.core.io.SafetensorsFormatException e) {
            throw new IllegalStateException("SparkTrainer: corrupt optimiser state between driver and executor: " + e.getMessage(), e);
        }
        optimizer.loadStateDict(new StateDict(o.tensors(), o.metadata()));
    }

    @Override
    public scala.collection.Iterator<Result> apply(scala.collection.Iterator<Shard> shards) {
        Shard shard = shards.next();
        BarrierTaskContext context = BarrierTaskContext.get();
        int partition = context.partitionId();
        Replicas.Replica r = Replicas.borrow(job);
        Module model = r.model();
        Optimizer<?> optimizer = optimizerFactory.apply(model.parameters());
        byte[][] s = state.value();
        load(s[0], s[1], model, optimizer);
        optimizer.undoable(true);
        model.train();
        optimizer.zeroGrad();
        List<Step> steps = new ArrayList<>();
        String diverged = null;
        long compute = 0, slowestExchange = 0;
        try (GradientExchange.Client exchanger = new GradientExchange.Client(exchange, attempt(context), partition,
                context.getTaskInfos().length)) {
            for (int k = 0; k < batches.length && diverged == null; k++) {
                long start = System.nanoTime();
                int[] samples = batches[k];
                GradientSum mine = Tasks.share(shard, job, r, shard.select(samples), samples.length, 1.0, 0);
                long computed = System.nanoTime();
                GradientSum sum = exchanger.exchange(mine, partition, k);
                long exchanged = System.nanoTime();
                compute += computed - start;
                slowestExchange = Math.max(slowestExchange, exchanged - computed);
                long step = firstStep + k + 1;
                if (sum.rows != samples.length) {
                    throw new IllegalStateException("SparkTrainer: the partitions computed " + sum.rows + " rows of a batch of "
                            + samples.length + " at step " + step);
                }
                // NOTE: every check below decides from the sum, the same on every task, so all tasks stop at the same
                // step (one that stopped alone would leave the others waiting for its share)
                if (!Double.isFinite(sum.loss)) {
                    diverged = why(step, "the loss is " + sum.loss);
                    break;
                }
                optimizer.zeroGrad();
                sum.backwardInto(model.parameters());
                double norm = Norms.gradNorm(model.parameters(), 2);
                if (!Double.isFinite(norm)) {
                    optimizer.zeroGrad();
                    diverged = why(step, "the gradient is not finite");
                    break;
                }
                double lr = optimizer.lr();
                optimizer.step();
                optimizer.zeroGrad();
                String bad = firstNonFinite(model);
                if (bad != null) {
                    optimizer.undoStep();
                    diverged = why(step, "the step made '" + bad + "' non-finite; it was undone");
                    break;
                }
                // NOTE: weighed by the batch's share of the step's rows (all of them), as the trainer's loop records it
                double loss = sum.loss * samples.length / samples.length;
                steps.add(new Step(loss, lr, norm, System.nanoTime() - start));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[][] after = partition == 0 ? state(model, optimizer) : new byte[2][];
        Replicas.giveBack(job, r);
        Result result = new Result(partition, steps, diverged, after[0], after[1], compute, slowestExchange);
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of(result).iterator());
    }

    /** Orders the job's attempts: this job's token, then the stage attempt (a rerun of a failed stage is newer). */
    private long attempt(BarrierTaskContext context) {
        return ((long) token << 32) | context.stageAttemptNumber();
    }

    private String why(long step, String what) {
        return "training diverged at epoch " + firstEpoch + ", step " + step + ": " + what;
    }

    private static String firstNonFinite(Module model) {
        for (var e : model.namedParameters().entrySet()) {
            if (!Norms.isFinite(e.getValue().value())) return e.getKey();
        }
        return null;
    }
}
