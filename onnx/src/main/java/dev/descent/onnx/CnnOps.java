package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.Convolution;
import dev.descent.core.Pooling;
import dev.descent.onnx.proto.OnnxProto.AttributeProto;
import dev.descent.onnx.proto.OnnxProto.NodeProto;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.descent.onnx.OnnxOps.bounded;
import static dev.descent.onnx.OnnxOps.runtime;
import static dev.descent.onnx.OnnxOps.variable;

/**
 * The convolution, pooling and normalisation operators {@link Onnx#load} runs: Conv (1-D and 2-D), ConvTranspose
 * (2-D), MaxPool and AveragePool (1-D and 2-D), GlobalAveragePool, BatchNormalization (inference) and
 * LayerNormalization, as Descent's convolution, pooling and reduction operations.
 *
 * <p>Every window attribute is checked at load (counts match the spatial rank, kernel, stride and dilation in
 * {@code [1, 2^16]}, pads in {@code [0, 2^16]}); a convolution's output size is checked against the importer's
 * element bound before anything is allocated. Pooling pads must be the same before and after each axis, as in
 * PyTorch; {@code auto_pad} SAME_UPPER and SAME_LOWER are supported for Conv, where they are resolved against the
 * input's size.
 */
final class CnnOps {
    static final List<String> SUPPORTED = List.of("Conv", "ConvTranspose", "MaxPool", "AveragePool",
            "GlobalAveragePool", "BatchNormalization", "LayerNormalization");
    /** The largest kernel, stride, dilation, padding or group count accepted. */
    static final long MAX_WINDOW = 1 << 16;

    private CnnOps() {
    }

    static OnnxOps.Step compile(NodeProto node, String where, Map<String, AttributeProto> attrs,
                                Map<String, Object> constants) throws OnnxFormatException {
        return switch (node.getOpType()) {
            case "Conv" -> conv(node, where, attrs, constants);
            case "ConvTranspose" -> convTranspose(node, where, attrs, constants);
            case "MaxPool", "AveragePool" -> pool(node, where, attrs);
            case "GlobalAveragePool" -> {
                OnnxOps.arity(node, where, 1, 1);
                yield in -> {
                    Variable x = variable(in[0], where);
                    if (x.rank() < 3) throw runtime(where, "expected an input (N, C, spatial...), got " + x.shape());
                    int[] axes = new int[x.rank() - 2];
                    for (int k = 0; k < axes.length; k++) axes[k] = k + 2;
                    return x.mean(axes, true);
                };
            }
            case "BatchNormalization" -> batchNorm(node, where, attrs);
            case "LayerNormalization" -> layerNorm(node, where, attrs);
            default -> throw new OnnxFormatException("Onnx.load: " + where + " uses operator '" + node.getOpType()
                    + "', not supported");
        };
    }

    /** The spatial rank: from kernel_shape, else from a constant weight; 1 or 2. */
    private static int spatial(String where, Map<String, AttributeProto> attrs, Object weight)
            throws OnnxFormatException {
        int n;
        if (attrs.containsKey("kernel_shape")) n = attrs.get("kernel_shape").getIntsCount();
        else if (weight instanceof Variable w) n = w.rank() - 2;
        else throw new OnnxFormatException("Onnx.load: " + where + " has no kernel_shape and no constant weight");
        if (n < 1 || n > 2) {
            throw new OnnxFormatException("Onnx.load: " + where + " has " + n + " spatial axes; 1 and 2 are supported");
        }
        return n;
    }

    /** An INTS attribute of {@code count} entries in {@code [min, MAX_WINDOW]}, or {@code count} times {@code dflt}. */
    private static long[] window(String where, Map<String, AttributeProto> attrs, String name, int count, long dflt,
                                 long min) throws OnnxFormatException {
        long[] v = new long[count];
        AttributeProto a = attrs.get(name);
        if (a == null) {
            Arrays.fill(v, dflt);
            return v;
        }
        if (a.getIntsCount() != count) {
            throw new OnnxFormatException("Onnx.load: " + where + " has " + a.getIntsCount() + " entries in '" + name
                    + "', expected " + count);
        }
        for (int k = 0; k < count; k++) {
            v[k] = a.getInts(k);
            if (v[k] < min || v[k] > MAX_WINDOW) {
                throw new OnnxFormatException("Onnx.load: " + where + " has '" + name + "' " + a.getIntsList()
                        + "; entries must be in [" + min + ", " + MAX_WINDOW + "]");
            }
        }
        return v;
    }

