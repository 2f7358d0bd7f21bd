package dev.descent.optim.train;

/** Why a training run ended. */
public enum StopReason {
    /** Every epoch ran. */
    COMPLETED,
    /** The monitored metric stopped improving for {@code patience} epochs. */
    EARLY_STOPPED,
    /** The loss or a gradient became NaN or infinite; the parameters are at their last finite state. */
    DIVERGED
}
