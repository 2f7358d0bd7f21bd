package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.UnaryOp;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A dense, row-major, immutable n-dimensional array of {@code FLOAT32}, {@code FLOAT64} or {@code INT32} values on a
 * {@link Backend}, which owns its storage. Every operation returns a new tensor; none changes its receiver.
 * (Optimisers update values in place through {@link InPlace}, outside this API.) Values enter and leave through
 * the backend ({@link #toDoubleArray()}, {@link #copyTo(Buffer)}, {@link TensorFactory#of(Buffer, int...)}).
 *
 * <p>Binary operations broadcast as NumPy does and require both operands on the same backend with the same dtype;
 * a Java number mixes in with the tensor's dtype. Arithmetic is defined on floating dtypes; INT32 supports
 * creation, movement, comparisons and conversion. Axes may be negative. Bad arguments throw
 * {@link IllegalArgumentException} naming the operation, the expected and the actual value before anything is
 * computed.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);     // float32 (the default dtype), shape (2, 3)
 * Tensor y = x.mul(2.0).add(Tensor.of(new double[] {1, 0, -1}));   // broadcast over rows
 * Tensor s = y.sum(1);                                               // shape (2,)
 * Tensor p = x.matmul(x.transpose());                                // (2, 2)
 * double v = s.get(0);
 * }</pre>
 *
 * <p>Creation uses the default backend ({@link Backends#get()}) and, as PyTorch does, the default dtype
 * ({@link DefaultDType}: FLOAT32 unless a scope or {@code -Ddescent.dtype} says otherwise) unless a dtype is given
 * ({@code Tensor.of(DType.FLOAT64, data)}) or the Java array says more ({@code of(float[])} is FLOAT32,
 * {@code of(int[])} INT32). {@code Tensor.of(new double[] {1, 2})} and {@code Tensor.scalar(2.0)} therefore have the
 * same dtype. {@link #on(Backend, DType)} creates on a given backend and dtype.
 */
public final class Tensor {
    private final Backend backend;
    private final Shape shape;
    private final DType dtype;
    private final Storage storage;
    /** The pooled buffer this tensor's storage belongs to, or null (see {@link BufferPool}). */
    private final BufferPool.Lease lease;
    /** The lease's generation when this tensor was made; a later one means the storage was recycled. */
    private final int generation;

    Tensor(Backend backend, Shape shape, DType dtype, Storage storage) {
        this(backend, shape, dtype, storage, null, 0);
    }

    Tensor(Backend backend, Shape shape, DType dtype, Storage storage, BufferPool.Lease lease, int generation) {
        this.backend = backend;
        this.shape = shape;
        this.dtype = dtype;
        this.storage = storage;
        this.lease = lease;
        this.generation = generation;
    }

    /** A new zero-filled tensor (for kernels that accumulate into it, or that leave some elements untouched). */
    static Tensor allocate(Backend backend, DType dtype, Shape shape) {
        Tensor pooled = BufferPool.take(backend, dtype, shape, true);
        return pooled != null ? pooled : new Tensor(backend, shape, dtype, backend.allocate(dtype, shape.size()));
    }

    /**
     * A new tensor for a kernel that writes every one of its elements: inside a {@link BufferPool} scope a recycled
     * buffer is not cleared first (as {@code torch.empty}); otherwise it is a zero-filled one, as {@link #allocate}.
     */
    static Tensor empty(Backend backend, DType dtype, Shape shape) {
        Tensor pooled = BufferPool.take(backend, dtype, shape, false);
        return pooled != null ? pooled : new Tensor(backend, shape, dtype, backend.allocate(dtype, shape.size()));
    }

    /** A tensor of {@code s} that the caller's kernel fills completely. */
    private Tensor newLike(DType type, Shape s) {
        return empty(backend, type, s);
    }

    // ---------------------------------------------------------------- identity

    /** The backend that owns this tensor's storage. */
    public Backend backend() {
        return backend;
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    public int rank() {
        return shape.rank();
    }

    /** Number of elements. */
    public int size() {
        return shape.size();
    }

    /** Size of {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return shape.dim(axis);
    }

    /**
     * The backend's storage of {@link #size()} elements in row-major order; core passes it to the backend's kernels.
     * Every use of the values goes through here, so a tensor whose pooled buffer was recycled fails here.
     */
    Storage storage() {
        BufferPool.Lease l = lease;
        if (l != null && l.generation != generation) throw BufferPool.recycled(this);
        return storage;
    }

    BufferPool.Lease lease() {
        return lease;
    }

    int generation() {
        return generation;
    }

    /**
     * Whether this tensor and {@code other} are views of one storage (as {@code reshape}, {@code squeeze} and
     * {@code flatten} make), so that an {@link InPlace} update of one changes the other.
     */
    public boolean sharesStorageWith(Tensor other) {
        return other != null && storage() == other.storage();
    }

    // ---------------------------------------------------------------- creation

    /** A factory for tensors on {@code backend} with {@code dtype}. */
    public static TensorFactory on(Backend backend, DType dtype) {
        return new TensorFactory(backend, dtype);
    }

    /** A factory for tensors on {@code backend} with the default dtype ({@link DefaultDType#get()}). */
    public static TensorFactory on(Backend backend) {
        return new TensorFactory(backend, DefaultDType.get());
    }

    /** A factory for tensors with {@code dtype} on the default backend. */
    public static TensorFactory on(DType dtype) {
        return defaults(dtype);
    }

    private static TensorFactory defaults(DType dtype) {
        return new TensorFactory(Backends.get(), dtype);
    }

    /** The default backend with the default floating dtype. */
    private static TensorFactory defaults() {
        return defaults(DefaultDType.get());
    }

    /** Zeros of the given shape, the default dtype on the default backend. */
    public static Tensor zeros(int... dims) {
        return defaults().zeros(dims);
    }

    /** Zeros of the given dtype and shape on the default backend. */
    public static Tensor zeros(DType dtype, int... dims) {
        return defaults(dtype).zeros(dims);
    }

    /** Ones of the given shape, the default dtype on the default backend. */
    public static Tensor ones(int... dims) {
        return defaults().ones(dims);
    }

    /** Ones of the given dtype and shape on the default backend. */
    public static Tensor ones(DType dtype, int... dims) {
        return defaults(dtype).ones(dims);
    }

    /** {@code value} everywhere, the default dtype on the default backend. */
    public static Tensor full(double value, int... dims) {
        return defaults().full(value, dims);
    }

    /** {@code value} everywhere, with the given dtype on the default backend. */
    public static Tensor full(DType dtype, double value, int... dims) {
        return defaults(dtype).full(value, dims);
    }

    /** A rank-0 tensor of the default dtype, as {@code torch.tensor(2.0)}. */
    public static Tensor scalar(double value) {
        return defaults().scalar(value);
    }

    /** A rank-0 tensor of the given dtype. */
    public static Tensor scalar(DType dtype, double value) {
        return defaults(dtype).scalar(value);
    }

    /**
     * The data in the default dtype (FLOAT32 unless {@link DefaultDType} says otherwise, as
     * {@code torch.tensor([1.0, 2.0])}) with the given shape (1-D when no shape is given); the array is copied.
     */
    public static Tensor of(double[] data, int... shape) {
        return defaults().of(data, shape);
    }

    /** The data converted to {@code dtype}, with the given shape (1-D when no shape is given); the array is copied. */
    public static Tensor of(DType dtype, double[] data, int... shape) {
        return defaults(dtype).of(data, shape);
    }

    /** FLOAT32 data with the given shape (1-D when no shape is given); the array is copied. */
    public static Tensor of(float[] data, int... shape) {
        return defaults(DType.FLOAT32).of(data, shape);
    }

    /** INT32 data with the given shape (1-D when no shape is given); the array is copied. */
    public static Tensor of(int[] data, int... shape) {
        return defaults(DType.INT32).of(data, shape);
    }

    /** A matrix of the default dtype from rows of equal length. */
    public static Tensor of(double[][] rows) {
        return fromNested(rows);
    }

    /** A FLOAT32 matrix from rows of equal length. */
    public static Tensor of(float[][] rows) {
        return fromNested(rows);
    }

    /** An INT32 matrix from rows of equal length. */
    public static Tensor of(int[][] rows) {
        return fromNested(rows);
    }

    /**
     * A tensor from nested Java arrays of any depth ({@code double[][][]}, {@code float[][]}, ...): {@code double}
     * data takes the default dtype, {@code float} data FLOAT32 and {@code int} data INT32. Ragged arrays are an
     * error naming the path of the first bad row.
     */
    public static Tensor fromNested(Object nested) {
        DType type = NestedArrays.dtypeOf(nested);
        return defaults(type == DType.FLOAT64 ? DefaultDType.get() : type).fromNested(nested);
    }

    /** A tensor from nested Java arrays of any depth, converted to {@code dtype}. */
    public static Tensor fromNested(DType dtype, Object nested) {
        return defaults(dtype).fromNested(nested);
    }

    /** {@code 0, 1, ..., end - 1} as INT32 on the default backend. */
    public static Tensor arange(int end) {
        return defaults(DType.INT32).arange(0, end, 1);
    }

    /** {@code start, start + step, ...} below {@code end} (above, for a negative step), the default dtype. */
    public static Tensor arange(double start, double end, double step) {
        return defaults().arange(start, end, step);
    }

    /** {@code steps} evenly spaced values from {@code start} to {@code end} inclusive, the default dtype. */
    public static Tensor linspace(double start, double end, int steps) {
        return defaults().linspace(start, end, steps);
    }

    /** The {@code n x n} identity, the default dtype. */
    public static Tensor eye(int n) {
        return defaults().eye(n, n);
    }

    /** Uniform values in {@code [low, high)} from {@code rng}, the default dtype. */
    public static Tensor uniform(Rng rng, double low, double high, int... dims) {
        return defaults().uniform(rng, low, high, dims);
    }

    /** Normal values with the given mean and standard deviation from {@code rng}, the default dtype. */
    public static Tensor normal(Rng rng, double mean, double std, int... dims) {
        return defaults().normal(rng, mean, std, dims);
    }

    /** 1 with probability {@code p}, else 0, from {@code rng}, the default dtype. */
    public static Tensor bernoulli(Rng rng, double p, int... dims) {
        return defaults().bernoulli(rng, p, dims);
    }

    /** Zeros with this tensor's backend, dtype and shape. */
    public Tensor zerosLike() {
        return allocate(backend, dtype, shape);
    }

    /** Ones with this tensor's backend, dtype and shape. */
    public Tensor onesLike() {
        return fullLike(1);
    }

    /** {@code value} everywhere, with this tensor's backend, dtype and shape. */
    public Tensor fullLike(double value) {
        Tensor out = newLike(dtype, shape);
        backend.fill(out.storage(), value);
        return out;
    }

    /** A tensor on this tensor's backend and dtype holding the scalar {@code value}. */
    private Tensor scalarLike(double value) {
        Tensor out = newLike(dtype, Shape.scalar());
        backend.fill(out.storage(), value);
        return out;
    }

    // ---------------------------------------------------------------- elementwise unary

    /**
     * {@code op} applied to every element, with the scalar parameters {@code p} and {@code q} where {@code op} takes
     * them (see {@link UnaryOp}): the one entry point for every elementwise unary kernel, including those without a
     * named method here (for example {@code t.map(UnaryOp.EXPM1)}).
     */
    public Tensor map(UnaryOp op, double p, double q) {
        return unary(op.name().toLowerCase(java.util.Locale.ROOT), op, p, q);
    }

    /** {@link #map(UnaryOp, double, double)} for an op without scalar parameters. */
    public Tensor map(UnaryOp op) {
        return map(op, 0, 0);
    }

    private Tensor unary(String op, UnaryOp kernel, double p, double q) {
        Checks.floating(op, this);
        Tensor out = newLike(dtype, shape);
        backend.map(kernel, storage(), p, q, out.storage());
        return out;
    }

    public Tensor neg() { return unary("neg", UnaryOp.NEG, 0, 0); }

    public Tensor abs() { return unary("abs", UnaryOp.ABS, 0, 0); }

    /** -1, 0 or 1 by the sign of each element; NaN stays NaN. */
    public Tensor sign() { return unary("sign", UnaryOp.SIGN, 0, 0); }

    public Tensor exp() { return unary("exp", UnaryOp.EXP, 0, 0); }

    /** Natural logarithm; NaN below 0, -inf at 0. */
    public Tensor log() { return unary("log", UnaryOp.LOG, 0, 0); }

    /** {@code log(1 + x)}, accurate for small x. */
    public Tensor log1p() { return unary("log1p", UnaryOp.LOG1P, 0, 0); }

    public Tensor sqrt() { return unary("sqrt", UnaryOp.SQRT, 0, 0); }

    public Tensor square() { return unary("square", UnaryOp.SQUARE, 0, 0); }

    public Tensor reciprocal() { return unary("reciprocal", UnaryOp.RECIPROCAL, 0, 0); }

    public Tensor sin() { return unary("sin", UnaryOp.SIN, 0, 0); }

    public Tensor cos() { return unary("cos", UnaryOp.COS, 0, 0); }

    public Tensor tanh() { return unary("tanh", UnaryOp.TANH, 0, 0); }

    /** {@code 1 / (1 + exp(-x))}, without overflow. */
    public Tensor sigmoid() { return unary("sigmoid", UnaryOp.SIGMOID, 0, 0); }

    /** {@code max(x, 0)}. */
    public Tensor relu() { return unary("relu", UnaryOp.RELU, 0, 0); }

    /** The error function. */
    public Tensor erf() { return unary("erf", UnaryOp.ERF, 0, 0); }

    /** {@code x > 0 ? x : slope * x}. */
    public Tensor leakyRelu(double slope) {
        Checks.finite("leakyRelu", "slope", slope);
        return unary("leakyRelu", UnaryOp.LEAKY_RELU, slope, 0);
    }

    /** {@code x > 0 ? x : alpha * (exp(x) - 1)}. */
    public Tensor elu(double alpha) {
        Checks.finite("elu", "alpha", alpha);
        return unary("elu", UnaryOp.ELU, alpha, 0);
    }

    /** {@code log(1 + exp(x))}, stable for large |x|. */
    public Tensor softplus() { return unary("softplus", UnaryOp.SOFTPLUS, 0, 0); }

    /** {@code x ^ exponent}. */
    public Tensor pow(double exponent) { return unary("pow", UnaryOp.POW_SCALAR, exponent, 0); }

    /** {@code min(max(x, min), max)}; NaN stays NaN. */
    public Tensor clamp(double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp: expected min <= max (not NaN), got min=" + min + ", max=" + max);
        }
        return unary("clamp", UnaryOp.CLAMP, min, max);
    }

    // ---------------------------------------------------------------- elementwise binary

    private Tensor binary(String op, BinaryOp kernel, Tensor other) {
        Checks.sameKind(op, this, other);
        if (!dtype.isFloating()) {
            if (kernel.isComparison()) return to(DType.FLOAT64).binary(op, kernel, other.to(DType.FLOAT64)).to(dtype);
            Checks.floating(op, this);
        }
        Tensor out = newLike(dtype, Shape.broadcast(op, shape, other.shape));
        backend.zip(kernel, storage(), shape, other.storage(), other.shape, out.storage(), out.shape);
        return out;
    }

    private Tensor binary(String op, BinaryOp kernel, double other) {
        return binary(op, kernel, scalarLike(other));
    }

    public Tensor add(Tensor other) { return binary("add", BinaryOp.ADD, other); }

    public Tensor add(double other) { return binary("add", BinaryOp.ADD, other); }

    public Tensor sub(Tensor other) { return binary("sub", BinaryOp.SUB, other); }

    public Tensor sub(double other) { return binary("sub", BinaryOp.SUB, other); }

    public Tensor mul(Tensor other) { return binary("mul", BinaryOp.MUL, other); }

    public Tensor mul(double other) { return binary("mul", BinaryOp.MUL, other); }

    public Tensor div(Tensor other) { return binary("div", BinaryOp.DIV, other); }

    public Tensor div(double other) { return binary("div", BinaryOp.DIV, other); }

    /** {@code this ^ exponent} elementwise with broadcasting. */
    public Tensor pow(Tensor exponent) { return binary("pow", BinaryOp.POW, exponent); }

    /** The elementwise larger value; NaN if either is NaN. */
    public Tensor maximum(Tensor other) { return binary("maximum", BinaryOp.MAXIMUM, other); }

    public Tensor maximum(double other) { return binary("maximum", BinaryOp.MAXIMUM, other); }

    /** The elementwise smaller value; NaN if either is NaN. */
    public Tensor minimum(Tensor other) { return binary("minimum", BinaryOp.MINIMUM, other); }

    public Tensor minimum(double other) { return binary("minimum", BinaryOp.MINIMUM, other); }

    /** 1 where equal, else 0, in this tensor's dtype. */
    public Tensor eq(Tensor other) { return binary("eq", BinaryOp.EQ, other); }

    public Tensor eq(double other) { return binary("eq", BinaryOp.EQ, other); }

    public Tensor ne(Tensor other) { return binary("ne", BinaryOp.NE, other); }

    public Tensor ne(double other) { return binary("ne", BinaryOp.NE, other); }

    public Tensor lt(Tensor other) { return binary("lt", BinaryOp.LT, other); }

    public Tensor lt(double other) { return binary("lt", BinaryOp.LT, other); }

    public Tensor le(Tensor other) { return binary("le", BinaryOp.LE, other); }

    public Tensor le(double other) { return binary("le", BinaryOp.LE, other); }

    /**
     * This gradient passed back through {@code relu(input)}: {@code input > 0 ? this : this * 0}, with broadcasting
     * (PyTorch's {@code threshold_backward} at 0). One pass, no mask tensor.
     */
    public Tensor reluGrad(Tensor input) { return binary("reluGrad", BinaryOp.RELU_GRAD, input); }

    /** This gradient passed back through a tanh whose output was {@code output}: {@code this * (1 - output²)}. */
    public Tensor tanhGrad(Tensor output) { return binary("tanhGrad", BinaryOp.TANH_GRAD, output); }

    /** This gradient passed back through a sigmoid whose output was {@code output}: {@code this * output * (1 - output)}. */
    public Tensor sigmoidGrad(Tensor output) { return binary("sigmoidGrad", BinaryOp.SIGMOID_GRAD, output); }

    public Tensor gt(Tensor other) { return binary("gt", BinaryOp.GT, other); }

    public Tensor gt(double other) { return binary("gt", BinaryOp.GT, other); }

    public Tensor ge(Tensor other) { return binary("ge", BinaryOp.GE, other); }

    public Tensor ge(double other) { return binary("ge", BinaryOp.GE, other); }

    /**
     * {@code condition != 0 ? a : b} elementwise, broadcasting all three. {@code a} and {@code b} share a backend
     * and floating dtype; {@code condition} is any dtype on the same backend (a 0/1 mask from a comparison).
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        Checks.sameKind("where", a, b);
        Checks.floating("where", a);
        Checks.sameBackend("where", condition, a);
        Shape out = Shape.broadcast("where", Shape.broadcast("where", condition.shape, a.shape), b.shape);
        Tensor mask = condition.dtype == a.dtype ? condition : condition.to(a.dtype);
        Tensor result = empty(a.backend, a.dtype, out);
        a.backend.where(mask.storage(), mask.shape, a.storage(), a.shape, b.storage(), b.shape, result.storage(), out);
        return result;
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements, as a scalar. */
    public Tensor sum() { return Reductions.reduce("sum", ReduceOp.SUM, this, new int[0], false); }

    /** The sum along {@code axis}, which is removed. */
    public Tensor sum(int axis) { return sum(axis, false); }

    public Tensor sum(int axis, boolean keepDims) {
        return Reductions.reduce("sum", ReduceOp.SUM, this, new int[] {axis}, keepDims);
    }

    /** The sum along several axes (all of them when {@code axes} is empty). */
    public Tensor sum(int[] axes, boolean keepDims) {
        return Reductions.reduce("sum", ReduceOp.SUM, this, axes, keepDims);
    }

    /** The mean of all elements; NaN for an empty tensor. */
    public Tensor mean() { return Reductions.mean(this, new int[0], false); }

    public Tensor mean(int axis) { return mean(axis, false); }

    public Tensor mean(int axis, boolean keepDims) { return Reductions.mean(this, new int[] {axis}, keepDims); }

    public Tensor mean(int[] axes, boolean keepDims) { return Reductions.mean(this, axes, keepDims); }

    /** The largest element; NaN if any is NaN. */
    public Tensor max() { return Reductions.reduce("max", ReduceOp.MAX, this, new int[0], false); }

    public Tensor max(int axis) { return max(axis, false); }

    public Tensor max(int axis, boolean keepDims) {
        return Reductions.reduce("max", ReduceOp.MAX, this, new int[] {axis}, keepDims);
    }

    public Tensor max(int[] axes, boolean keepDims) { return Reductions.reduce("max", ReduceOp.MAX, this, axes, keepDims); }

    /** The smallest element; NaN if any is NaN. */
    public Tensor min() { return Reductions.reduce("min", ReduceOp.MIN, this, new int[0], false); }

    public Tensor min(int axis) { return min(axis, false); }

    public Tensor min(int axis, boolean keepDims) {
        return Reductions.reduce("min", ReduceOp.MIN, this, new int[] {axis}, keepDims);
    }

    public Tensor min(int[] axes, boolean keepDims) { return Reductions.reduce("min", ReduceOp.MIN, this, axes, keepDims); }

    /** The flat (row-major) index of the first largest element, as an INT32 scalar. */
    public Tensor argmax() { return Reductions.arg("argmax", ReduceOp.ARGMAX, this, null, false); }

    /** INT32 indices of the first largest element along {@code axis}. */
    public Tensor argmax(int axis) { return argmax(axis, false); }

    public Tensor argmax(int axis, boolean keepDims) {
        return Reductions.arg("argmax", ReduceOp.ARGMAX, this, axis, keepDims);
    }

    /** The flat (row-major) index of the first smallest element, as an INT32 scalar. */
    public Tensor argmin() { return Reductions.arg("argmin", ReduceOp.ARGMIN, this, null, false); }

    public Tensor argmin(int axis) { return argmin(axis, false); }

    public Tensor argmin(int axis, boolean keepDims) {
        return Reductions.arg("argmin", ReduceOp.ARGMIN, this, axis, keepDims);
    }

    /** The unbiased variance of all elements (correction 1, as {@code torch.var}). */
    public Tensor variance() { return Reductions.variance(this, new int[0], false, 1); }

    /** The unbiased variance along {@code axis}. */
    public Tensor variance(int axis) { return Reductions.variance(this, new int[] {axis}, false, 1); }

    /**
     * The variance along {@code axes}: {@code sum((x - mean)^2) / max(0, N - correction)}, as {@code torch.var};
     * correction 1 is unbiased, 0 the population variance. A correction of at least N gives inf, or NaN where all
     * deviations are 0.
     */
    public Tensor variance(int[] axes, boolean keepDims, int correction) {
        return Reductions.variance(this, axes, keepDims, correction);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product with {@code torch.matmul}'s rules: 1-D·1-D is a dot product, 2-D·2-D a matrix product, a 1-D
     * argument is a row (left) or column (right) vector whose added axis is removed again, and higher ranks are
     * batches of matrices whose leading axes broadcast.
     */
    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other, false, false);
    }

    /**
     * {@code op(this) · op(other)} where {@code op} transposes the last two axes when its flag is set, without
     * materialising the transpose (the backend's GEMM reads the stored layout). Both need rank >= 2.
     */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        return MatMul.matmul(this, other, transposeThis, transposeOther);
    }

    /**
     * {@code this·weight + bias} for a batch of rows {@code (batch, in)}, {@code weight (in, out)} and
     * {@code bias (out,)}, as one GEMM onto the bias rows (PyTorch's {@code addmm}); equal to
     * {@code matmul(weight).add(bias)} up to rounding.
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        return MatMul.linear(this, weight, bias);
    }

    // ---------------------------------------------------------------- movement

    /** The same elements in a new shape of equal size; one dimension may be -1 (inferred). Shares storage. */
    public Tensor reshape(int... dims) {
        Shape target = Movement.reshapeTarget(shape, dims);
        return new Tensor(backend, target, dtype, storage(), lease, generation);
    }

    /** The same elements in {@code target}, which must have the same size. Shares storage. */
    public Tensor reshape(Shape target) {
        return reshape(target.dims());
    }

    /** A 1-D view of all elements. */
    public Tensor flatten() {
        return reshape(size());
    }

    /** Swaps the last two axes (rank >= 2). */
    public Tensor transpose() {
        if (rank() < 2) {
            throw new IllegalArgumentException("transpose: expected rank >= 2, got shape " + shape
                    + "; use permute for other reorderings");
        }
        return transpose(-2, -1);
    }

    /** Swaps {@code axis0} and {@code axis1}. */
    public Tensor transpose(int axis0, int axis1) {
        int a = shape.axis("transpose", axis0), b = shape.axis("transpose", axis1);
        int[] axes = new int[rank()];
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        axes[a] = b;
        axes[b] = a;
        return permute(axes);
    }

    /** Reorders the axes: output axis {@code i} is input axis {@code axes[i]}. */
    public Tensor permute(int... axes) {
        int[] perm = Movement.permutation(shape, axes);
        int[] dims = new int[perm.length];
        for (int i = 0; i < perm.length; i++) dims[i] = shape.dim(perm[i]);
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) identity &= perm[i] == i;
        if (identity) return this;
        Tensor out = newLike(dtype, Shape.of(dims));
        backend.permute(storage(), shape, perm, out.storage());
        return out;
    }

    /** Removes every axis of size 1. */
    public Tensor squeeze() {
        return reshape(Arrays.stream(shape.dims()).filter(d -> d != 1).toArray());
    }

    /** Removes {@code axis} if its size is 1; otherwise returns this tensor unchanged (as {@code torch.squeeze}). */
    public Tensor squeeze(int axis) {
        int a = shape.axis("squeeze", axis);
        return shape.dim(a) == 1 ? reshape(shape.without(a)) : this;
    }

    /** Inserts an axis of size 1 at {@code axis} ({@code -rank-1 <= axis <= rank}). */
    public Tensor unsqueeze(int axis) {
        return reshape(shape.insert(axis));
    }

    /** This tensor repeated to {@code dims} by broadcasting. */
    public Tensor broadcastTo(int... dims) {
        return broadcastTo(Shape.of(dims));
    }

    public Tensor broadcastTo(Shape target) {
        if (!shape.broadcastsTo(target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + shape + " cannot be broadcast to " + target);
        }
        if (shape.equals(target)) return this;
        Tensor out = newLike(dtype, target);
        backend.broadcastTo(storage(), shape, out.storage(), target);
        return out;
    }

    /** Elements {@code start <= i < end} along {@code axis}; negative bounds count from the end. */
    public Tensor slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    /** Elements {@code start, start + step, ...} below {@code end} along {@code axis} ({@code step >= 1}). */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = shape.axis("slice", axis);
        int n = shape.dim(a);
        int s = start < 0 ? start + n : start, e = end < 0 ? end + n : end;
        if (step < 1 || s < 0 || s > n || e < s || e > n) {
            throw new IllegalArgumentException("slice: expected 0 <= start <= end <= " + n + " and step >= 1 on axis "
                    + axis + " of shape " + shape + ", got start=" + start + ", end=" + end + ", step=" + step);
        }
        int count = (e - s + step - 1) / step;
        Tensor out = newLike(dtype, shape.with(a, count));
        if (out.size() > 0) backend.slice(storage(), shape, a, s, step, count, out.storage());
        return out;
    }

    /** Joins tensors along an existing axis; every other axis must agree. */
    public static Tensor concat(int axis, Tensor... parts) {
        return Movement.concat(axis, List.of(parts));
    }

    public static Tensor concat(int axis, List<Tensor> parts) {
        return Movement.concat(axis, parts);
    }

    /** Joins tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        return Movement.stack(axis, List.of(parts));
    }

    public static Tensor stack(int axis, List<Tensor> parts) {
        return Movement.stack(axis, parts);
    }

    /** The slices {@code index[0], index[1], ...} along {@code axis} ({@code torch.index_select}); index is 1-D INT32. */
    public Tensor indexSelect(int axis, Tensor index) {
        int a = shape.axis("indexSelect", axis);
        Movement.checkIndexVector("indexSelect", this, a, index);
        Tensor out = newLike(dtype, shape.with(a, index.size()));
        if (out.size() > 0) backend.indexSelect(storage(), shape, a, index.storage(), out.storage());
        return out;
    }

    /** This tensor with {@code source}'s slices added at {@code index} along {@code axis}; repeated indices add up. */
    public Tensor indexAdd(int axis, Tensor index, Tensor source) {
        int a = shape.axis("indexAdd", axis);
        Checks.floating("indexAdd", this);
        Checks.sameKind("indexAdd", this, source);
        Movement.checkIndexVector("indexAdd", this, a, index);
        Checks.shapeEquals("indexAdd", shape.with(a, index.size()), source.shape);
        Tensor out = copy();
        backend.indexAdd(out.storage(), out.shape, a, index.storage(), source.storage());
        return out;
    }

    /**
     * {@code out[i] = this[i with axis replaced by index[i]]} ({@code torch.gather}): index is INT32 of the same
     * rank, no larger than this tensor on the other axes; the result has index's shape.
     */
    public Tensor gather(int axis, Tensor index) {
        int a = shape.axis("gather", axis);
        Movement.checkGatherIndex("gather", this, a, index);
        Tensor out = newLike(dtype, index.shape);
        if (out.size() > 0) backend.gather(storage(), shape, a, index.storage(), index.shape, out.storage());
        return out;
    }

    /** This tensor with {@code source[i]} added at {@code i with axis replaced by index[i]} ({@code torch.scatter_add}). */
    public Tensor scatterAdd(int axis, Tensor index, Tensor source) {
        int a = shape.axis("scatterAdd", axis);
        Checks.floating("scatterAdd", this);
        Checks.sameKind("scatterAdd", this, source);
        Movement.checkGatherIndex("scatterAdd", this, a, index);
        if (!source.shape.broadcastsTo(index.shape) || source.rank() != index.rank()) {
            Checks.shapeEquals("scatterAdd", index.shape, source.shape);
        }
        Tensor out = copy();
        if (index.size() > 0) {
            backend.scatterAdd(out.storage(), out.shape, a, index.storage(), index.shape, source.broadcastTo(index.shape).storage());
        }
        return out;
    }

    /** INT32 class labels to one-hot rows of {@code classes} columns, INT32 (as {@code torch.nn.functional.one_hot}). */
    public Tensor oneHot(int classes) {
        return oneHot(classes, DType.INT32);
    }

    /** INT32 class labels to one-hot rows of {@code classes} columns in the given dtype. */
    public Tensor oneHot(int classes, DType type) {
        Checks.index("oneHot", this);
        if (classes < 1) throw new IllegalArgumentException("oneHot: classes must be >= 1, got " + classes);
        Checks.indicesInRange("oneHot", this, classes, "classes");
        Tensor range = on(backend, DType.INT32).arange(0, classes, 1);
        return unsqueeze(-1).eq(range).to(type);
    }

    // ---------------------------------------------------------------- conversion

    /**
     * This tensor with another dtype; this tensor if already that dtype. Float to INT32 truncates toward zero, as
     * PyTorch does; NaN, infinities and values whose truncation lies outside [-2^31, 2^31 - 1] are an
     * {@link IllegalArgumentException} that names the first such value and its index (PyTorch's result is undefined
     * there), and nothing is converted.
     */
    public Tensor to(DType type) {
        if (type == dtype) return this;
        if (type == DType.INT32) Checks.convertibleToInt("to(INT32)", this);
        Tensor out = newLike(type, shape);
        backend.convert(storage(), out.storage());
        return out;
    }

    /**
     * This tensor on another backend (a copy of the values, exported by this tensor's backend and imported by the
     * target's); this tensor if already there.
     */
    public Tensor to(Backend target) {
        if (target.equals(backend)) return this;
        Buffer values = dtype.newBuffer(size());
        backend.read(storage(), 0, values);
        Tensor out = empty(target, dtype, shape);
        target.write(values.flip(), out.storage(), 0);
        return out;
    }

    /** A tensor with the same values and its own storage (for {@link InPlace} updates). */
    public Tensor copy() {
        Tensor out = newLike(dtype, shape);
        backend.convert(storage(), out.storage());
        return out;
    }

    // ---------------------------------------------------------------- read-out

    /** All elements in row-major order, as doubles (a copy). */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        to(DType.FLOAT64).copyTo(DoubleBuffer.wrap(out));
        return out;
    }

    /** All elements in row-major order, as floats (a copy). */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        to(DType.FLOAT32).copyTo(FloatBuffer.wrap(out));
        return out;
    }

    /** All elements in row-major order, as ints (a copy; floats convert as {@link #to(DType) to(INT32)} does). */
    public int[] toIntArray() {
        int[] out = new int[size()];
        to(DType.INT32).copyTo(IntBuffer.wrap(out));
        return out;
    }

    /**
     * Copies all elements in row-major order into {@code dst} at its position and advances it: a
     * {@code DoubleBuffer} for FLOAT64, a {@code FloatBuffer} for FLOAT32, an {@code IntBuffer} for INT32, heap or
     * direct, of any byte order (a little-endian view of a {@code ByteBuffer} writes the safetensors layout).
     */
    public void copyTo(Buffer dst) {
        Checks.buffer("copyTo", dtype, dst, size());
        int end = dst.position() + size();
        backend.read(storage(), 0, dst.limit() == end ? dst : dst.duplicate().limit(end));
        dst.position(end);
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (size() != 1) {
            throw new IllegalArgumentException("item: expected a tensor with one element, got shape " + shape);
        }
        return valueAt(0);
    }

    /** The element at {@code index} (one index per axis; negative counts from the end). */
    public double get(int... index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("get: expected " + rank() + " indices for shape " + shape + ", got "
                    + index.length + " " + Arrays.toString(index));
        }
        int flat = 0;
        int[] strides = shape.strides();
        for (int i = 0; i < index.length; i++) {
            int n = shape.dim(i);
            int k = index[i] < 0 ? index[i] + n : index[i];
            if (k < 0 || k >= n) {
                throw new IllegalArgumentException("get: index " + index[i] + " is out of range for axis " + i
                        + " of size " + n + " in shape " + shape);
            }
            flat += k * strides[i];
        }
        return valueAt(flat);
    }

    private double valueAt(int flat) {
        return backend.get(storage(), flat);
    }

    /**
     * Whether {@code |this - other| <= atol + rtol * |other|} everywhere (with broadcasting), as
     * {@code torch.allclose} with its defaults {@code rtol = 1e-5}, {@code atol = 1e-8}; NaNs are never close.
     */
    public boolean allClose(Tensor other) {
        return allClose(other, 1e-5, 1e-8);
    }

    public boolean allClose(Tensor other, double rtol, double atol) {
        Checks.nonNegative("allClose", "rtol", rtol);
        Checks.nonNegative("allClose", "atol", atol);
        Tensor a = to(DType.FLOAT64), b = other.to(DType.FLOAT64);
        Checks.sameKind("allClose", a, b);
        Tensor excess = a.sub(b).abs().sub(b.abs().mul(rtol).add(atol));
        // NaN compares false with <= 0, so a NaN anywhere makes the tensors not close.
        return excess.le(0.0).sum().item() == excess.size();
    }

    /** Whether both have the same shape, dtype and elements ({@code torch.equal}; NaN is never equal). */
    public boolean equal(Tensor other) {
        if (!shape.equals(other.shape) || dtype != other.dtype) return false;
        Tensor a = to(DType.FLOAT64), b = other.to(DType.FLOAT64).to(backend);
        return a.eq(b).sum().item() == size();
    }

    /** NumPy-like text: {@code tensor([[1.0000, 2.0000], [3.0000, 4.0000]], dtype=float64)}. */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
