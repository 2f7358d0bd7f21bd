package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;
import dev.descent.onnx.proto.OnnxProto.TensorProto;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.descent.onnx.OnnxOps.bounded;
import static dev.descent.onnx.OnnxOps.runtime;
import static dev.descent.onnx.OnnxOps.variable;

/**
 * The operators of embedding and recurrent models {@link Onnx#load} runs: Gather (a lookup of rows by an integer
 * input, or of entries of a shape), RNN (Tanh or Relu), LSTM and GRU (PyTorch's forms: no peepholes, default
 * activations, GRU with {@code linear_before_reset = 1}), and the shape arithmetic PyTorch writes for a dynamic batch (Shape, Unsqueeze,
 * Squeeze, Concat, ConstantOfShape).
 *
 * <p>Integer values (shapes, indices) are {@code long[]}, a scalar is a {@code Long}; a model's integer input is an
 * INT32 tensor. NOTE: ONNX's LSTM stacks its gates (i, o, f, c) and its GRU (z, r, h), PyTorch (i, f, g, o) and
 * (r, z, n): the weights' row blocks are reordered into Descent's (PyTorch's) order when the node runs.
 */
final class SequenceOps {
    static final List<String> SUPPORTED = List.of("Gather", "Shape", "Unsqueeze", "Squeeze", "Concat",
            "ConstantOfShape", "Slice", "Cast", "RNN", "LSTM", "GRU");
    /** ONNX's LSTM blocks (i, o, f, c) in PyTorch's order (i, f, g, o). */
    static final int[] LSTM_TO_TORCH = {0, 2, 3, 1};
    /** ONNX's GRU blocks (z, r, h) in PyTorch's order (r, z, n). */
    static final int[] GRU_TO_TORCH = {1, 0, 2};

    private SequenceOps() {
    }

