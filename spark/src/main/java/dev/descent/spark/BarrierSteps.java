package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.DType;
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
 * share of the gradient, exchanges it with the other tasks ({@link AllReduce} among them, or the driver's
 * {@link GradientExchange}), both of which sum the shares in partition order (the same sum, bit for bit, as the
 * one-job-per-step mode's), and takes the optimiser step with the sum. Every task takes the same steps from the same
 * state, so the replicas stay equal; partition 0's task returns the parameters and optimiser state. A failed task
 * fails the whole stage, which the driver reruns from the same broadcast state, so a retry changes nothing.
 */
final class BarrierSteps extends AbstractFunction1<scala.collection.Iterator<Shard>, scala.collection.Iterator<BarrierSteps.Result>>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One step as the trainer's history records it. */
    record Step(double loss, double learningRate, double gradNorm, long nanos) implements Serializable {
    }

    /** The sum of every task's share of one step, as each task receives it. */
    interface Total {
        long rows();

        double loss();

        /**
         * Sets the parameters' gradients to the sum, in their dtypes (written into the gradients they hold where it
         * can be); a parameter the sum has no gradient for ends with none.
         */
        void setGrads(List<Variable> params);
    }

    /** How the tasks of a job exchange their shares: one instance per task and job, closed at its end. */
    interface Exchanger extends AutoCloseable {
        /**
         * Sends this task's share of step {@code step} (the parameters' gradients, ignored when {@code rows} is 0,
         * its loss and rows) and returns the sum of every task's share; adds its packing and summing times.
         */
        Total exchange(List<Variable> params, long rows, double loss, int step, Times times) throws java.io.IOException;

        @Override
        void close() throws java.io.IOException;
    }

    /**
     * Where a task's steps spent their time, summed over its steps: computing its share (forward and backward),
     * packing it for the exchange, the exchange (sending, waiting for the other tasks, receiving; packing and
     * summing included), the wait within it for the other tasks to start sending (their computing; the all-reduce
     * only), the summing itself, setting the gradients to the sum, and the update (gradient norm, optimiser step
     * and the finiteness check); and the buffers its steps took from the pool.
     */
    static final class Times implements Serializable {
        private static final long serialVersionUID = 1L;
        long compute, pack, exchange, waiting, reduce, apply, update;
        /**
         * The exchange less its packing, waiting and summing, on the same task (the parts' maxima over tasks come
         * from different tasks, so their difference could be anything).
         */
        long transfer;
        /** The buffers the task's steps took from its replica's pool: allocated anew, and reused. */
        long allocations, reuses;
        /** The bytes the task's thread allocated on the heap during its steps (-1 where the JVM does not count). */
        long allocatedBytes;

        void max(Times o) {
            compute = Math.max(compute, o.compute);
            pack = Math.max(pack, o.pack);
            exchange = Math.max(exchange, o.exchange);
            waiting = Math.max(waiting, o.waiting);
            reduce = Math.max(reduce, o.reduce);
            apply = Math.max(apply, o.apply);
            update = Math.max(update, o.update);
            transfer = Math.max(transfer, o.transfer);
            allocations = Math.max(allocations, o.allocations);
            reuses = Math.max(reuses, o.reuses);
            allocatedBytes = Math.max(allocatedBytes, o.allocatedBytes);
        }
    }

    /**
     * What a task returns: its partition, its steps, why it stopped early (null: it took them all), and, from
     * partition 0 only, the parameters and optimiser state after the last step (safetensors bytes); with the
     * slowest step's exchange and the task's times.
     */
    record Result(int partition, List<Step> steps, String diverged, byte[] parameters, byte[] optimizer,
                  long exchangeNanos, Times times) implements Serializable {
    }

    private final Job job;
    private final OptimizerFactory optimizerFactory;
    private final Broadcast<byte[][]> state;
    private final int[][] batches;
    private final int firstEpoch;
    private final long firstStep;
    private final GradientExchange.Address exchange;
    private final SparkTrainer.Exchange mode;
    private final long timeoutNanos;
    private final int token;

    BarrierSteps(Job job, OptimizerFactory optimizerFactory, Broadcast<byte[][]> state, int[][] batches, int epoch,
                 long firstStep, GradientExchange.Address exchange, SparkTrainer.Exchange mode, long timeoutNanos, int token) {
        this.exchange = exchange;
        this.mode = mode;
        this.timeoutNanos = timeoutNanos;
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
        long slowestExchange = 0;
        Times times = new Times();
        long allocations = r.pool().allocations(), reuses = r.pool().reuses(), heap = allocatedBytes();
        try (Exchanger exchanger = open(context, partition, model)) {
            for (int k = 0; k < batches.length && diverged == null; k++) {
                // NOTE: each step in a scope of the replica's pool, as Trainer runs its steps: the next steps reuse
                // its tensors' buffers (the gradients, parameters and optimiser state are held across steps)
                try (BufferPool.Scope scope = r.pool().open()) {
                    long start = System.nanoTime();
                    int[] samples = batches[k];
                    int[] rows = shard.select(samples);
                    double share = rows.length == 0 ? 0 : Tasks.backward(shard, job, r, rows, samples.length, 1.0);
                    long computed = System.nanoTime();
                    Total sum = exchanger.exchange(model.parameters(), rows.length, share, k, times);
                    long exchanged = System.nanoTime();
                    times.compute += computed - start;
                    times.exchange += exchanged - computed;
                    slowestExchange = Math.max(slowestExchange, exchanged - computed);
                    long step = firstStep + k + 1;
                    if (sum.rows() != samples.length) {
                        throw new IllegalStateException("SparkTrainer: the partitions computed " + sum.rows() + " rows of a batch of "
                                + samples.length + " at step " + step);
                    }
                    // NOTE: every check below decides from the sum, the same on every task, so all tasks stop at the same
                    // step (one that stopped alone would leave the others waiting for its share)
                    if (!Double.isFinite(sum.loss())) {
                        diverged = why(step, "the loss is " + sum.loss());
                        break;
                    }
                    sum.setGrads(model.parameters());
                    long applied = System.nanoTime();
                    times.apply += applied - exchanged;
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
                    times.update += System.nanoTime() - applied;
                    // NOTE: weighed by the batch's share of the step's rows (all of them), as the trainer's loop records it
                    double loss = sum.loss() * samples.length / samples.length;
                    steps.add(new Step(loss, lr, norm, System.nanoTime() - start));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("SparkTrainer: partition " + partition + "'s gradient exchange ("
                    + mode + ") failed: " + e.getMessage(), e);
        }
        times.transfer = times.exchange - times.pack - times.waiting - times.reduce;
        times.allocations = r.pool().allocations() - allocations;
        times.reuses = r.pool().reuses() - reuses;
        times.allocatedBytes = heap < 0 ? -1 : allocatedBytes() - heap;
        byte[][] after = partition == 0 ? state(model, optimizer) : new byte[2][];
        Replicas.giveBack(job, r);
        Result result = new Result(partition, steps, diverged, after[0], after[1], slowestExchange, times);
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of(result).iterator());
    }

    /** The bytes this thread has allocated on the heap so far, or -1 where the JVM does not count them. */
    private static long allocatedBytes() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(threads instanceof com.sun.management.ThreadMXBean t) || !t.isThreadAllocatedMemoryEnabled()) return -1;
        return t.getCurrentThreadAllocatedBytes();
    }

    /** This task's side of the job's exchange. */
    private Exchanger open(BarrierTaskContext context, int partition, Module model) throws java.io.IOException {
        int partitions = context.getTaskInfos().length;
        if (mode == SparkTrainer.Exchange.DRIVER) {
            return new GradientExchange.Client(exchange, attempt(context), partition, partitions, timeoutNanos);
        }
        List<Variable> params = model.parameters();
        int[] sizes = new int[params.size()];
        boolean single = true;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) params.get(i).value().size();
            single &= params.get(i).value().dtype() == DType.FLOAT32;
        }
        // NOTE: the host the executor's block manager advertises, which the other executors reach it by
        String host = org.apache.spark.SparkEnv.get().blockManager().blockManagerId().host();
        return AllReduce.open(exchange, attempt(context), partition, partitions, host, sizes, single ? 4 : 8,
                timeoutNanos, context);
    }

    /** Orders the job's attempts: this job's token, then the stage attempt (a rerun of a failed stage is newer). */
    private long attempt(BarrierTaskContext context) {
        return ((long) token << 32) | context.stageAttemptNumber();
    }

    private String why(long step, String what) {
        return "training diverged at epoch " + firstEpoch + ", step " + step + ": " + what;
    }

    /**
     * The name of the first parameter that is not finite, or null. NOTE: one pass over the parameters in their
     * order; the names (a walk of the module tree) are looked up only when one is bad.
     */
    private static String firstNonFinite(Module model) {
        List<Variable> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            if (!Norms.isFinite(params.get(i).value())) {
                Variable bad = params.get(i);
                for (var e : model.namedParameters().entrySet()) if (e.getValue() == bad) return e.getKey();
                return "parameter " + i;
            }
        }
        return null;
    }
}
