package dev.descent.optim.train;

/**
 * Receives the progress of a training run; the loop itself prints nothing. Every method has an empty default.
 *
 * <pre>{@code
 * trainer.listener(new TrainingListener() {
 *     public void onEpochEnd(History.Epoch e) { log(e.metrics()); }
 * });
 * }</pre>
 */
public interface TrainingListener {
    /** Before the first epoch, with the number of epochs and of steps per epoch. */
    default void onTrainBegin(int epochs, int stepsPerEpoch) {
    }

    default void onEpochBegin(int epoch) {
    }

    /** After each optimiser step. */
    default void onStep(History.Step step) {
    }

    /** After each epoch's metrics are computed. */
    default void onEpochEnd(History.Epoch epoch) {
    }

    /** When the run ends, for whatever reason ({@link History#stopReason()}). */
    default void onTrainEnd(History history) {
    }
}
