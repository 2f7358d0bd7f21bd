package dev.descent.optim.schedule;

/**
 * A learning-rate schedule: the learning rate as a pure function of the step (or epoch) count {@code t >= 0},
 * {@code t = 0} being the rate before the first scheduler step, as PyTorch's {@code last_epoch}. Schedules hold no
 * state, so {@code lr(t)} can be asked in any order; {@link LrScheduler} applies one to an optimiser.
 *
 * <pre>{@code
 * Schedule s = Schedules.cosine(0.1, 100, 1e-4);
 * double lr10 = s.lr(10);
 * Schedule custom = t -> 0.1 / Math.sqrt(t + 1);
 * }</pre>
 */
@FunctionalInterface
public interface Schedule {
    /** The learning rate at step (or epoch) {@code t >= 0}. */
    double lr(int t);
}
