package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.onnx.proto.OnnxProto.NodeProto;

import java.util.List;

import static dev.descent.onnx.OnnxOps.bounded;
import static dev.descent.onnx.OnnxOps.runtime;

/**
 * Comparisons, boolean logic and broadcasting, as PyTorch's exports of masked attention use them: Equal, Not, And,
 * Or, Xor, Expand, and the integer and boolean forms of Where and of Cast to BOOL.
 *
 * <p>Values: an ONNX BOOL tensor is an INT32 tensor of 0 and 1 (Descent has no boolean dtype; a BOOL graph input
 * counts non-zero as true); integer vectors of shape arithmetic ({@code long[]}, a scalar {@code Long}) stay
 * integer vectors, their comparisons 0/1 vectors. Every output is bounded before it is computed (the importer's
 * element limit); integer values enter a tensor only if they fit INT32, else the node fails, named.
 */
final class LogicOps {
    static final List<String> SUPPORTED = List.of("Equal", "Not", "And", "Or", "Xor", "Expand");

    private LogicOps() {
    }

    static OnnxOps.Step compile(NodeProto node, String where) throws OnnxFormatException {
        String op = node.getOpType();
        switch (op) {
            case "Not":
                OnnxOps.arity(node, where, 1, 1);
                return in -> isVector(in[0]) ? map(SequenceOps.ints(in[0], where), v -> v == 0 ? 1 : 0)
                        : bool(tensor(in[0], where).to(DType.FLOAT64).eq(0));
            case "Equal":
            case "And":
            case "Or":
            case "Xor":
                OnnxOps.arity(node, where, 2, 2);
                return in -> binary(op, in[0], in[1], where);
            case "Expand":
                OnnxOps.arity(node, where, 2, 2);
                return in -> expand(in[0], SequenceOps.ints(in[1], where), where);
            default:
                throw new OnnxFormatException("Onnx.load: " + where + " uses operator '" + op + "', not supported");
        }
    }

    /** An integer value of shape arithmetic (not a tensor). */
    static boolean isVector(Object v) {
        return v instanceof long[] || v instanceof Long;
    }

    private static Object binary(String op, Object a, Object b, String where) {
        if (isVector(a) && isVector(b)) {
            long[] x = SequenceOps.ints(a, where), y = SequenceOps.ints(b, where);
            long[] out = new long[OnnxOps.broadcastLength(where, x.length, y.length)];
            for (int k = 0; k < out.length; k++) {
                long u = x[x.length == 1 ? 0 : k], v = y[y.length == 1 ? 0 : k];
                out[k] = switch (op) {
                    case "Equal" -> u == v ? 1 : 0;
                    case "And" -> u != 0 && v != 0 ? 1 : 0;
                    case "Or" -> u != 0 || v != 0 ? 1 : 0;
                    default -> (u != 0) != (v != 0) ? 1 : 0;
                };
            }
            return out;
        }
        Tensor x = tensor(a, where), y = tensor(b, where);
        bounded(OnnxOps.broadcastSize(Variable.constant(x), Variable.constant(y)), where);
        if (op.equals("Equal")) {
            if (x.dtype() != y.dtype()) {
                throw runtime(where, "Equal of " + x.dtype() + " and " + y.dtype() + "; ONNX compares one type");
            }
            return bool(x.dtype().isFloating() ? x.eq(y) : x.to(DType.FLOAT64).eq(y.to(DType.FLOAT64)));
        }
        // NOTE: 0/1 in float64 (exact), so that the logic needs only the float kernels
        Tensor p = x.to(DType.FLOAT64).ne(0), q = y.to(DType.FLOAT64).ne(0);
        return bool(switch (op) {
            case "And" -> p.mul(q);
            case "Or" -> p.maximum(q);
            default -> p.ne(q);
        });
    }

