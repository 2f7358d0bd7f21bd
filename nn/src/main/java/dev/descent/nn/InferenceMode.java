package dev.descent.nn;

import dev.descent.autodiff.NoGrad;

/**
 * Inference on the calling thread: inside the scope every module computes as in eval mode (dropout is the identity;
 * a normalisation layer uses its running statistics) and nothing is recorded for differentiation, as under
 * {@link NoGrad}. No module's {@link Module#train() train}/{@link Module#eval() eval} flag changes, so other threads
 * that train or run the same model are not affected, and one model serves any number of inference threads at once.
 *
 * <pre>{@code
 * try (var scope = InferenceMode.enter()) {
 *     Tensor prediction = model.apply(Variable.constant(x)).value();
 * }
 * }</pre>
 *
 * <p>Scopes nest and are confined to the thread that opened them; a scope must be closed on that thread. The flag
 * set by {@code train()} and {@code eval()} keeps PyTorch's meaning for code that runs outside a scope.
 * {@link Module#isTraining()} reads both, so a module that asks it in {@code forward} honours the scope.
 */
public final class InferenceMode implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final NoGrad noGrad;
    private final Thread owner;
    private boolean closed;

    private InferenceMode() {
        this.owner = Thread.currentThread();
        this.noGrad = NoGrad.enter();
        DEPTH.get()[0]++;
    }

    /** Enters inference mode on this thread until the scope is closed. */
    public static InferenceMode enter() {
        return new InferenceMode();
    }

    /** Whether the calling thread is inside an inference scope. */
    public static boolean isActive() {
        return DEPTH.get()[0] > 0;
    }

    /** Leaves the scope: the thread's modules compute by their own flags again, and recording is as it was. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("InferenceMode.close: a scope must be closed on the thread that opened it ("
                    + owner.getName() + "), not " + Thread.currentThread().getName());
        }
        closed = true;
        DEPTH.get()[0]--;
        noGrad.close();
    }
}