    static OnnxOps.Step compile(NodeProto node, String where, Map<String, AttributeProto> attrs,
                                Map<String, Object> constants) throws OnnxFormatException {
        switch (node.getOpType()) {
            case "Gather": {
                OnnxOps.arity(node, where, 2, 2);
                long axis = attrs.containsKey("axis") ? attrs.get("axis").getI() : 0;
                return in -> gather(in[0], in[1], axis, where);
            }
            case "Shape": {
                OnnxOps.arity(node, where, 1, 1);
                if (attrs.containsKey("start") || attrs.containsKey("end")) {
                    throw new OnnxFormatException("Onnx.load: " + where + " sets start or end, not supported");
                }
                return in -> {
                    int[] d = variable(in[0], where).shape().dims();
                    return Arrays.stream(d).asLongStream().toArray();
                };
            }
            case "Unsqueeze":
            case "Squeeze": {
                OnnxOps.arity(node, where, 1, 2);
                boolean squeeze = node.getOpType().equals("Squeeze");
                long[] axes = node.getInputCount() > 1 && !node.getInput(1).isEmpty()
                        ? OnnxOps.constantInts(node.getInput(1), constants, where) : null;
                if (axes == null && !squeeze) throw new OnnxFormatException("Onnx.load: " + where + " lacks its axes");
                return in -> squeeze ? squeeze(in[0], axes, where) : unsqueeze(in[0], axes, where);
            }
            case "Concat": {
                OnnxOps.arity(node, where, 1, ModelReader.MAX_NODE_INPUTS);
                long axis = attrs.containsKey("axis") ? attrs.get("axis").getI() : 0;
                return in -> concat(in, axis, where);
            }
            case "ConstantOfShape": {
                OnnxOps.arity(node, where, 1, 1);
                double value = 0;
                DType type = null;
                if (attrs.containsKey("value") && ModelReader.isInteger(attrs.get("value").getT())) {
                    long[] v = ModelReader.longs(attrs.get("value").getT());
                    if (v.length != 1) throw new OnnxFormatException("Onnx.load: " + where + " value must be one number");
                    return in -> integerFill(ints(in[0], where), v[0], where);
                }
                if (attrs.containsKey("value")) {
                    Tensor v = ModelReader.floats(attrs.get("value").getT());
                    if (v.size() != 1) throw new OnnxFormatException("Onnx.load: " + where + " value must be one number");
                    value = v.toDoubleArray()[0];
                    type = v.dtype();
                }
                double fill = value;
                DType dtype = type;
                return in -> {
                    int[] dims = fillDims(ints(in[0], where), where);
                    var f = Tensor.on(dev.descent.core.Backends.get(), dtype == null ? DType.FLOAT32 : dtype);
                    return Variable.constant(f.full(fill, dims));
                };
            }
            case "Slice": {
                OnnxOps.arity(node, where, 3, 5);
                // starts, ends, axes, steps: constants checked at load, or (PyTorch's chunk of a dynamic tensor)
                // integer values computed at run time and checked then
                long[][] fixed = new long[4][];
                boolean[] given = new boolean[4];
                for (int k = 0; k < 4; k++) {
                    given[k] = node.getInputCount() > k + 1 && !node.getInput(k + 1).isEmpty();
                    if (given[k] && constants.containsKey(node.getInput(k + 1))) {
                        fixed[k] = OnnxOps.constantInts(node.getInput(k + 1), constants, where);
                    }
                }
                if (fixed[0] != null && fixed[1] != null && (!given[2] || fixed[2] != null)
                        && (!given[3] || fixed[3] != null)) {
                    String problem = sliceProblem(fixed[0], fixed[1], fixed[2], fixed[3]);
                    if (problem != null) throw new OnnxFormatException("Onnx.load: " + where + " has " + problem);
                }
                return in -> {
                    long[][] a = new long[4][];
                    for (int k = 0; k < 4; k++) {
                        a[k] = fixed[k] != null || !given[k] ? fixed[k] : ints(in[k + 1], where);
                        if (a[k] != null && a[k].length > ModelReader.MAX_RANK) {
                            throw runtime(where, "slice arguments of " + a[k].length + " entries");
                        }
                    }
                    String problem = sliceProblem(a[0], a[1], a[2], a[3]);
                    if (problem != null) throw runtime(where, problem);
                    if (in[0] instanceof long[] vector) return sliceInts(vector, a[0], a[1], a[2], a[3], where);
                    return slice(variable(in[0], where), a[0], a[1], a[2], a[3], where);
                };
            }
            case "Cast": {
                OnnxOps.arity(node, where, 1, 1);
                long to = attrs.containsKey("to") ? attrs.get("to").getI() : -1;
                return in -> cast(in[0], to, where);
            }
            case "RNN":
            case "LSTM":
            case "GRU":
                return recurrent(node, where, attrs);
            default:
                throw new OnnxFormatException("Onnx.load: " + where + " uses operator '" + node.getOpType()
                        + "', not supported");
        }
    }

    /** Why a Slice's arguments are unusable (lengths differ, a step is not positive), or {@code null}. */
    private static String sliceProblem(long[] starts, long[] ends, long[] axes, long[] steps) {
        if (ends.length != starts.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            return "starts, ends, axes and steps of different lengths";
        }
        if (steps != null) {
            for (long s : steps) if (s < 1 || s > Integer.MAX_VALUE) return "step " + s + "; positive steps are supported";
        }
        return null;
    }

    /**
     * Cast where it changes nothing Descent keeps: an integer value to INT64 or INT32 (integers are {@code long}
     * here), a float tensor to its own type. Any other conversion is refused, naming the node.
     */
    private static Object cast(Object v, long to, String where) {
        if (to == TensorProto.DataType.BOOL_VALUE) return LogicOps.toBool(v, where);
        boolean integerTarget = to == TensorProto.DataType.INT64_VALUE || to == TensorProto.DataType.INT32_VALUE;
        if (!(v instanceof Variable x) || !x.dtype().isFloating()) {
            if (integerTarget) return v instanceof Variable ? v : ints(v, where);
        } else if (to == TensorCodec.elemType(x.dtype())) {
            return x;
        }
        throw runtime(where, "a cast to element type " + to + " of " + (v instanceof Variable y ? y.dtype()
                : "an integer value") + "; only casts that keep the value's type are supported");
    }

