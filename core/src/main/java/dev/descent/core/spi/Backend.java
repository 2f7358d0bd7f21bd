package dev.descent.core.spi;

import dev.descent.core.DType;
import dev.descent.core.Shape;

import java.nio.Buffer;
import java.util.List;

/**
 * The narrow set of primitive kernels a compute backend provides, on storage it owns; the rich tensor API is built
 * once in core on top of it. Core's {@code dev.descent.core.kernels.ArrayBackend} implements every kernel on JVM
 * arrays; a backend extends it and overrides what its library does better (GEMM above all), or implements this
 * interface over memory of its own.
 *
 * <p>Storage is a {@link Storage} this backend allocated: {@code size} elements in row-major order; a kernel gets
 * the shapes it needs next to the storages. Values enter and leave only through {@link #write} and {@link #read},
 * so moving a tensor between backends, saving it or printing it never needs to know the storage's layout.
 *
 * <p>Contract for every kernel: core has already checked shapes, dtypes, axes and indices, so kernels do not
 * validate; outputs are written, never reallocated, and every element of an output is written (core may pass a
 * recycled buffer holding old values, see {@code BufferPool}), except where a kernel is documented to add into its
 * output ({@code gemm} with {@code beta != 0}, {@code indexAdd}, {@code scatterAdd}, {@code axpby}); an output may
 * be an input (kernels are alias-safe). Kernels are called from any thread and must be stateless. Identity: tensors
 * may be mixed only on backends that are {@link Object#equals equal}; a backend whose instances share one storage format says so in its {@code equals}.
 *
 * <pre>{@code
 * public final class MyBackend extends ArrayBackend {
 *     public String name() { return "mine"; }
 *     protected void gemm(...) { ... }   // the rest is core's
 * }
 * }</pre>
 */
public interface Backend {

    /** A short, lower-case, unique name such as {@code "ejml"} or {@code "jblas"}. */
    String name();

    /** A new zero-filled storage of {@code size} elements. */
    Storage allocate(DType dtype, int size);

    /**
     * Copies {@code dst.remaining()} elements of {@code src}, from element {@code offset} on, into {@code dst} at its
     * position, and advances it. {@code dst} is a {@code DoubleBuffer}, {@code FloatBuffer} or {@code IntBuffer}
     * matching {@code src}'s dtype, of any byte order, heap or direct.
     */
    void read(Storage src, int offset, Buffer dst);

    /** Copies {@code src.remaining()} elements from {@code src} (typed as in {@link #read}) into {@code dst} from element {@code offset} on. */
    void write(Buffer src, Storage dst, int offset);

    /** The element at {@code index} as a double. */
    double get(Storage src, int index);

    /** Sets every element of {@code out} to {@code value} (converted to its dtype). */
    void fill(Storage out, double value);

    /** Copies {@code x} into {@code out} of the same size, converting the dtype (float to INT32 truncates). */
    void convert(Storage x, Storage out);

    /** {@code out = op(x)} elementwise, with the op's scalar parameters {@code p}, {@code q} (see {@link UnaryOp}). */
    void map(UnaryOp op, Storage x, double p, double q, Storage out);

    /** {@code out = op(a, b)} elementwise with NumPy broadcasting; {@code out} has the broadcast shape. */
    void zip(BinaryOp op, Storage a, Shape aShape, Storage b, Shape bShape, Storage out, Shape outShape);

    /** {@code out = cond != 0 ? a : b} with broadcasting; {@code cond} has the dtype of {@code a} and {@code b}. */
    void where(Storage cond, Shape condShape, Storage a, Shape aShape, Storage b, Shape bShape, Storage out,
               Shape outShape);

    /**
     * Reduces {@code x} along {@code axis} into {@code out}, whose shape is {@code x}'s with {@code axis} set to 1;
     * arg-reductions write INT32.
     */
    void reduce(ReduceOp op, Storage x, Shape xShape, int axis, Storage out);

    /**
     * Row-major {@code C = alpha * op(A) * op(B) + beta * C} on storages at the given element offsets, where
     * {@code op(A)} is {@code m x k} (A stored {@code k x m} when {@code transA}), {@code op(B)} is {@code k x n}
     * and C is {@code m x n}, all densely packed, of one floating dtype. As in BLAS, {@code beta == 0} ignores C's
     * old contents. C may be A or B.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Storage a, int aOffset,
              Storage b, int bOffset, double beta, Storage c, int cOffset);

    /**
     * Runs {@code body}, during which the {@link #gemm} calls of the calling thread that read {@code operand} (as A
     * or B, at any offset) may read a copy of it that this backend took once, when {@code body} began: a backend
     * that copies GEMM operands into its own memory (native buffers) then copies this one once for many products,
     * as a recurrence does with its hidden weight over every time step. {@code operand} must not be written while
     * {@code body} runs. Calls may nest. The default runs {@code body} and keeps nothing.
     */
    default void withGemmOperand(Storage operand, Runnable body) {
        body.run();
    }