    /**
     * ONNX's Expand: {@code x} broadcast with {@code shape} (NumPy's rules, either side may hold the 1s), as a
     * variable of {@code x}'s dtype, or an integer vector when {@code x} is one.
     */
    private static Object expand(Object x, long[] shape, String where) {
        if (shape.length > ModelReader.MAX_RANK) throw runtime(where, "a shape of " + shape.length + " entries");
        if (isVector(x)) {
            long[] v = SequenceOps.ints(x, where);
            if (shape.length > 1 || (shape.length == 1 && shape[0] != 1 && shape[0] != v.length && v.length != 1)) {
                throw runtime(where, "an integer vector of " + v.length + " entries expanded to "
                        + java.util.Arrays.toString(shape));
            }
            if (shape.length == 0 || shape[0] == 1 || shape[0] == v.length) return v;
            bounded(shape[0], where);
            long[] out = new long[(int) shape[0]];
            java.util.Arrays.fill(out, v[0]);
            return out;
        }
        if (!(x instanceof Variable v)) throw runtime(where, "no input");
        int rank = Math.max(v.rank(), shape.length);
        int[] dims = new int[rank];
        double n = 1;
        for (int k = 1; k <= rank; k++) {
            long s = shape.length >= k ? shape[shape.length - k] : 1;
            long d = v.rank() >= k ? v.shape().dim(v.rank() - k) : 1;
            if (s < 0 || s > Integer.MAX_VALUE) throw runtime(where, "shape entry " + s);
            if (d != s && d != 1 && s != 1) {
                throw runtime(where, "input " + v.shape() + " does not expand to " + java.util.Arrays.toString(shape));
            }
            dims[rank - k] = (int) (d == 1 ? s : d);
            n *= dims[rank - k];
        }
        bounded(n, where);
        Shape target = Shape.of(dims);
        if (v.dtype().isFloating()) return v.broadcastTo(dims);
        return Variable.constant(v.value().broadcastTo(target));
    }

    /** A value as a tensor: a variable's value, or an integer vector as INT32 (refused if an entry does not fit). */
    static Tensor tensor(Object v, String where) {
        if (v instanceof Variable x) return x.value();
        long[] a = SequenceOps.ints(v, where);
        int[] out = new int[a.length];
        for (int k = 0; k < a.length; k++) {
            if (a[k] < Integer.MIN_VALUE || a[k] > Integer.MAX_VALUE) {
                throw runtime(where, "the integer " + a[k] + " does not fit INT32");
            }
            out[k] = (int) a[k];
        }
        var f = Tensor.on(Backends.get(), DType.INT32);
        return v instanceof Long ? f.scalar(out[0]) : f.of(out, out.length);
    }

    /** A 0/1 tensor of any dtype as a BOOL value: an INT32 variable. */
    static Variable bool(Tensor t) {
        return Variable.constant(t.dtype() == DType.INT32 ? t : t.to(DType.INT32));
    }

    /** {@code v} as a BOOL value: 1 where non-zero, as a vector or an INT32 variable like {@code v}. */
    static Object toBool(Object v, String where) {
        if (isVector(v)) return map(SequenceOps.ints(v, where), x -> x != 0 ? 1 : 0);
        Tensor t = tensor(v, where);
        return bool(t.dtype().isFloating() ? t.ne(0) : t.to(DType.FLOAT64).ne(0));
    }

    /**
     * ONNX's Where with an integer or boolean {@code a} and {@code b}: of integer vectors, an integer vector; of
     * tensors, an INT32 variable (the branches meet in float64, exact for INT32).
     */
    static Object integerWhere(Object c, Object a, Object b, String where) {
        if (isVector(c) && isVector(a) && isVector(b)) {
            long[] m = SequenceOps.ints(c, where), x = SequenceOps.ints(a, where), y = SequenceOps.ints(b, where);
            int n = OnnxOps.broadcastLength(where, m.length, x.length, y.length);
            long[] out = new long[n];
            for (int k = 0; k < n; k++) {
                out[k] = m[m.length == 1 ? 0 : k] != 0 ? x[x.length == 1 ? 0 : k] : y[y.length == 1 ? 0 : k];
            }
            return out;
        }
        Tensor m = tensor(c, where), x = tensor(a, where), y = tensor(b, where);
        if (x.dtype().isFloating() || y.dtype().isFloating()) {
            throw runtime(where, "Where of " + x.dtype() + " and " + y.dtype() + "; ONNX selects one type");
        }
        bounded(OnnxOps.broadcastSize(Variable.constant(m), Variable.constant(x), Variable.constant(y)), where);
        return Variable.constant(Tensor.where(m, x.to(DType.FLOAT64), y.to(DType.FLOAT64)).to(DType.INT32));
    }

    private static long[] map(long[] v, java.util.function.LongUnaryOperator f) {
        long[] out = new long[v.length];
        for (int k = 0; k < v.length; k++) out[k] = f.applyAsLong(v[k]);
        return out;
    }
}