    /** ConstantOfShape's shape input as dimensions, each within the int range and their product bounded. */
    private static int[] fillDims(long[] shape, String where) {
        double n = 1;
        int[] dims = new int[shape.length];
        for (int k = 0; k < dims.length; k++) {
            if (shape[k] < 0 || shape[k] > Integer.MAX_VALUE) throw runtime(where, "shape " + Arrays.toString(shape));
            dims[k] = (int) shape[k];
            n *= shape[k];
        }
        bounded(n, where);
        return dims;
    }

    /**
     * ConstantOfShape with an integer value: a vector of shape arithmetic for a 1-D shape, an INT32 tensor (the
     * value must fit) otherwise; bounded before it is filled.
     */
    private static Object integerFill(long[] shape, long value, String where) {
        int[] dims = fillDims(shape, where);
        if (dims.length == 1) {
            long[] out = new long[dims[0]];
            Arrays.fill(out, value);
            return out;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw runtime(where, "the integer " + value + " does not fit INT32");
        }
        return Variable.constant(Tensor.on(dev.descent.core.Backends.get(), DType.INT32).full(value, dims));
    }

    /** An integer value: a {@code long[]}, a scalar {@code Long}, or an INT32 variable. */
    static long[] ints(Object v, String where) {
        if (v instanceof long[] a) return a;
        if (v instanceof Long l) return new long[] {l};
        if (v instanceof Variable x && x.dtype() == DType.INT32) {
            return Arrays.stream(x.value().toIntArray()).asLongStream().toArray();
        }
        throw runtime(where, "expected an integer tensor, got a float tensor");
    }

