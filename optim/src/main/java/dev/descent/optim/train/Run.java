package dev.descent.optim.train;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.Tensor;
import dev.descent.data.Batch;
import dev.descent.optim.clip.Norms;
import dev.descent.optim.schedule.LrScheduler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One execution of a {@link Trainer}'s loop, from a given epoch and step (0 for a fresh run). */
final class Run {
    private static final System.Logger LOG = System.getLogger(Trainer.class.getName());

    private final Trainer t;
    final History history;
    int epoch;          // epochs completed
    long step;          // optimiser steps taken
    double best = Double.NaN;
    int bestEpoch = -1;
    int waited;
    Map<String, Tensor> bestWeights;
    /** Sets the learning rate: the trainer's own scheduler, or one over its schedule made for this run. */
    final LrScheduler scheduler;
    private final List<Variable> params;
    /** The buffers of this run's steps, reused from step to step. */
    private final BufferPool pool = new BufferPool();
    /** Whether the step's gradient norm (over the model's parameters) sees every gradient the optimiser uses. */
    private final boolean normCoversOptimizer;

    Run(Trainer trainer, History history, int epoch, long step) {
        this.t = trainer;
        this.history = history;
        this.epoch = epoch;
        this.step = step;
        this.params = trainer.model.parameters();
        java.util.Set<Variable> model = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        model.addAll(params);
        this.normCoversOptimizer = model.containsAll(trainer.optimizer.params());
        this.scheduler = trainer.scheduler != null ? trainer.scheduler
                : trainer.schedule != null ? new LrScheduler(trainer.optimizer, trainer.schedule) : null;
    }

    History run() {
        int perEpoch = (t.train.batchesPerEpoch() + t.accumulation - 1) / t.accumulation;
        for (TrainingListener l : t.listeners) l.onTrainBegin(t.epochs, perEpoch);
        boolean wasUndoable = t.optimizer.isUndoable();
        t.optimizer.undoable(true); // the divergence guard takes back a step that makes a parameter non-finite
        try {
            while (epoch < t.epochs) {
                int e = epoch + 1;
                for (TrainingListener l : t.listeners) l.onEpochBegin(e);
                long start = System.nanoTime();
                if (!trainEpoch(e)) break;
                Map<String, Double> metrics = new LinkedHashMap<>(t.evaluate(t.train, ""));
                if (t.validation != null) metrics.putAll(t.evaluate(t.validation, "val_"));
                History.Epoch record = new History.Epoch(e, metrics, System.nanoTime() - start);
                history.add(record);
                epoch = e;
                for (TrainingListener l : t.listeners) l.onEpochEnd(record);
                boolean stop = watch(record);
                if (scheduler != null && t.scheduleUnit == Trainer.ScheduleUnit.EPOCH) scheduler.step();
                if (t.plateau != null) t.plateau.step(metric(record, t.plateauMonitor, "reduceOnPlateau"));
                if (t.checkpoints != null) t.checkpoints.afterEpoch(t, this, improvedThisEpoch);
                if (stop) break;
            }
        } finally {
            t.optimizer.undoable(wasUndoable);
            restoreBest();
            for (TrainingListener l : t.listeners) l.onTrainEnd(history);
        }
        return history;
    }

    private boolean improvedThisEpoch;

    /** Updates the early-stopping state; whether to stop now. */
    private boolean watch(History.Epoch record) {
        improvedThisEpoch = false;
        EarlyStopping rule = t.earlyStopping;
        if (rule == null) return false;
        double value = metric(record, rule.monitor(), "early stopping");
        if (rule.improves(value, best)) {
            best = value;
            bestEpoch = record.epoch();
            waited = 0;
            improvedThisEpoch = true;
            if (rule.restoresBestWeights()) bestWeights = t.model.stateDict();
            return false;
        }
        waited++;
        if (waited > rule.patience()) {
            history.stop(StopReason.EARLY_STOPPED, "early stopping at epoch " + record.epoch() + ": " + rule.monitor()
                    + " has not improved by more than " + rule.minDelta() + " for " + waited + " epochs (best "
                    + best + " at epoch " + bestEpoch + ")");
            return true;
        }
        return false;
    }

    private static double metric(History.Epoch record, String name, String who) {
        if (!record.metrics().containsKey(name)) {
            throw new IllegalStateException(who + ": the history has no metric '" + name + "'; it has "
                    + record.metrics().keySet());
        }
        return record.get(name);
    }

    private void restoreBest() {
        if (t.earlyStopping != null && t.earlyStopping.restoresBestWeights() && bestWeights != null
                && history.stopReason() != StopReason.DIVERGED) {
            t.model.loadStateDict(bestWeights);
        }
    }

