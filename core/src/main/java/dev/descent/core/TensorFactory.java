package dev.descent.core;

import dev.descent.core.spi.Backend;

import java.nio.Buffer;

/**
 * Creates tensors on one backend with one dtype. Obtain one with {@link Tensor#on(Backend, DType)}; the static
 * creation methods of {@link Tensor} use the default backend.
 *
 * <pre>{@code
 * TensorFactory f64 = Tensor.on(Backends.get("ejml"), DType.FLOAT64);
 * Tensor w = f64.normal(new Rng(0), 0, 0.1, 784, 128);
 * Tensor x = f64.of(new double[] {1, 2, 3, 4}, 2, 2);
 * }</pre>
 *
 * <p>Data passed in is copied and converted to the factory's dtype (float to INT32 as {@link Tensor#to(DType)}: truncation
 * toward zero, and an error for NaN, infinities and values out of INT32's range).
 * Random values come from the {@link Rng} in float64 and are then converted, so one seed gives the same values on
 * every backend.
 */
public final class TensorFactory {
    private final Backend backend;
    private final DType dtype;

    TensorFactory(Backend backend, DType dtype) {
        if (backend == null || dtype == null) {
            throw new IllegalArgumentException("TensorFactory: backend and dtype must not be null, got "
                    + backend + ", " + dtype);
        }
        this.backend = backend;
        this.dtype = dtype;
    }

    public Backend backend() {
        return backend;
    }

    public DType dtype() {
        return dtype;
    }

    /** Data given with an optional shape: no shape means 1-D. */
    private Tensor fromArray(String op, Object data, int[] dims) {
        if (data == null) throw new IllegalArgumentException(op + ": data must not be null");
        return fromArray(op, data, dims.length == 0 ? Shape.of(java.lang.reflect.Array.getLength(data)) : Shape.of(dims));
    }

    private Tensor fromArray(String op, Object data, Shape shape) {
        return fromBuffer(op, DType.wrap(data), shape);
    }

    /**
     * The {@code data.remaining()} elements of {@code data} from its position (copied, converted to this factory's
     * dtype; the position advances) in the given shape, 1-D when no shape is given: a {@code DoubleBuffer},
     * {@code FloatBuffer} or {@code IntBuffer}, heap or direct, of any byte order (a little-endian view of a
     * {@code ByteBuffer} reads the safetensors layout).
     */
    public Tensor of(Buffer data, int... shape) {
        if (data == null) throw new IllegalArgumentException("of: data must not be null");
        return fromBuffer("of", data, shape.length == 0 ? Shape.of(data.remaining()) : Shape.of(shape));
    }

    private Tensor fromBuffer(String op, Buffer data, Shape shape) {
        DType source;
        try {
            source = DType.ofBuffer(data);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": expected a DoubleBuffer, FloatBuffer or IntBuffer, got "
                    + data.getClass().getSimpleName());
        }
        if (shape.size() != data.remaining()) {
            throw new IllegalArgumentException(op + ": shape " + shape + " needs " + shape.size()
                    + " elements, got " + data.remaining());
        }
        Tensor values = Tensor.empty(backend, source, shape);
        backend.write(data, values.storage(), 0);
        return values.to(dtype);
    }

    public Tensor zeros(int... dims) {
        return Tensor.allocate(backend, dtype, Shape.of(dims));
    }

    public Tensor zeros(Shape shape) {
        return Tensor.allocate(backend, dtype, shape);
    }

    public Tensor ones(int... dims) {
        return full(1, dims);
    }

    public Tensor full(double value, int... dims) {
        Tensor out = Tensor.empty(backend, dtype, Shape.of(dims));
        backend.fill(out.storage(), value);
        return out;
    }

    public Tensor scalar(double value) {
        return full(value);
    }

    /** The data (copied, converted to this factory's dtype) in the given shape; 1-D when no shape is given. */
    public Tensor of(double[] data, int... shape) {
        return fromArray("of", data, shape);
    }

    public Tensor of(float[] data, int... shape) {
        return fromArray("of", data, shape);
    }

    public Tensor of(int[] data, int... shape) {
        return fromArray("of", data, shape);
    }

    /** From nested arrays of any depth ({@code double[][]}, {@code int[][][]}, ...). */
    public Tensor fromNested(Object nested) {
        NestedArrays.dtypeOf(nested);
        Shape shape = NestedArrays.shapeOf(nested);
        return fromArray("fromNested", NestedArrays.flatten(nested, shape), shape);
    }

    /** {@code start, start + step, ...} strictly before {@code end}, as {@code torch.arange}. */
    public Tensor arange(double start, double end, double step) {
        Checks.finite("arange", "start", start);
        Checks.finite("arange", "end", end);
        Checks.finite("arange", "step", step);
        if (step == 0 || (end - start) * step < 0) {
            throw new IllegalArgumentException("arange: step " + step + " must be non-zero and move from start "
                    + start + " toward end " + end);
        }
        long n = (long) Math.ceil((end - start) / step);
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("arange: " + n + " elements is too many");
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = start + i * step;
        return of(v);
    }

    /** {@code steps} evenly spaced values from {@code start} to {@code end} inclusive, as {@code torch.linspace}. */
    public Tensor linspace(double start, double end, int steps) {
        Checks.finite("linspace", "start", start);
        Checks.finite("linspace", "end", end);
        if (steps < 0) throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
        double[] v = new double[steps];
        double h = steps > 1 ? (end - start) / (steps - 1) : 0;
        // NOTE: torch.linspace fills the first half forward from start and the second half backward from end,
        // so both endpoints are exact.
        int half = steps / 2;
        for (int i = 0; i < steps; i++) v[i] = i < half ? start + i * h : end - (steps - 1 - i) * h;
        return of(v);
    }

    /** The {@code n x m} matrix with ones on the diagonal. */
    public Tensor eye(int n, int m) {
        double[] v = new double[n * m];
        for (int i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
        return of(v, n, m);
    }

    public Tensor eye(int n) {
        return eye(n, n);
    }

    /** Uniform values in {@code [low, high)}. */
    public Tensor uniform(Rng rng, double low, double high, int... dims) {
        Checks.finite("uniform", "low", low);
        Checks.finite("uniform", "high", high);
        if (low > high) throw new IllegalArgumentException("uniform: expected low <= high, got " + low + " > " + high);
        double[] v = new double[Shape.of(dims).size()];
        rng(rng, "uniform").fillUniform(v, low, high);
        return fromArray("uniform", v, Shape.of(dims));
    }

    /** Normal values with mean {@code mean} and standard deviation {@code std >= 0}. */
    public Tensor normal(Rng rng, double mean, double std, int... dims) {
        Checks.finite("normal", "mean", mean);
        Checks.nonNegative("normal", "std", std);
        double[] v = new double[Shape.of(dims).size()];
        rng(rng, "normal").fillNormal(v, mean, std);
        return fromArray("normal", v, Shape.of(dims));
    }

    /** 1 with probability {@code p} (in [0, 1]), else 0. */
    public Tensor bernoulli(Rng rng, double p, int... dims) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("bernoulli: expected 0 <= p <= 1, got " + p);
        double[] v = new double[Shape.of(dims).size()];
        Rng r = rng(rng, "bernoulli");
        for (int i = 0; i < v.length; i++) v[i] = r.nextBernoulli(p) ? 1 : 0;
        return fromArray("bernoulli", v, Shape.of(dims));
    }

    private static Rng rng(Rng rng, String op) {
        if (rng == null) throw new IllegalArgumentException(op + ": rng must not be null");
        return rng;
    }
}