    private static int axis(long axis, int rank, String where) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw runtime(where, "axis " + axis + " for a value of rank " + rank);
        return (int) a;
    }

    private static Object gather(Object data, Object indices, long axis, String where) {
        if (data instanceof Variable x && x.dtype().isFloating()) {
            int a = axis(axis, x.rank(), where);
            int n = x.shape().dim(a);
            int[] idxDims;
            int[] idx;
            if (indices instanceof Variable iv) {
                if (iv.dtype() != DType.INT32) throw runtime(where, "indices are " + iv.dtype() + ", expected integers");
                idxDims = iv.shape().dims();
                idx = iv.value().toIntArray().clone();
            } else {
                long[] l = ints(indices, where);
                idxDims = indices instanceof Long ? new int[0] : new int[] {l.length};
                idx = new int[l.length];
                for (int k = 0; k < l.length; k++) idx[k] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l[k]));
            }
            for (int k = 0; k < idx.length; k++) {
                if (idx[k] < -n || idx[k] >= n) throw runtime(where, "index " + idx[k] + " out of range for size " + n);
                if (idx[k] < 0) idx[k] += n;
            }
            int[] dims = x.shape().dims();
            bounded((double) x.value().size() / Math.max(n, 1) * idx.length, where);
            Variable rows = x.indexSelect(a, Tensor.on(x.value().backend(), DType.INT32).of(idx, idx.length));
            int[] out = new int[dims.length - 1 + idxDims.length];
            System.arraycopy(dims, 0, out, 0, a);
            System.arraycopy(idxDims, 0, out, a, idxDims.length);
            System.arraycopy(dims, a + 1, out, a + idxDims.length, dims.length - a - 1);
            return rows.reshape(out);
        }
        long[] values = ints(data, where);
        if (axis != 0 && axis != -1) throw runtime(where, "axis " + axis + " of a 1-D integer value");
        long[] idx = ints(indices, where);
        long[] out = new long[idx.length];
        for (int k = 0; k < idx.length; k++) {
            long i = idx[k] < 0 ? idx[k] + values.length : idx[k];
            if (i < 0 || i >= values.length) throw runtime(where, "index " + idx[k] + " out of range for " + values.length);
            out[k] = values[(int) i];
        }
        return indices instanceof Long ? (Object) out[0] : out;
    }

    private static Object unsqueeze(Object v, long[] axes, String where) {
        if (!(v instanceof Variable x)) return ints(v, where); // an INT32 (BOOL) tensor keeps its shape
        int rank = x.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int k = axis(a, rank, where);
            if (inserted[k]) throw runtime(where, "axis " + a + " repeated");
            inserted[k] = true;
        }
        int[] dims = new int[rank];
        for (int k = 0, j = 0; k < rank; k++) dims[k] = inserted[k] ? 1 : x.shape().dim(j++);
        return x.reshape(dims);
    }

    private static Object squeeze(Object v, long[] axes, String where) {
        if (!(v instanceof Variable x)) return ints(v, where);
        boolean[] gone = new boolean[x.rank()];
        if (axes == null) {
            for (int k = 0; k < gone.length; k++) gone[k] = x.shape().dim(k) == 1;
        } else {
            for (long a : axes) {
                int k = axis(a, x.rank(), where);
                if (x.shape().dim(k) != 1) throw runtime(where, "axis " + a + " of " + x.shape() + " is not 1");
                gone[k] = true;
            }
        }
        return x.reshape(Arrays.stream(range(x.rank())).filter(k -> !gone[k]).map(k -> x.shape().dim(k)).toArray());
    }

    /** ONNX's Slice with positive steps: negative starts and ends count from the end, both clamped to the axis. */
    private static Variable slice(Variable x, long[] starts, long[] ends, long[] axes, long[] steps, String where) {
        Variable y = x;
        for (int k = 0; k < starts.length; k++) {
            int a = axis(axes == null ? k : axes[k], x.rank(), where);
            long n = x.shape().dim(a);
            long s = starts[k] < 0 ? starts[k] + n : starts[k], e = ends[k] < 0 ? ends[k] + n : ends[k];
            s = Math.max(0, Math.min(n, s));
            e = Math.max(s, Math.min(n, e));
            y = y.slice(a, (int) s, (int) e, steps == null ? 1 : (int) steps[k]);
        }
        return y;
    }

    /** Slice of an integer vector (a shape): one axis, 0, as ONNX clamps its bounds. */
    private static long[] sliceInts(long[] x, long[] starts, long[] ends, long[] axes, long[] steps, String where) {
        if (starts.length != 1) throw runtime(where, "a slice of an integer vector on " + starts.length + " axes");
        axis(axes == null ? 0 : axes[0], 1, where);
        long n = x.length, step = steps == null ? 1 : steps[0];
        long s = starts[0] < 0 ? starts[0] + n : starts[0], e = ends[0] < 0 ? ends[0] + n : ends[0];
        s = Math.max(0, Math.min(n, s));
        e = Math.max(s, Math.min(n, e));
        long[] out = new long[(int) ((e - s + step - 1) / step)];
        for (int k = 0; k < out.length; k++) out[k] = x[(int) (s + k * step)];
        return out;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int k = 0; k < n; k++) r[k] = k;
        return r;
    }

    private static Object concat(Object[] in, long axis, String where) {
        if (in[0] instanceof Variable x && x.dtype().isFloating()) {
            Variable[] parts = new Variable[in.length];
            for (int k = 0; k < in.length; k++) parts[k] = variable(in[k], where);
            return Variable.concat(axis(axis, x.rank(), where), parts);
        }
        long[][] parts = new long[in.length][];
        int n = 0;
        for (int k = 0; k < in.length; k++) n += (parts[k] = ints(in[k], where)).length;
        long[] out = new long[n];
        for (int k = 0, at = 0; k < parts.length; at += parts[k].length, k++) {
            System.arraycopy(parts[k], 0, out, at, parts[k].length);
        }
        return out;
    }

    private static OnnxOps.Step recurrent(NodeProto node, String where, Map<String, AttributeProto> attrs)
            throws OnnxFormatException {
        boolean lstm = node.getOpType().equals("LSTM"), rnn = node.getOpType().equals("RNN");
        OnnxOps.arity(node, where, 3, lstm ? 8 : 6);
        long hidden = attrs.containsKey("hidden_size") ? attrs.get("hidden_size").getI() : -1;
        if (hidden < 1 || hidden > CnnOps.MAX_WINDOW) {
            throw new OnnxFormatException("Onnx.load: " + where + " has hidden_size " + hidden + ", expected 1 to "
                    + CnnOps.MAX_WINDOW);
        }
        String direction = attrs.containsKey("direction") ? attrs.get("direction").getS().toStringUtf8() : "forward";
        if (!List.of("forward", "reverse", "bidirectional").contains(direction)) {
            throw new OnnxFormatException("Onnx.load: " + where + " has direction '" + OnnxOps.clip(direction) + "'");
        }
        int dirs = direction.equals("bidirectional") ? 2 : 1;
        boolean[] relu = rnnActivations(attrs, rnn, dirs, where);
        for (String a : List.of("activations", "activation_alpha", "activation_beta", "clip")) {
            if (attrs.containsKey(a) && !(rnn && a.equals("activations"))) {
                throw new OnnxFormatException("Onnx.load: " + where + " sets " + a + "; the default activations "
                        + "without clipping are supported");
            }
        }
        if (attrs.containsKey("layout") && attrs.get("layout").getI() != 0
                || attrs.containsKey("input_forget") && attrs.get("input_forget").getI() != 0) {
            throw new OnnxFormatException("Onnx.load: " + where + " sets layout or input_forget; 0 is supported");
        }
        if (!lstm && !rnn && (!attrs.containsKey("linear_before_reset") || attrs.get("linear_before_reset").getI() != 1)) {
            throw new OnnxFormatException("Onnx.load: " + where + " is a GRU without linear_before_reset = 1; "
                    + "PyTorch's GRU (linear_before_reset = 1) is supported");
        }
        if (node.getInputCount() > 4 && !node.getInput(4).isEmpty()) {
            throw new OnnxFormatException("Onnx.load: " + where + " reads sequence_lens; not supported");
        }
        if (lstm && node.getInputCount() > 7 && !node.getInput(7).isEmpty()) {
            throw new OnnxFormatException("Onnx.load: " + where + " has peepholes (P); not supported");
        }
        int h = (int) hidden, gates = lstm ? 4 : rnn ? 1 : 3;
        int[] order = lstm ? LSTM_TO_TORCH : rnn ? new int[] {0} : GRU_TO_TORCH;
        boolean reverseOnly = direction.equals("reverse");
        return in -> {
            Variable x = variable(in[0], where), w = variable(in[1], where), r = variable(in[2], where);
            Variable b = in.length > 3 && in[3] != null ? variable(in[3], where) : null;
            Variable h0 = in.length > 5 && in[5] != null ? variable(in[5], where) : null;
            Variable c0 = lstm && in.length > 6 && in[6] != null ? variable(in[6], where) : null;
            if (x.rank() != 3) throw runtime(where, "expected X (seq_length, batch, input_size), got " + x.shape());
            int steps = x.shape().dim(0), batch = x.shape().dim(1), features = x.shape().dim(2);
            expect(w, where, "W", dirs, gates * h, features);
            expect(r, where, "R", dirs, gates * h, h);
            if (b != null) expect(b, where, "B", dirs, 2 * gates * h);
            if (h0 != null) expect(h0, where, "initial_h", dirs, batch, h);
            if (c0 != null) expect(c0, where, "initial_c", dirs, batch, h);
            bounded((double) steps * batch * h * dirs, where);
            Variable[] outs = new Variable[dirs];
            for (int d = 0; d < dirs; d++) {
                Variable wd = blocks(w.slice(0, d, d + 1).squeeze(0), order, h);
                Variable rd = blocks(r.slice(0, d, d + 1).squeeze(0), order, h);
                Variable bd = b == null ? null : b.slice(0, d, d + 1).squeeze(0);
                Variable wb = bd == null ? null : blocks(bd.slice(0, 0, gates * h), order, h);
                Variable rb = bd == null ? null : blocks(bd.slice(0, gates * h, 2 * gates * h), order, h);
                boolean backwards = reverseOnly || d == 1;
                Variable seq = backwards ? reversed(x) : x;
                Variable xp = seq.reshape(steps * batch, features).matmul(wd, false, true);
                if (wb != null) xp = xp.add(wb);
                xp = xp.reshape(steps, batch, gates * h);
                Variable zeros = Variable.constant(Tensor.on(x.value().backend(), x.dtype()).zeros(batch, h));
                Variable hd = h0 == null ? zeros : h0.slice(0, d, d + 1).squeeze(0);
                Variable all = lstm
                        ? Variable.lstmScan(xp, hd, c0 == null ? zeros : c0.slice(0, d, d + 1).squeeze(0), rd, rb, null)
                        : rnn ? Variable.rnnScan(xp, hd, rd, rb, relu[d], null) : Variable.gruScan(xp, hd, rd, rb, null);
                Variable y = all.slice(0, 0, steps);
                outs[d] = backwards ? reversed(y) : y;
            }
            return Variable.stack(1, outs);
        };
    }

    /**
     * The RNN's activation per direction: {@code true} for Relu, {@code false} for Tanh (the default); one name per
     * direction, as ONNX lists them. Other activations, and the attribute on an LSTM or GRU, are refused by the caller.
     */
    private static boolean[] rnnActivations(Map<String, AttributeProto> attrs, boolean rnn, int dirs, String where)
            throws OnnxFormatException {
        boolean[] relu = new boolean[dirs];
        if (!rnn || !attrs.containsKey("activations")) return relu;
        List<com.google.protobuf.ByteString> names = attrs.get("activations").getStringsList();
        if (names.size() != dirs) {
            throw new OnnxFormatException("Onnx.load: " + where + " lists " + names.size() + " activations for "
                    + dirs + " direction(s)");
        }
        for (int d = 0; d < dirs; d++) {
            String a = names.get(d).toStringUtf8();
            if (!a.equals("Tanh") && !a.equals("Relu")) {
                throw new OnnxFormatException("Onnx.load: " + where + " has activation '" + OnnxOps.clip(a)
                        + "'; Tanh and Relu (PyTorch's RNN) are supported");
            }
            relu[d] = a.equals("Relu");
        }
        return relu;
    }

    private static void expect(Variable v, String where, String what, int... dims) {
        if (!Arrays.equals(v.shape().dims(), dims)) {
            throw runtime(where, what + " has shape " + v.shape() + ", expected " + Arrays.toString(dims));
        }
    }

    /** The row blocks of {@code v} (each {@code h} rows) in the order {@code order}. */
    static Variable blocks(Variable v, int[] order, int h) {
        Variable[] parts = new Variable[order.length];
        for (int k = 0; k < order.length; k++) parts[k] = v.slice(0, order[k] * h, (order[k] + 1) * h);
        return Variable.concat(0, parts);
    }

    /** {@code x} with its leading (time) axis reversed. */
    private static Variable reversed(Variable x) {
        int t = x.shape().dim(0);
        int[] idx = new int[t];
        for (int k = 0; k < t; k++) idx[k] = t - 1 - k;
        return x.indexSelect(0, Tensor.on(x.value().backend(), DType.INT32).of(idx, t));
    }
}