    /** {@code out} = {@code x} with its axes reordered: out axis {@code i} is x axis {@code axes[i]}. */
    void permute(Storage x, Shape xShape, int[] axes, Storage out);

    /** {@code out} = the {@code count} elements {@code start, start + step, ...} of {@code x} along {@code axis}. */
    void slice(Storage x, Shape xShape, int axis, int start, int step, int count, Storage out);

    /** {@code out} (of shape {@code outShape}) = the parts, of the given shapes, joined along {@code axis}. */
    void concat(List<Storage> parts, List<Shape> shapes, int axis, Storage out, Shape outShape);

    /** {@code out} = {@code x} repeated to {@code outShape} by NumPy broadcasting. */
    void broadcastTo(Storage x, Shape xShape, Storage out, Shape outShape);

    /** {@code out} = the slices {@code index[0], index[1], ...} (INT32, 1-D) of {@code x} along {@code axis}. */
    void indexSelect(Storage x, Shape xShape, int axis, Storage index, Storage out);

    /** In place: {@code out[.., index[r], ..] += source[.., r, ..]} along {@code axis}; repeated indices add up. */
    void indexAdd(Storage out, Shape outShape, int axis, Storage index, Storage source);

    /** {@code out[i] = x[i with axis replaced by index[i]]} ({@code torch.gather}); out has index's shape. */
    void gather(Storage x, Shape xShape, int axis, Storage index, Shape indexShape, Storage out);

    /** In place: {@code out[i with axis replaced by index[i]] += source[i]} ({@code torch.scatter_add}); source has index's shape. */
    void scatterAdd(Storage out, Shape outShape, int axis, Storage index, Shape indexShape, Storage source);

    /** In place: {@code y = alpha * x + beta * y} (same size); with {@code beta == 0} y's old values are ignored. */
    void axpby(double alpha, Storage x, double beta, Storage y);

    // ---------------------------------------------------------------- sliding windows (convolution, pooling)

    /**
     * Lowers {@code images} images of {@code x}, from element {@code xOffset} on (each {@code channels x height x
     * width}), into {@code col} from element 0 (im2col): image {@code n} becomes a matrix of
     * {@link Window#columnRows()} rows (channel, kernel row, kernel column) by {@link Window#outSize()} columns
     * (window positions), {@code col[((n C + c) taps + ki kernelW + kj) outSize + oy outW + ox]} = the input under tap
     * {@code (ki, kj)} of window {@code (oy, ox)}, or 0 in the padding. A convolution is then one GEMM per image and
     * group. {@code col} holds at least {@code images * columnRows * outSize} elements.
     */
    void im2col(Storage x, int xOffset, Window window, int images, Storage col);

    /**
     * The adjoint of {@link #im2col} (col2im): overwrites the {@code images} images of {@code x} from element
     * {@code xOffset} on with, at each input element, the sum of the entries of {@code col} that im2col reads from it.
     */
    void col2im(Storage col, Window window, int images, Storage x, int xOffset);

    /**
     * Max pooling of the {@code window.channels()} planes of {@code x}: {@code out[p, oy, ox]} is the maximum of the
     * taps of window {@code (oy, ox)} inside plane {@code p} (taps in the padding are skipped), {@code argmax} (INT32,
     * out's size) the index {@code iy * width + ix} within the plane of the first maximal tap in row-major order; a
     * NaN counts as maximal (PyTorch's CPU rule). Every window holds at least one tap inside the input.
     */
    void maxPool(Storage x, Window window, Storage out, Storage argmax);

    /**
     * Average pooling of the {@code window.channels()} planes of {@code x} (dilation 1, padding symmetric: padH rows
     * after the last row too): {@code out[p, oy, ox]} is the sum of the taps inside the input divided by the number of
     * those taps, or with {@code countIncludePad} by the number of taps inside the padded input (PyTorch's
     * {@code avg_pool2d}).
     */
    void avgPool(Storage x, Window window, boolean countIncludePad, Storage out);

    /**
     * The adjoint of {@link #avgPool}: overwrites {@code gradInput} (x's size) with, at each input element, the sum
     * over the windows that read it of {@code grad[p, oy, ox]} divided by that window's divisor.
     */
    void avgPoolAdjoint(Storage grad, Window window, boolean countIncludePad, Storage gradInput);
}
