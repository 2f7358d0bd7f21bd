package dev.descent.optim.schedule;

/**
 * A learning-rate schedule that also schedules the momentum, as {@code OneCycleLR} does with
 * {@code cycle_momentum=True}: {@link LrScheduler} then sets, with each rate, the momentum of SGD and RMSProp or the
 * first beta of the Adam family ({@code beta1}), and rejects an optimiser that has neither. Like the rate, the
 * momentum is a pure function of the step.
 *
 * <pre>{@code
 * MomentumSchedule s = Schedules.oneCycle(0.1, 1000);
 * double lr = s.lr(299), momentum = s.momentum(299);   // the end of the rise: the peak rate 0.1, momentum 0.85
 * }</pre>
 */
public interface MomentumSchedule extends Schedule {
    /** The momentum (or beta1) at step {@code t >= 0}. */
    double momentum(int t);
}