    private static long integer(String where, Map<String, AttributeProto> attrs, String name, long dflt, long min,
                                long max) throws OnnxFormatException {
        long v = attrs.containsKey(name) ? attrs.get(name).getI() : dflt;
        if (v < min || v > max) {
            throw new OnnxFormatException("Onnx.load: " + where + " has " + name + " " + v + ", expected " + min
                    + " to " + max);
        }
        return v;
    }

    private static String autoPad(String where, Map<String, AttributeProto> attrs, String... allowed)
            throws OnnxFormatException {
        String mode = attrs.containsKey("auto_pad") ? attrs.get("auto_pad").getS().toStringUtf8() : "NOTSET";
        if (!Arrays.asList(allowed).contains(mode)) {
            throw new OnnxFormatException("Onnx.load: " + where + " has auto_pad '" + OnnxOps.clip(mode)
                    + "'; supported: " + String.join(", ", allowed));
        }
        return mode;
    }

    private static Variable optional(Object[] in, int k, String where) {
        return in.length > k && in[k] != null ? variable(in[k], where) : null;
    }

    private static int[] spatialDims(Variable v, int spatial, String what, String where) {
        if (v.rank() != spatial + 2) {
            throw runtime(where, "expected " + what + " of rank " + (spatial + 2) + ", got " + v.shape());
        }
        int[] d = new int[spatial];
        for (int k = 0; k < spatial; k++) d[k] = v.shape().dim(k + 2);
        return d;
    }

    private static void kernelMatches(long[] kernel, int[] weight, String where) {
        if (kernel == null) return;
        for (int k = 0; k < weight.length; k++) {
            if (kernel[k] != weight[k]) {
                throw runtime(where, "kernel_shape " + Arrays.toString(kernel) + " differs from the weight's "
                        + Arrays.toString(weight));
            }
        }
    }

    private static OnnxOps.Step conv(NodeProto node, String where, Map<String, AttributeProto> attrs,
                                     Map<String, Object> constants) throws OnnxFormatException {
        OnnxOps.arity(node, where, 2, 3);
        int n = spatial(where, attrs, constants.get(node.getInput(1)));
        long[] kernel = attrs.containsKey("kernel_shape") ? window(where, attrs, "kernel_shape", n, 1, 1) : null;
        long[] strides = window(where, attrs, "strides", n, 1, 1);
        long[] dilations = window(where, attrs, "dilations", n, 1, 1);
        long[] pads = window(where, attrs, "pads", 2 * n, 0, 0);
        int groups = (int) integer(where, attrs, "group", 1, 1, MAX_WINDOW);
        String mode = autoPad(where, attrs, "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER");
        return in -> {
            Variable x = variable(in[0], where), w = variable(in[1], where), b = optional(in, 2, where);
            int[] size = spatialDims(x, n, "an input (N, C, spatial...)", where);
            int[] k = spatialDims(w, n, "a weight (M, C / group, kernel...)", where);
            kernelMatches(kernel, k, where);
            long[] p = switch (mode) {
                case "VALID" -> new long[2 * n];
                case "SAME_UPPER", "SAME_LOWER" -> samePads(size, k, strides, dilations, mode.equals("SAME_UPPER"));
                default -> pads;
            };
            Convolution.Options o = n == 1
                    ? new Convolution.Options(1, (int) strides[0], 0, 0, (int) p[0], (int) p[1], 1, (int) dilations[0],
                    groups)
                    : new Convolution.Options((int) strides[0], (int) strides[1], (int) p[0], (int) p[2], (int) p[1],
                    (int) p[3], (int) dilations[0], (int) dilations[1], groups);
            int oh = n == 1 ? 1 : o.outHeight(size[0], k[0]), ow = o.outWidth(size[n - 1], k[n - 1]);
            bounded((double) x.shape().dim(0) * w.shape().dim(0) * Math.max(oh, 0) * Math.max(ow, 0), where);
            return n == 1 ? x.conv1d(w, b, o) : x.conv2d(w, b, o);
        };
    }

