package dev.descent.optim.train;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;
import dev.descent.nn.data.Batch;
import dev.descent.optim.clip.Norms;

import java.util.ArrayList;
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
    private final List<Variable> params;

    Run(Trainer trainer, History history, int epoch, long step) {
        this.t = trainer;
        this.history = history;
        this.epoch = epoch;
        this.step = step;
        this.params = trainer.model.parameters();
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
                if (t.schedule != null && t.scheduleUnit == Trainer.ScheduleUnit.EPOCH) t.optimizer.setLr(t.schedule.lr(epoch));
                if (!trainEpoch(e)) break;
                Map<String, Double> metrics = new LinkedHashMap<>(t.evaluate(t.train, ""));
                if (t.validation != null) metrics.putAll(t.evaluate(t.validation, "val_"));
                History.Epoch record = new History.Epoch(e, metrics, System.nanoTime() - start);
                history.add(record);
                epoch = e;
                for (TrainingListener l : t.listeners) l.onEpochEnd(record);
                boolean stop = watch(record);
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
        double value = record.get(rule.monitor());
        if (Double.isNaN(value) && !record.metrics().containsKey(rule.monitor())) {
            throw new IllegalStateException("early stopping: the history has no metric '" + rule.monitor()
                    + "'; it has " + record.metrics().keySet());
        }
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

    private void restoreBest() {
        if (t.earlyStopping != null && t.earlyStopping.restoresBestWeights() && bestWeights != null
                && history.stopReason() != StopReason.DIVERGED) {
            t.model.loadStateDict(bestWeights);
        }
    }

    /** One epoch of optimiser steps; false when training diverged. */
    private boolean trainEpoch(int e) {
        t.model.train();
        t.optimizer.zeroGrad();
        List<Batch> group = new ArrayList<>(t.accumulation);
        for (Batch b : t.train) {
            group.add(b);
            if (group.size() == t.accumulation) {
                if (!stepOn(e, group)) return false;
                group.clear();
            }
        }
        return group.isEmpty() || stepOn(e, group);
    }

    /** Forward and backward over the group's batches, then one optimiser step; false when training diverged. */
    private boolean stepOn(int e, List<Batch> group) {
        long start = System.nanoTime();
        long next = step + 1;
        int total = 0;
        for (Batch b : group) total += b.size();
        double lossValue = 0;
        for (Batch b : group) {
            if (t.engine != null) {
                double w = group.size() == 1 ? 1.0 : (double) b.size() / total;
                double v = t.engine.lossAndGradient(b, w);
                if (t.regularizer != null) {
                    Variable penalty = t.regularizer.penalty(t.regularized);
                    v += penalty.value().item();
                    (w == 1.0 ? penalty : penalty.mul(w)).backward();
                }
                if (!Double.isFinite(v)) {
                    t.optimizer.zeroGrad();
                    return diverged(e, next, "the loss is " + v + " (parameters are at their last finite values)");
                }
                lossValue += v * b.size() / total;
                continue;
            }
            Variable prediction = t.model.apply(Variable.constant(b.features()));
            Variable l = t.loss.apply(prediction, Variable.constant(b.labels()));
            if (t.regularizer != null) l = l.add(t.regularizer.penalty(t.regularized));
            double v = l.value().item();
            if (!Double.isFinite(v)) {
                return diverged(e, next, "the loss is " + v + " (parameters are at their last finite values)");
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
            return diverged(e, next, "the gradient of '" + bad + "' is not finite");
        }
        if (t.schedule != null && t.scheduleUnit == Trainer.ScheduleUnit.STEP) t.optimizer.setLr(t.schedule.lr((int) step));
        double lr = t.optimizer.lr();
        t.optimizer.step();
        t.optimizer.zeroGrad();
        String badParam = t.firstNonFiniteParameter();
        if (badParam != null) {
            t.optimizer.undoStep();
            return diverged(e, next, "the step made '" + badParam + "' non-finite; it was undone");
        }
        step = next;
        History.Step record = new History.Step(e, step, lossValue, lr, norm, System.nanoTime() - start);
        history.add(record);
        for (TrainingListener l : t.listeners) l.onStep(record);
        return true;
    }

    private boolean diverged(int e, long s, String why) {
        String message = "training diverged at epoch " + e + ", step " + s + ": " + why;
        LOG.log(System.Logger.Level.DEBUG, message); // the history and the listeners report it; libraries stay quiet
        history.stop(StopReason.DIVERGED, message);
        return false;
    }
}
