package dev.descent.optim;

/**
 * One buffer of an optimiser's per-parameter state, as the optimiser declares it: its name (PyTorch's, so state
 * dicts read alike: {@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer}, {@code sum}, ...), whether it is a
 * float64 scalar or shaped like the parameter, and its initial value.
 *
 * <pre>{@code
 * protected List<StateBuffer> state(Options o) {
 *     return List.of(StateBuffer.tensor("exp_avg"), StateBuffer.tensor("exp_avg_sq"), StateBuffer.scalar("mu_product", 1));
 * }
 * }</pre>
 *
 * @param name    the buffer's name in {@link ParamState#buffer} and in state dicts ({@code state.<i>.<name>})
 * @param scalar  a float64 scalar rather than a tensor shaped like the parameter
 * @param initial the value every element starts at
 */
public record StateBuffer(String name, boolean scalar, double initial) {
    public StateBuffer {
        if (name == null || name.isEmpty() || name.equals("step")) {
            throw new IllegalArgumentException("StateBuffer: invalid name '" + name + "'");
        }
    }

    /** A zero-filled buffer shaped like the parameter. */
    public static StateBuffer tensor(String name) {
        return new StateBuffer(name, false, 0);
    }

    /** A buffer shaped like the parameter, every element {@code initial}. */
    public static StateBuffer tensor(String name, double initial) {
        return new StateBuffer(name, false, initial);
    }

    /** A float64 scalar holding {@code initial}. */
    public static StateBuffer scalar(String name, double initial) {
        return new StateBuffer(name, true, initial);
    }
}