    /** ONNX's SAME padding: the output is ceil(size / stride); the odd pad goes after (UPPER) or before (LOWER). */
    private static long[] samePads(int[] size, int[] kernel, long[] strides, long[] dilations, boolean upper) {
        int n = size.length;
        long[] p = new long[2 * n];
        for (int k = 0; k < n; k++) {
            long out = (size[k] + strides[k] - 1) / strides[k];
            long total = Math.max(0, (out - 1) * strides[k] + (kernel[k] - 1) * dilations[k] + 1 - size[k]);
            long small = total / 2, large = total - small;
            p[k] = upper ? small : large;
            p[k + n] = upper ? large : small;
        }
        return p;
    }

    private static OnnxOps.Step convTranspose(NodeProto node, String where, Map<String, AttributeProto> attrs,
                                              Map<String, Object> constants) throws OnnxFormatException {
        OnnxOps.arity(node, where, 2, 3);
        int n = spatial(where, attrs, constants.get(node.getInput(1)));
        if (n != 2) throw new OnnxFormatException("Onnx.load: " + where + " is a 1-D ConvTranspose; 2-D is supported");
        if (attrs.containsKey("output_shape")) {
            throw new OnnxFormatException("Onnx.load: " + where + " sets output_shape; give pads and output_padding");
        }
        autoPad(where, attrs, "NOTSET");
        long[] kernel = attrs.containsKey("kernel_shape") ? window(where, attrs, "kernel_shape", n, 1, 1) : null;
        long[] s = window(where, attrs, "strides", n, 1, 1);
        long[] d = window(where, attrs, "dilations", n, 1, 1);
        long[] p = window(where, attrs, "pads", 2 * n, 0, 0);
        long[] op = window(where, attrs, "output_padding", n, 0, 0);
        int groups = (int) integer(where, attrs, "group", 1, 1, MAX_WINDOW);
        Convolution.Options o;
        try {
            o = new Convolution.Options((int) s[0], (int) s[1], (int) p[0], (int) p[2], (int) p[1], (int) p[3],
                    (int) d[0], (int) d[1], groups);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException("Onnx.load: " + where + ": " + e.getMessage(), e);
        }
        return in -> {
            Variable x = variable(in[0], where), w = variable(in[1], where), b = optional(in, 2, where);
            int[] size = spatialDims(x, n, "an input (N, C, H, W)", where);
            int[] k = spatialDims(w, n, "a weight (C, M / group, kH, kW)", where);
            kernelMatches(kernel, k, where);
            long h = (size[0] - 1L) * s[0] - p[0] - p[2] + d[0] * (k[0] - 1) + op[0] + 1;
            long wd = (size[1] - 1L) * s[1] - p[1] - p[3] + d[1] * (k[1] - 1) + op[1] + 1;
            bounded((double) x.shape().dim(0) * w.shape().dim(1) * groups * Math.max(h, 0) * Math.max(wd, 0), where);
            return x.convTranspose2d(w, b, o, (int) op[0], (int) op[1]);
        };
    }

