package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;
import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ONNX operators {@link Onnx#load} runs (opsets 13 to 17, default domain), each as Descent operations on
 * variables. A node is compiled once at load, where its attributes and constant inputs are checked; running it
 * then only computes.
 */
final class OnnxOps {
    /** A compiled node: reads its inputs from the environment and returns its output. */
    @FunctionalInterface
    interface Step {
        Object run(Object[] inputs);
    }

    /** The outputs of a node with several (Split), in the node's order. */
    record Outputs(Object[] values) {
    }

    /** The operators whose every output may be read by later nodes; others have one (extra outputs unread). */
    static final Set<String> MULTI_OUTPUT = Set.of("Split");

    private static final Map<String, java.util.function.UnaryOperator<Variable>> UNARY = Map.ofEntries(
            Map.entry("Neg", Variable::neg), Map.entry("Exp", Variable::exp), Map.entry("Log", Variable::log),
            Map.entry("Sqrt", Variable::sqrt), Map.entry("Abs", Variable::abs),
            Map.entry("Reciprocal", Variable::reciprocal), Map.entry("Sin", Variable::sin),
            Map.entry("Cos", Variable::cos), Map.entry("Tanh", Variable::tanh), Map.entry("Sigmoid", Variable::sigmoid),
            Map.entry("Erf", Variable::erf), Map.entry("Relu", Variable::relu), Map.entry("Softplus", Variable::softplus),
            Map.entry("Identity", v -> v), Map.entry("Dropout", v -> v));

    private static final Map<String, java.util.function.BinaryOperator<Variable>> BINARY = Map.ofEntries(
            Map.entry("Add", Variable::add), Map.entry("Sub", Variable::sub), Map.entry("Mul", Variable::mul),
            Map.entry("Div", Variable::div), Map.entry("Pow", Variable::pow), Map.entry("MatMul", Variable::matmul),
            Map.entry("Max", Variable::maximum), Map.entry("Min", Variable::minimum));

    static final Set<String> SUPPORTED = supported();

    private OnnxOps() {
    }

    private static Set<String> supported() {
        Set<String> s = new TreeSet<>(UNARY.keySet());
        s.addAll(BINARY.keySet());
        s.addAll(List.of("Gemm", "LeakyRelu", "Elu", "Softmax", "LogSoftmax", "Flatten", "Reshape", "Transpose",
                "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "Greater", "Where", "Constant", "Split"));
        s.addAll(CnnOps.SUPPORTED);
        s.addAll(SequenceOps.SUPPORTED);
        s.addAll(LogicOps.SUPPORTED);
        return java.util.Collections.unmodifiableSet(s);
    }

    /**
     * Compiles {@code node}. {@code constants} holds the values known at load (initialisers and earlier Constant
     * nodes) that attributes-as-inputs (a Reshape's shape, a ReduceSum's axes) must come from.
     */
    static Step compile(NodeProto node, String where, Map<String, Object> constants) throws OnnxFormatException {
        String op = node.getOpType();
        Map<String, AttributeProto> attrs = new HashMap<>();
        for (AttributeProto a : node.getAttributeList()) attrs.put(a.getName(), a);
        var unary = UNARY.get(op);
        if (unary != null) {
            arity(node, where, 1, op.equals("Dropout") ? 3 : 1);
            return in -> unary.apply(variable(in[0], where));
        }
        var binary = BINARY.get(op);
        if (binary != null) {
            arity(node, where, 2, 2);
            boolean product = op.equals("MatMul");
            boolean arithmetic = List.of("Add", "Sub", "Mul", "Div").contains(op);
            return in -> {
                if (arithmetic && !(in[0] instanceof Variable) && !(in[1] instanceof Variable)) {
                    return integerArithmetic(op, in[0], in[1], where); // shape arithmetic (PyTorch's dynamic sizes)
                }
                Variable a = variable(in[0], where), b = variable(in[1], where);
                bounded(product ? productSize(a, b, false, false) : broadcastSize(a, b), where);
                return binary.apply(a, b);
            };
        }
        switch (op) {
            case "Gemm": {
                arity(node, where, 2, 3);
                double alpha = f(attrs, "alpha", 1), beta = f(attrs, "beta", 1);
                boolean ta = i(attrs, "transA", 0) != 0, tb = i(attrs, "transB", 0) != 0;
                return in -> {
                    Variable a = variable(in[0], where), b = variable(in[1], where);
                    bounded(productSize(a, b, ta, tb), where);
                    Variable y = a.matmul(b, ta, tb);
                    if (alpha != 1) y = y.mul(alpha);
                    if (in.length > 2 && in[2] != null) {
                        Variable c = variable(in[2], where);
                        y = y.add(beta == 1 ? c : c.mul(beta));
                    }
                    return y;
                };
            }
            case "LeakyRelu": {
                arity(node, where, 1, 1);
                double alpha = f(attrs, "alpha", 0.01);
                return in -> variable(in[0], where).leakyRelu(alpha);
            }
            case "Elu": {
                arity(node, where, 1, 1);
                double alpha = f(attrs, "alpha", 1);
                return in -> variable(in[0], where).elu(alpha);
            }
            case "Softmax":
            case "LogSoftmax": {
                arity(node, where, 1, 1);
                int axis = (int) i(attrs, "axis", -1);
                boolean log = op.equals("LogSoftmax");
                return in -> log ? variable(in[0], where).logSoftmax(axis) : variable(in[0], where).softmax(axis);
            }
            case "Flatten": {
                arity(node, where, 1, 1);
                int axis = (int) i(attrs, "axis", 1);
                return in -> flatten(variable(in[0], where), axis, where);
            }
            case "Reshape": {
                arity(node, where, 2, 2);
                // a shape known at load, or computed at run time from the input's (PyTorch's dynamic axes)
                long[] shape = constants.containsKey(node.getInput(1))
                        ? constantInts(node.getInput(1), constants, where) : null;
                boolean allowZero = i(attrs, "allowzero", 0) != 0;
                return in -> reshape(variable(in[0], where), shape != null ? shape : runtimeShape(in[1], where),
                        allowZero, where);
            }
            case "Split": {
                arity(node, where, 1, 2);
                long axis = i(attrs, "axis", 0);
                int parts = node.getOutputCount();
                long[] sizes = node.getInputCount() > 1 && !node.getInput(1).isEmpty()
                        ? constantInts(node.getInput(1), constants, where) : null;
                if (sizes != null && sizes.length != parts || attrs.containsKey("split")) {
                    throw new OnnxFormatException("Onnx.load: " + where + " has " + parts + " outputs and split sizes "
                            + (sizes == null ? "as an attribute" : java.util.Arrays.toString(sizes))
                            + "; one constant size per output is supported");
                }
                return in -> split(variable(in[0], where), axis, parts, sizes, where);
            }
            case "Transpose": {
                arity(node, where, 1, 1);
                long[] perm = attrs.containsKey("perm") ? toArray(attrs.get("perm").getIntsList()) : null;
                return in -> {
                    Variable x = variable(in[0], where);
                    int[] p = new int[x.rank()];
                    if (perm == null) for (int k = 0; k < p.length; k++) p[k] = p.length - 1 - k;
                    else if (perm.length != p.length) throw runtime(where, "perm " + java.util.Arrays.toString(perm)
                            + " for an input of rank " + p.length);
                    else for (int k = 0; k < p.length; k++) p[k] = (int) perm[k];
                    return x.permute(p);
                };
            }
            case "ReduceSum":
            case "ReduceMean":
            case "ReduceMax":
            case "ReduceMin": {
                boolean axesInput = op.equals("ReduceSum");
                arity(node, where, 1, axesInput ? 2 : 1);
                long[] axes = axesInput
                        ? (node.getInputCount() > 1 && !node.getInput(1).isEmpty()
                                ? constantInts(node.getInput(1), constants, where) : new long[0])
                        : (attrs.containsKey("axes") ? toArray(attrs.get("axes").getIntsList()) : new long[0]);
                boolean keep = i(attrs, "keepdims", 1) != 0;
                if (i(attrs, "noop_with_empty_axes", 0) != 0) {
                    throw new OnnxFormatException("Onnx.load: " + where + " sets noop_with_empty_axes, not supported");
                }
                return in -> reduce(op, variable(in[0], where), axes, keep, where);
            }
            case "Greater": {
                arity(node, where, 2, 2);
                return in -> Variable.constant(variable(in[0], where).value().gt(variable(in[1], where).value()));
            }
            case "Where": {
                arity(node, where, 3, 3);
                return in -> {
                    if (!isFloat(in[1]) && !isFloat(in[2])) return LogicOps.integerWhere(in[0], in[1], in[2], where);
                    if (LogicOps.isVector(in[0])) in[0] = Variable.constant(LogicOps.tensor(in[0], where));
                    Variable c = variable(in[0], where), a = variable(in[1], where), b = variable(in[2], where);
                    bounded(broadcastSize(c, a, b), where);
                    return Variable.where(c.value(), a, b);
                };
            }
            case "Constant": {
                arity(node, where, 0, 0);
                AttributeProto value = attrs.get("value");
                if (value == null || !value.hasT() || attrs.size() != 1) {
                    throw new OnnxFormatException("Onnx.load: " + where + " must have exactly the tensor attribute "
                            + "'value'");
                }
                Object c = ModelReader.constant(value.getT());
                constants.put(node.getOutput(0), c);
                return in -> c;
            }
            default:
                if (SequenceOps.SUPPORTED.contains(op)) return SequenceOps.compile(node, where, attrs, constants);
                if (LogicOps.SUPPORTED.contains(op)) return LogicOps.compile(node, where);
                return CnnOps.compile(node, where, attrs, constants);
        }
    }

    static void arity(NodeProto n, String where, int min, int max) throws OnnxFormatException {
        if (n.getInputCount() < min || n.getInputCount() > max) {
            throw new OnnxFormatException("Onnx.load: " + where + " has " + n.getInputCount() + " inputs, expected "
                    + (min == max ? "" + min : min + " to " + max));
        }
        for (int k = 0; k < min; k++) {
            if (n.getInput(k).isEmpty()) throw new OnnxFormatException("Onnx.load: " + where + " lacks input " + k);
        }
    }

    static double f(Map<String, AttributeProto> a, String name, double dflt) {
        return a.containsKey(name) ? a.get(name).getF() : dflt;
    }

    private static long i(Map<String, AttributeProto> a, String name, long dflt) {
        return a.containsKey(name) ? a.get(name).getI() : dflt;
    }

    private static long[] toArray(List<Long> values) {
        long[] out = new long[values.size()];
        for (int k = 0; k < out.length; k++) out[k] = values.get(k);
        return out;
    }

    static long[] constantInts(String name, Map<String, Object> constants, String where)
            throws OnnxFormatException {
        Object c = constants.get(name);
        if (c instanceof Long l) c = new long[] {l};
        if (!(c instanceof long[] v)) {
            throw new OnnxFormatException("Onnx.load: " + where + " reads '" + name + "' as a shape or axes, which "
                    + "must be an INT64 initialiser or Constant");
        }
        if (v.length > ModelReader.MAX_RANK) {
            throw new OnnxFormatException("Onnx.load: " + where + " has " + v.length + " entries in '" + name + "'");
        }
        return v;
    }

    /**
     * NOTE: the element count of the broadcast of {@code vs} (NumPy's rules; a pair that does not broadcast counts
     * as its larger size, the operation then fails on its own), saturated above the bound, so that a hostile file
     * cannot broadcast bounded initialisers into an unbounded output.
     */
    static long broadcastSize(Variable... vs) {
        int rank = 0;
        for (Variable v : vs) rank = Math.max(rank, v.rank());
        long n = 1;
        for (int k = 1; k <= rank; k++) {
            long d = 1;
            for (Variable v : vs) if (v.rank() >= k) d = Math.max(d, v.shape().dim(v.rank() - k));
            n = Math.min(n * d, ModelReader.MAX_TENSOR_ELEMENTS + 1);
        }
        return n;
    }

    /** The element count of a (batched) matrix product's output, saturated above the bound. */
    static long productSize(Variable a, Variable b, boolean ta, boolean tb) {
        if (a.rank() < 2 || b.rank() < 2) return Math.max(a.value().size(), b.value().size());
        long rows = a.shape().dim(ta ? -1 : -2), cols = b.shape().dim(tb ? -2 : -1), batch = 1;
        for (int k = 3; k <= Math.max(a.rank(), b.rank()); k++) {
            long d = Math.max(a.rank() >= k ? a.shape().dim(a.rank() - k) : 1, b.rank() >= k ? b.shape().dim(b.rank() - k) : 1);
            batch = Math.min(batch * d, ModelReader.MAX_TENSOR_ELEMENTS + 1);
        }
        return Math.min(batch * Math.min(rows * cols, ModelReader.MAX_TENSOR_ELEMENTS + 1), ModelReader.MAX_TENSOR_ELEMENTS + 1);
    }

    /** Refuses an output of more than the importer's element bound (a product taken in double, never overflowing). */
    static void bounded(double elements, String where) {
        if (elements > ModelReader.MAX_TENSOR_ELEMENTS) {
            throw runtime(where, "the output would hold more than " + ModelReader.MAX_TENSOR_ELEMENTS
                    + " elements, the importer's bound");
        }
    }

    /** {@code s} cut to a length fit for a message. */
    static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** Whether {@code value} is a float tensor (not an integer vector, nor an INT32 or BOOL tensor). */
    static boolean isFloat(Object value) {
        return value instanceof Variable v && v.dtype().isFloating();
    }

    static Variable variable(Object value, String where) {
        if (value instanceof Variable v) return v;
        throw runtime(where, "expected a float tensor, got an integer tensor");
    }

    static IllegalArgumentException runtime(String where, String what) {
        return new IllegalArgumentException("OnnxModule: " + where + ": " + what);
    }

    /** A Reshape's shape computed at run time: an integer vector of at most the importer's rank. */
    private static long[] runtimeShape(Object shape, String where) {
        long[] s = SequenceOps.ints(shape, where);
        if (s.length > ModelReader.MAX_RANK) throw runtime(where, "a shape of " + s.length + " entries");
        return s;
    }

    /**
     * Add, Sub, Mul, Div of integer values (shapes and sizes: {@code long[]}, a scalar {@code Long}), elementwise
     * with a scalar or one-element side broadcast; Div truncates, as ONNX's integer division. NOTE: overflow is an
     * error ({@code Math.*Exact}), never a wrapped size.
     */
    static Object integerArithmetic(String op, Object a, Object b, String where) {
        long[] x = SequenceOps.ints(a, where), y = SequenceOps.ints(b, where);
        long[] out = new long[broadcastLength(where, x.length, y.length)];
        for (int k = 0; k < out.length; k++) {
            long u = x[x.length == 1 ? 0 : k], v = y[y.length == 1 ? 0 : k];
            out[k] = switch (op) {
                case "Add" -> Math.addExact(u, v);
                case "Sub" -> Math.subtractExact(u, v);
                case "Mul" -> Math.multiplyExact(u, v);
                default -> {
                    if (v == 0) throw runtime(where, "integer division by zero");
                    yield u / v;
                }
            };
        }
        return a instanceof Long && b instanceof Long ? (Object) out[0] : out;
    }

    /**
     * The length of integer vectors of {@code lengths} broadcast together: one-entry vectors repeat, the others must
     * agree (an empty vector broadcasts with one entry to empty).
     */
    static int broadcastLength(String where, int... lengths) {
        int n = 1;
        for (int l : lengths) {
            if (l == 1) continue;
            if (n != 1 && l != n) {
                throw runtime(where, "integer operands of " + java.util.Arrays.toString(lengths)
                        + " entries do not broadcast");
            }
            n = l;
        }
        return n;
    }

    /** ONNX's Split: {@code parts} equal pieces along {@code axis}, or pieces of the given sizes. */
    private static Outputs split(Variable x, long axis, int parts, long[] sizes, String where) {
        long ax = axis < 0 ? axis + x.rank() : axis;
        if (ax < 0 || ax >= x.rank()) throw runtime(where, "axis " + axis + " for an input of rank " + x.rank());
        int a = (int) ax, n = x.shape().dim(a);
        long[] s = sizes;
        if (s == null) {
            if (n % parts != 0) throw runtime(where, "axis " + a + " of " + x.shape() + " does not split in " + parts);
            s = new long[parts];
            java.util.Arrays.fill(s, n / parts);
        }
        long total = 0;
        for (long v : s) {
            if (v < 0) throw runtime(where, "split size " + v);
            total += v;
        }
        if (total != n) throw runtime(where, "split sizes " + java.util.Arrays.toString(s) + " for axis " + a + " of "
                + x.shape());
        Object[] out = new Object[parts];
        for (int k = 0, at = 0; k < parts; at += (int) s[k], k++) out[k] = x.slice(a, at, at + (int) s[k]);
        return new Outputs(out);
    }

    private static Variable flatten(Variable x, int axis, String where) {
        int r = x.rank();
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a > r) throw runtime(where, "axis " + axis + " for an input of rank " + r);
        long outer = 1, inner = 1;
        for (int k = 0; k < r; k++) {
            if (k < a) outer *= x.shape().dim(k);
            else inner *= x.shape().dim(k);
        }
        return x.reshape((int) outer, (int) inner);
    }

    private static Variable reshape(Variable x, long[] shape, boolean allowZero, String where) {
        int[] dims = new int[shape.length];
        for (int k = 0; k < shape.length; k++) {
            long d = shape[k];
            if (d == 0 && !allowZero) {
                if (k >= x.rank()) throw runtime(where, "shape entry 0 at " + k + " beyond the input's rank");
                dims[k] = x.shape().dim(k);
            } else if (d < -1 || d > Integer.MAX_VALUE) {
                throw runtime(where, "shape entry " + d);
            } else {
                dims[k] = (int) d;
            }
        }
        return x.reshape(dims);
    }

    private static Variable reduce(String op, Variable x, long[] axes, boolean keep, String where) {
        int[] a = new int[axes.length];
        for (int k = 0; k < a.length; k++) {
            long ax = axes[k] < 0 ? axes[k] + x.rank() : axes[k];
            if (ax < 0 || ax >= x.rank()) throw runtime(where, "axis " + axes[k] + " for an input of rank " + x.rank());
            a[k] = (int) ax;
        }
        if (a.length == 0) {
            a = new int[x.rank()];
            for (int k = 0; k < a.length; k++) a[k] = k;
        }
        return switch (op) {
            case "ReduceSum" -> x.sum(a, keep);
            case "ReduceMean" -> x.mean(a, keep);
            case "ReduceMax" -> x.max(a, keep);
            default -> x.min(a, keep);
        };
    }
}
