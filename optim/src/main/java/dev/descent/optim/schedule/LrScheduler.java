package dev.descent.optim.schedule;

import dev.descent.optim.Hyperparameters;
import dev.descent.optim.MomentOptions;
import dev.descent.optim.Optimizer;
import dev.descent.optim.RMSProp;
import dev.descent.optim.SGD;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives an optimiser's learning rate by a {@link Schedule}: on creation it sets {@code schedule.lr(0)}, and each
 * {@link #step()} advances the count and sets the next rate, as a PyTorch scheduler's {@code step()}. Call it once
 * per epoch or once per batch, matching how the schedule's steps were counted. A {@link MomentumSchedule} (the
 * one-cycle policy) also sets the momentum of SGD and RMSProp, or the first beta of Adam, AdamW, Adamax, NAdam and
 * RAdam, as {@code OneCycleLR} does; any other optimiser is rejected, as PyTorch rejects it.
 *
 * <pre>{@code
 * var scheduler = new LrScheduler(sgd, Schedules.step(0.1, 30, 0.1));
 * for (int epoch = 0; epoch < 90; epoch++) {
 *     trainOneEpoch(sgd);
 *     scheduler.step();
 * }
 * Map<String, String> saved = scheduler.stateDict();   // with the optimiser's, for a checkpoint
 * }</pre>
 */
public final class LrScheduler {
    private final Optimizer<?> optimizer;
    private final List<Schedule> schedules;
    private int t;

    /** One schedule for every parameter group. */
    public LrScheduler(Optimizer<?> optimizer, Schedule schedule) {
        this(optimizer, java.util.Collections.nCopies(optimizer.groupCount(), schedule));
    }

    /** One schedule per parameter group, in group order. */
    public LrScheduler(Optimizer<?> optimizer, List<Schedule> perGroup) {
        if (perGroup.size() != optimizer.groupCount()) {
            throw new IllegalArgumentException("LrScheduler: expected one schedule per group (" + optimizer.groupCount()
                    + "), got " + perGroup.size());
        }
        for (int g = 0; g < perGroup.size(); g++) {
            if (perGroup.get(g) instanceof MomentumSchedule) {
                withMomentum(optimizer.groupOptions(g), 0.5); // rejects an optimiser without momentum, up front
            }
        }
        this.optimizer = optimizer;
        this.schedules = List.copyOf(perGroup);
        apply();
    }

    /** Advances one step and sets every group's learning rate (and momentum) from its schedule. */
    public void step() {
        t++;
        apply();
    }

    /** The optimiser whose learning rate this sets. */
    public Optimizer<?> optimizer() {
        return optimizer;
    }

    /** The number of steps taken. */
    public int stepCount() {
        return t;
    }

    /**
     * The scheduler's state, as PyTorch's {@code state_dict()}: {@code last_epoch} (the steps taken) and
     * {@code groups}. The schedules are functions, not state: a scheduler to load into is built with the same ones.
     */
    public Map<String, String> stateDict() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("last_epoch", Integer.toString(t));
        out.put("groups", Integer.toString(schedules.size()));
        return out;
    }

    /**
     * Continues from a {@link #stateDict()}: the step count, and every group's rate (and momentum) for that step,
     * as this scheduler set them then. Everything is checked first; on a bad entry an
     * {@link IllegalArgumentException} names it and nothing changes.
     */
    public void loadStateDict(Map<String, String> state) {
        String op = "LrScheduler.loadStateDict";
        if (state == null) throw new IllegalArgumentException(op + ": the state must not be null");
        for (String key : state.keySet()) {
            if (!key.equals("last_epoch") && !key.equals("groups")) {
                throw new IllegalArgumentException(op + ": unexpected entry '" + key + "' (expected last_epoch, groups)");
            }
        }
        int groups = StateEntries.whole(op, state, "groups", 1);
        if (groups != schedules.size()) {
            throw new IllegalArgumentException(op + ": 'groups' is " + groups + ", this scheduler has " + schedules.size());
        }
        int step = StateEntries.whole(op, state, "last_epoch", 0);
        for (Schedule s : schedules) s.lr(step); // a step the schedule rejects is rejected here, before any change
        t = step;
        apply();
    }

    private void apply() {
        for (int g = 0; g < schedules.size(); g++) {
            Schedule s = schedules.get(g);
            if (s instanceof MomentumSchedule m) setMomentum(optimizer, g, m.momentum(t));
            optimizer.setLr(g, s.lr(t));
        }
    }

    private static <O extends Hyperparameters<O>> void setMomentum(Optimizer<O> optimizer, int group, double momentum) {
        @SuppressWarnings("unchecked")
        O changed = (O) withMomentum(optimizer.groupOptions(group), momentum);
        optimizer.setGroupOptions(group, changed);
    }

    /**
     * The hyper-parameters with the term that {@code OneCycleLR} cycles set to {@code m}: {@code momentum} for the
     * optimisers PyTorch gives a momentum, {@code beta1} for those it gives betas.
     */
    static Object withMomentum(Object options, double m) {
        if (options instanceof SGD.Options o) return o.withMomentum(m);
        if (options instanceof RMSProp.Options o) return o.withMomentum(m);
        if (options instanceof MomentOptions<?> o) return o.withBetas(m, o.beta2());
        throw new IllegalArgumentException("LrScheduler: a momentum schedule (one-cycle) needs an optimiser with a "
                + "momentum or betas (SGD, RMSProp, the Adam family), got " + options.getClass().getName()
                + "; use Schedules.oneCycleWithoutMomentum");
    }
}
