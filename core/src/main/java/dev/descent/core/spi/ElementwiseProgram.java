package dev.descent.core.spi;

import java.util.List;

/**
 * A straight-line program of elementwise kernels over numbered buffers of one size and dtype, with the scalars
 * written into its steps. Running it means running each step as its kernel over the whole buffers, in order;
 * a backend that implements {@link FusedElementwise} may instead run all steps chunk by chunk (one pass over
 * memory), with results equal bit for bit.
 *
 * <pre>{@code
 * // buffers: 0 = w, 1 = g, 2 = tmp
 * var p = new ElementwiseProgram(3, List.of(
 *         new ElementwiseProgram.Zip(BinaryOp.MUL, 1, 1, 2),          // tmp = g * g
 *         new ElementwiseProgram.Axpby(-0.1, 2, 1, 0)));               // w = w - 0.1 tmp
 * }</pre>
 *
 * @param buffers how many buffers the steps refer to (indices {@code 0 .. buffers - 1})
 * @param steps   the kernels, in order
 */
public record ElementwiseProgram(int buffers, List<Step> steps) {

    public ElementwiseProgram {
        steps = List.copyOf(steps);
        for (Step s : steps) {
            for (int i : s.operands()) {
                if (i < 0 || i >= buffers) {
                    throw new IllegalArgumentException("ElementwiseProgram: step " + s + " refers to buffer " + i
                            + ", expected 0 <= index < " + buffers);
                }
            }
        }
    }

    /** One kernel of a program. */
    public sealed interface Step permits Map, Zip, Axpby {
        /** The buffer indices the step reads or writes, its output last. */
        int[] operands();

        /** The buffer the step writes. */
        int output();
    }

    /** {@code out = op(x)} with the op's parameters, as {@link Backend#map}. */
    public record Map(UnaryOp op, int x, double p, double q, int out) implements Step {
        public int[] operands() { return new int[] {x, out}; }

        public int output() { return out; }
    }

    /** {@code out = op(a, b)} on buffers of one size, as {@link Backend#zip} without broadcasting. */
    public record Zip(BinaryOp op, int a, int b, int out) implements Step {
        public int[] operands() { return new int[] {a, b, out}; }

        public int output() { return out; }
    }

    /** {@code y = alpha * x + beta * y}, as {@link Backend#axpby}. */
    public record Axpby(double alpha, int x, double beta, int y) implements Step {
        public int[] operands() { return new int[] {x, y}; }

        public int output() { return y; }
    }
}