    private static OnnxOps.Step pool(NodeProto node, String where, Map<String, AttributeProto> attrs)
            throws OnnxFormatException {
        boolean max = node.getOpType().equals("MaxPool");
        OnnxOps.arity(node, where, 1, 1);
        if (!attrs.containsKey("kernel_shape")) throw new OnnxFormatException("Onnx.load: " + where + " lacks kernel_shape");
        int n = spatial(where, attrs, null);
        long[] k = window(where, attrs, "kernel_shape", n, 1, 1);
        long[] s = window(where, attrs, "strides", n, 1, 1);
        long[] d = window(where, attrs, "dilations", n, 1, 1);
        long[] p = window(where, attrs, "pads", 2 * n, 0, 0);
        if (autoPad(where, attrs, "NOTSET", "VALID").equals("VALID")) p = new long[2 * n];
        boolean ceil = integer(where, attrs, "ceil_mode", 0, 0, 1) == 1;
        boolean includePad = integer(where, attrs, "count_include_pad", 0, 0, 1) == 1;
        for (int a = 0; a < n; a++) {
            if (p[a] != p[a + n]) {
                throw new OnnxFormatException("Onnx.load: " + where + " pads " + Arrays.toString(p) + " differ before "
                        + "and after an axis; only symmetric pooling pads are supported");
            }
            if (!max && d[a] != 1) {
                throw new OnnxFormatException("Onnx.load: " + where + " has dilations " + Arrays.toString(d)
                        + "; AveragePool is supported without dilation");
            }
        }
        Pooling.Options o;
        try {
            o = n == 1 ? new Pooling.Options(1, (int) k[0], 1, (int) s[0], 0, (int) p[0], 1, (int) d[0], ceil)
                    : new Pooling.Options((int) k[0], (int) k[1], (int) s[0], (int) s[1], (int) p[0], (int) p[1],
                    (int) d[0], (int) d[1], ceil);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException("Onnx.load: " + where + ": " + e.getMessage(), e);
        }
        return in -> {
            Variable x = variable(in[0], where);
            int[] size = spatialDims(x, n, "an input (N, C, spatial...)", where);
            if (o.outHeight(n == 1 ? 1 : size[0]) < 1 || o.outWidth(size[n - 1]) < 1) {
                throw runtime(where, "kernel " + Arrays.toString(k) + " does not fit the padded input " + x.shape());
            }
            if (max) return n == 1 ? x.maxPool1d(o) : x.maxPool2d(o);
            if (n == 2) return x.avgPool2d(o, includePad);
            int[] dims = x.shape().dims();
            Variable y = x.reshape(dims[0], dims[1], 1, dims[2]).avgPool2d(o, includePad);
            return y.reshape(dims[0], dims[1], y.shape().dim(3));
        };
    }

    /** Inference batch normalisation: {@code (x - mean) / sqrt(var + eps) * scale + B} per channel (axis 1). */
    private static OnnxOps.Step batchNorm(NodeProto node, String where, Map<String, AttributeProto> attrs)
            throws OnnxFormatException {
        OnnxOps.arity(node, where, 5, 5);
        if (integer(where, attrs, "training_mode", 0, 0, 1) != 0 || node.getOutputCount() != 1) {
            throw new OnnxFormatException("Onnx.load: " + where + " is in training mode; inference only");
        }
        double eps = OnnxOps.f(attrs, "epsilon", 1e-5);
        return in -> {
            Variable x = variable(in[0], where);
            if (x.rank() < 2) throw runtime(where, "expected an input (N, C, ...), got " + x.shape());
            int[] c = new int[x.rank() - 1];
            Arrays.fill(c, 1);
            c[0] = x.shape().dim(1);
            Variable[] p = new Variable[4];
            for (int k = 0; k < 4; k++) {
                p[k] = variable(in[k + 1], where);
                if (p[k].rank() != 1 || p[k].shape().dim(0) != c[0]) {
                    throw runtime(where, "input " + (k + 1) + " has shape " + p[k].shape() + ", expected (" + c[0] + ")");
                }
                p[k] = p[k].reshape(c);
            }
            return x.sub(p[2]).div(p[3].add(eps).sqrt()).mul(p[0]).add(p[1]);
        };
    }

    /** Normalisation over the axes from {@code axis} on, with their mean and biased variance, then scale and bias. */
    private static OnnxOps.Step layerNorm(NodeProto node, String where, Map<String, AttributeProto> attrs)
            throws OnnxFormatException {
        OnnxOps.arity(node, where, 2, 3);
        long axis = integer(where, attrs, "axis", -1, -ModelReader.MAX_RANK, ModelReader.MAX_RANK);
        double eps = OnnxOps.f(attrs, "epsilon", 1e-5);
        return in -> {
            Variable x = variable(in[0], where), scale = variable(in[1], where), b = optional(in, 2, where);
            int a = (int) (axis < 0 ? axis + x.rank() : axis);
            if (a < 0 || a >= x.rank()) throw runtime(where, "axis " + axis + " for an input of rank " + x.rank());
            int[] axes = new int[x.rank() - a];
            for (int k = 0; k < axes.length; k++) axes[k] = a + k;
            Variable mean = x.mean(axes, true);
            Variable centered = x.sub(mean);
            Variable y = centered.div(centered.square().mean(axes, true).add(eps).sqrt()).mul(scale);
            return b == null ? y : y.add(b);
        };
    }
}
