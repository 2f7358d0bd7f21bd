package dev.descent.autodiff;

/**
 * Whether operations on variables are recorded for differentiation, per thread. Recording is on by default;
 * inside a {@code NoGrad} scope nothing is recorded (for inference and parameter updates). Scopes nest and are
 * confined to the thread that opened them, so graphs built on other threads are unaffected.
 *
 * <pre>{@code
 * try (var scope = NoGrad.enter()) {
 *     Variable prediction = model.forward(x);   // no graph, no gradients
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private final boolean previous;
    private final Thread owner;
    private boolean closed;

    private NoGrad(boolean enabled) {
        boolean[] state = ENABLED.get();
        this.previous = state[0];
        this.owner = Thread.currentThread();
        state[0] = enabled;
    }

    /** Turns recording off on this thread until the scope is closed. */
    public static NoGrad enter() {
        return new NoGrad(false);
    }

    /**
     * Turns recording on on this thread until the scope is closed, even inside a {@code NoGrad} scope (as
     * {@code torch.enable_grad}); for code that must differentiate while its caller does not record.
     */
    public static NoGrad enable() {
        return new NoGrad(true);
    }

    /** Sets recording on or off on this thread until the scope is closed (the engine uses this for createGraph). */
    static NoGrad set(boolean enabled) {
        return new NoGrad(enabled);
    }

    /** Whether operations on this thread are recorded. */
    public static boolean isRecording() {
        return ENABLED.get()[0];
    }

    /** Restores the recording state that was in force when this scope was opened. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("NoGrad.close: a scope must be closed on the thread that opened it ("
                    + owner.getName() + "), not " + Thread.currentThread().getName());
        }
        closed = true;
        ENABLED.get()[0] = previous;
    }
}