    /**
     * One epoch of optimiser steps; false when training diverged. Each step (its batches, forward, backward and
     * update) runs in a scope of the run's {@link BufferPool}, so that the next steps reuse its buffers; the listeners
     * hear of it after the scope closed. Data-parallel steps are left to their {@link DataParallel}.
     */
    private boolean trainEpoch(int e) {
        t.model.train();
        t.optimizer.zeroGrad();
        Iterator<Batch> batches = t.train.iterator();
        List<Batch> group = new ArrayList<>(t.accumulation);
        while (batches.hasNext()) {
            boolean stepped;
            try (BufferPool.Scope scope = t.parallel == null && t.reuseBuffers ? pool.open() : null) {
                while (group.size() < t.accumulation && batches.hasNext()) group.add(batches.next());
                stepped = stepOn(e, group);
                group.clear();
            }
            if (!stepped) return false;
            for (TrainingListener l : t.listeners) l.onStep(lastStep);
        }
        return true;
    }

    /** The record of the last step taken. */
    private History.Step lastStep;

    /** Forward and backward over the group's batches, then one optimiser step; false when training diverged. */
    private boolean stepOn(int e, List<Batch> group) {
        long start = System.nanoTime();
        long next = step + 1;
        int total = 0;
        for (Batch b : group) total += b.size();
        double lossValue = 0;
        for (Batch b : group) {
            if (t.parallel != null) {
                double w = group.size() == 1 ? 1.0 : (double) b.size() / total;
                double v = t.parallel.lossAndGradient(b, w);
                if (t.regularizer != null) {
                    Variable penalty = t.regularizer.penalty(t.regularized);
                    v += penalty.value().item();
                    (w == 1.0 ? penalty : penalty.mul(w)).backward();
                }
                if (!Double.isFinite(v)) {
                    t.optimizer.zeroGrad();
                    return diverged(e, next, nonFiniteLoss(v, List.of()));
                }
                lossValue += v * b.size() / total;
                continue;
            }
            Variable prediction = t.model.apply(Variable.constant(b.features()));
            Variable l;
            try {
                l = t.loss.apply(prediction, Variable.constant(b.labels()));
            } catch (IllegalArgumentException bad) {
                t.optimizer.zeroGrad();
                String sample = DataChecks.rejected(b, t.loss, prediction.value());
                throw new IllegalArgumentException("Trainer: epoch " + e + ", step " + next + ": the training data's "
                        + (sample != null ? sample : bad.getMessage()) + " (no parameter was changed)", bad);
            }
            if (t.regularizer != null) l = l.add(t.regularizer.penalty(t.regularized));
            double v = l.value().item();
            if (!Double.isFinite(v)) {
                t.optimizer.zeroGrad();
                return diverged(e, next, nonFiniteLoss(v, group));
            }
            lossValue += v * b.size() / total;
            // NOTE: each micro-batch's mean loss weighs by its share of the samples, so the accumulated gradient is
            // the gradient of the mean over all of them.
            (group.size() == 1 ? l : l.mul((double) b.size() / total)).backward();
        }
        // NOTE: the norm is finite whenever every gradient is, so the one pass serves as the finiteness check too.
        double norm = Norms.gradNorm(params, 2);
        String bad = Double.isFinite(norm) ? null : t.firstNonFiniteGradient();
        if (bad != null) {
            t.optimizer.zeroGrad();
            String data = nonFiniteData(group);
            return diverged(e, next, data != null ? data : "the gradient of '" + bad + "' is not finite");
        }
        double lr = t.optimizer.lr();
        // NOTE: a finite norm over every gradient the optimiser reads is its finiteness check already
        if (normCoversOptimizer) t.optimizer.stepFiniteGradients();
        else t.optimizer.step();
        t.optimizer.zeroGrad();
        String badParam = t.firstNonFiniteParameter();
        if (badParam != null) {
            t.optimizer.undoStep();
            return diverged(e, next, "the step made '" + badParam + "' non-finite; it was undone");
        }
        step = next;
        if (scheduler != null && t.scheduleUnit == Trainer.ScheduleUnit.STEP) scheduler.step();
        History.Step record = new History.Step(e, step, lossValue, lr, norm, System.nanoTime() - start);
        history.add(record);
        lastStep = record;
        return true;
    }

    /**
     * Why the loss is not finite: bad data first, then a parameter that is already non-finite, else overflow.
     * {@code group} is empty when the batch is computed elsewhere ({@link DataParallel}), which checks its own data.
     */
    private String nonFiniteLoss(double v, List<Batch> group) {
        String data = nonFiniteData(group);
        if (data != null) return "the loss is " + v + " because " + data;
        String param = t.firstNonFiniteParameter();
        if (param != null) return "the loss is " + v + " because parameter '" + param + "' is not finite";
        return "the loss is " + v + (group.isEmpty() ? "" : " although the batch and every parameter are finite")
                + " (parameters are at their last finite values)";
    }

    /** The first non-finite sample of the group, as "the training data's sample ... (the data, not a parameter)". */
    private static String nonFiniteData(List<Batch> group) {
        for (Batch b : group) {
            String bad = DataChecks.nonFinite(b);
            if (bad != null) return "the training data's " + bad + " (the data is at fault, not a parameter)";
        }
        return null;
    }

    private boolean diverged(int e, long s, String why) {
        String message = "training diverged at epoch " + e + ", step " + s + ": " + why;
        LOG.log(System.Logger.Level.DEBUG, message); // the history and the listeners report it; libraries stay quiet
        history.stop(StopReason.DIVERGED, message);
        return false;
    }
}
