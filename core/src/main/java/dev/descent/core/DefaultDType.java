package dev.descent.core;

import java.util.Locale;

/**
 * The floating dtype that creation uses when none is given, PyTorch's {@code torch.get_default_dtype()}:
 * {@code Tensor.of(double[])}, {@code Tensor.scalar}, {@code zeros}, {@code ones}, {@code full}, {@code arange} with
 * floating bounds, {@code linspace}, {@code eye}, the random factories, {@link Tensor#on(dev.descent.core.spi.Backend)}
 * and the layers and data sets that take no dtype all follow it. It is {@code FLOAT32} unless changed, so
 * {@code Tensor.of(new double[] {1, 2})} and {@code Tensor.scalar(2.0)} are both float32, as
 * {@code torch.tensor([1.0, 2.0])} and {@code torch.tensor(2.0)} are. Data whose Java type says more keeps it:
 * {@code float[]} is always FLOAT32 and {@code int[]} always INT32. A dtype given explicitly
 * ({@code Tensor.of(DType.FLOAT64, data)}, {@link Tensor#on(DType)}, {@link Tensor#on(dev.descent.core.spi.Backend, DType)})
 * always wins.
 *
 * <p>It is decided, first match wins, by:
 * <ol>
 *   <li>the innermost open {@link #scope(DType)} on the calling thread (PyTorch's {@code torch.set_default_dtype},
 *       made thread-confined and scoped: other threads, and code after the scope, are unaffected);</li>
 *   <li>the system property {@value #PROPERTY} ({@code float32} or {@code float64}), for the whole process;</li>
 *   <li>the environment variable {@value #ENVIRONMENT}, the same values;</li>
 *   <li>otherwise {@code FLOAT32}.</li>
 * </ol>
 * The property and the variable are read at each creation, as {@link Backends} reads {@code descent.backend}; set
 * them when the program starts ({@code java -Ddescent.dtype=float64 ...}) rather than while tensors are created.
 *
 * <pre>{@code
 * Tensor a = Tensor.of(new double[] {1, 2});                 // float32
 * try (var scope = DefaultDType.scope(DType.FLOAT64)) {
 *     Tensor b = Tensor.of(new double[] {1, 2});             // float64
 *     Linear layer = new Linear(2, 3, new Rng(0));           // float64 weights
 * }
 * }</pre>
 */
public final class DefaultDType implements AutoCloseable {
    /** The system property that sets the process-wide default: {@code float32} or {@code float64}. */
    public static final String PROPERTY = "descent.dtype";
    /** The environment variable consulted when the property is not set. */
    public static final String ENVIRONMENT = "DESCENT_DTYPE";

    private static final ThreadLocal<DType[]> SCOPED = ThreadLocal.withInitial(() -> new DType[1]);

    private final DType previous;
    private final Thread owner;
    private boolean closed;

    private DefaultDType(DType dtype) {
        DType[] state = SCOPED.get();
        this.previous = state[0];
        this.owner = Thread.currentThread();
        state[0] = dtype;
    }

    /**
     * Makes {@code dtype} (FLOAT32 or FLOAT64) the default on this thread until the scope is closed; scopes nest.
     *
     * @throws IllegalArgumentException if {@code dtype} is null or not floating
     */
    public static DefaultDType scope(DType dtype) {
        if (dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException("DefaultDType.scope: expected FLOAT32 or FLOAT64, got " + dtype);
        }
        return new DefaultDType(dtype);
    }

    /**
     * The default floating dtype for this thread.
     *
     * @throws IllegalArgumentException if {@value #PROPERTY} or {@value #ENVIRONMENT} holds something other than
     *                                  {@code float32} or {@code float64}
     */
    public static DType get() {
        DType scoped = SCOPED.get()[0];
        return scoped != null ? scoped : processDefault();
    }

    /** The process-wide default: from {@value #PROPERTY}, else {@value #ENVIRONMENT}, else FLOAT32. */
    public static DType processDefault() {
        return select(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
    }

    /** The process-wide default given the property's and the variable's values (either may be null). */
    static DType select(String property, String environment) {
        if (property != null) return parse(property, "system property " + PROPERTY);
        if (environment != null) return parse(environment, "environment variable " + ENVIRONMENT);
        return DType.FLOAT32;
    }

    /** {@code float32}/{@code f32} or {@code float64}/{@code f64}, case-insensitive. */
    static DType parse(String value, String source) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "float32", "f32" -> DType.FLOAT32;
            case "float64", "f64" -> DType.FLOAT64;
            default -> throw new IllegalArgumentException("default dtype: " + source + " must be float32 or float64, "
                    + "got '" + value + "'");
        };
    }

    /** Restores the default that was in force when this scope was opened. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("DefaultDType.close: a scope must be closed on the thread that opened it ("
                    + owner.getName() + "), not " + Thread.currentThread().getName());
        }
        closed = true;
        SCOPED.get()[0] = previous;
    }
}
