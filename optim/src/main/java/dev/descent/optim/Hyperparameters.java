package dev.descent.optim;

/**
 * The hyper-parameters of one parameter group: an immutable record per optimiser ({@code Adam.Options},
 * {@code SGD.Options}, ...) whose components are {@code double}, {@code int} or {@code boolean} values. The learning
 * rate is common to all, so schedules can read and replace it.
 *
 * <pre>{@code
 * Adam.Options o = Adam.options().withLr(3e-4).withAmsgrad(true);
 * double lr = o.lr();
 * }</pre>
 *
 * @param <O> the record type itself
 */
public interface Hyperparameters<O extends Hyperparameters<O>> {
    /** The learning rate. */
    double lr();

    /** The same hyper-parameters with another learning rate. */
    O withLr(double lr);
}
