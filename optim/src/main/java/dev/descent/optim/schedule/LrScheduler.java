package dev.descent.optim.schedule;

import dev.descent.optim.Optimizer;

import java.util.List;

/**
 * Drives an optimiser's learning rate by a {@link Schedule}: on creation it sets {@code schedule.lr(0)}, and each
 * {@link #step()} advances the count and sets the next rate, as a PyTorch scheduler's {@code step()}. Call it once
 * per epoch or once per batch, matching how the schedule's steps were counted.
 *
 * <pre>{@code
 * var scheduler = new LrScheduler(sgd, Schedules.step(0.1, 30, 0.1));
 * for (int epoch = 0; epoch < 90; epoch++) {
 *     trainOneEpoch(sgd);
 *     scheduler.step();
 * }
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
        this.optimizer = optimizer;
        this.schedules = List.copyOf(perGroup);
        apply();
    }

    /** Advances one step and sets every group's learning rate from its schedule. */
    public void step() {
        t++;
        apply();
    }

    /** The number of steps taken. */
    public int stepCount() {
        return t;
    }

    private void apply() {
        for (int g = 0; g < schedules.size(); g++) optimizer.setLr(g, schedules.get(g).lr(t));
    }
}
