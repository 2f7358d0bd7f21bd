package dev.descent.spark;

import dev.descent.core.BufferPool;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.losses.Loss;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The models an executor JVM trains with: one replica (model and loss) per concurrently running task of a
 * training run, built once by the run's factories and reused by later steps, whose parameters are overwritten by
 * the driver's before every use. A task borrows a replica and gives it back; a task that fails drops its replica.
 */
final class Replicas {
    /**
     * One model with its loss, the backend and dtype of its parameters, and the buffer pool its steps run in (a
     * replica serves one task, so one thread, at a time).
     */
    record Replica(Module model, Loss loss, TensorFactory factory, BufferPool pool) {
    }

    private static final Map<String, ConcurrentLinkedDeque<Replica>> IDLE = new ConcurrentHashMap<>();

    private Replicas() {
    }

    static Replica borrow(Job job) {
        Replica r = IDLE.computeIfAbsent(job.id(), k -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (r != null) return r;
        Module model = job.model().create();
        if (model == null) throw new IllegalStateException("the model factory returned null");
        Loss loss = job.loss().create();
        if (loss == null) throw new IllegalStateException("the loss factory returned null");
        if (model.parameters().isEmpty()) throw new IllegalStateException("the model factory built a model without parameters");
        Tensor p = model.parameters().get(0).value();
        return new Replica(model, loss, Tensor.on(p.backend(), p.dtype()), new BufferPool());
    }

    static void giveBack(Job job, Replica r) {
        IDLE.computeIfAbsent(job.id(), k -> new ConcurrentLinkedDeque<>()).addFirst(r);
    }

    /** Drops the replicas of a finished run (in this JVM). */
    static void forget(String jobId) {
        IDLE.remove(jobId);
    }
}
