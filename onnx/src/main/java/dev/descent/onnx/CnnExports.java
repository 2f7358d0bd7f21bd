package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Convolution;
import dev.descent.core.Pooling;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.layers.AdaptiveAvgPool2d;
import dev.descent.nn.layers.AvgPool2d;
import dev.descent.nn.layers.BatchNorm;
import dev.descent.nn.layers.Conv1d;
import dev.descent.nn.layers.Conv2d;
import dev.descent.nn.layers.ConvTranspose2d;
import dev.descent.nn.layers.GroupNorm;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.MaxPool1d;
import dev.descent.nn.layers.MaxPool2d;
import dev.descent.nn.layers.PaddingMode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.descent.onnx.GraphWriter.attr;
import static dev.descent.onnx.GraphWriter.ints;

/**
 * The ONNX form (opset 17) of the convolution, pooling and normalisation layers, whose options the autodiff graph
 * does not record: Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization and
 * LayerNormalization, and GroupNorm as its mean and variance (opset 17 has no GroupNormalization).
 *
 * <p>NOTE: padding is always written as explicit {@code pads} (PyTorch's {@code 'same'} resolved to its sizes,
 * the odd one after), so every engine computes the same output size. ONNX's {@code epsilon} is a float32 attribute:
 * in a float64 model a normalisation's eps is 1e-5 rounded to float32 (a relative change of 3e-9 in eps, below
 * 1e-13 in the output for unit variances).
 */
final class CnnExports {
    private CnnExports() {
    }

    /** Refuses a convolution that pads with its input's values: the exported Conv pads with zeros. */
    private static void zeroPadded(Exporter.Call call, PaddingMode mode) {
        if (mode != PaddingMode.ZEROS) {
            throw OpExports.unsupported(call, call.module().getClass().getSimpleName(), "padding_mode '"
                    + mode.torchName() + "' is not exported (only 'zeros')");
        }
    }

    /** The output of {@code call} exported as its layer, or {@code null} if it is none of these layers. */
    static String convert(Exporter.Call call, String x, GraphWriter g, Function<Variable, String> params) {
        Module m = call.module();
        String hint = call.hint();
        int rank = call.input().rank();
        if (m instanceof Conv1d c) zeroPadded(call, c.paddingMode());
        if (m instanceof Conv2d c) zeroPadded(call, c.paddingMode());
        if (m instanceof Conv1d c) {
            batched(call, 3);
            Convolution.Options o = c.options();
            return conv(g, "Conv", hint, x, c.weight(), c.bias(), params, new long[] {o.strideW()},
                    new long[] {o.padLeft(), o.padRight()}, new long[] {o.dilationW()}, o.groups(), null);
        }
        if (m instanceof Conv2d c) {
            batched(call, 4);
            return conv(g, "Conv", hint, x, c.weight(), c.bias(), params, strides(c.options()), pads(c.options()),
                    dilations(c.options()), c.options().groups(), null);
        }
        if (m instanceof ConvTranspose2d c) {
            batched(call, 4);
            int[] op = c.outputPadding();
            if (op[0] >= c.options().strideH() || op[1] >= c.options().strideW()) {
                // NOTE: ONNX Runtime 1.23.2 gives other values than PyTorch for an output padding of the stride or more
                throw OpExports.unsupported(call, "ConvTranspose2d", "output_padding " + java.util.Arrays.toString(op)
                        + " of at least the stride (" + c.options().strideH() + ", " + c.options().strideW()
                        + ") is not exported");
            }
            return conv(g, "ConvTranspose", hint, x, c.weight(), c.bias(), params, strides(c.options()),
                    pads(c.options()), dilations(c.options()), c.options().groups(), new long[] {op[0], op[1]});
        }
        if (m instanceof MaxPool1d p) {
            batched(call, 3);
            Pooling.Options o = p.options();
            return g.node("MaxPool", hint, List.of(x), ints("kernel_shape", o.kernelW()), ints("strides", o.strideW()),
                    ints("pads", o.padW(), o.padW()), ints("dilations", o.dilationW()),
                    attr("ceil_mode", o.ceilMode() ? 1L : 0L));
        }
        if (m instanceof MaxPool2d p) {
            batched(call, 4);
            Pooling.Options o = p.options();
            return g.node("MaxPool", hint, List.of(x), ints("kernel_shape", o.kernelH(), o.kernelW()),
                    ints("strides", o.strideH(), o.strideW()), ints("pads", o.padH(), o.padW(), o.padH(), o.padW()),
                    ints("dilations", o.dilationH(), o.dilationW()), attr("ceil_mode", o.ceilMode() ? 1L : 0L));
        }
        if (m instanceof AvgPool2d p) {
            batched(call, 4);
            if (p.divisorOverride() != null) {
                throw OpExports.unsupported(call, "AvgPool2d", "divisor_override " + p.divisorOverride()
                        + " is not exported (ONNX's AveragePool has none)");
            }
            Pooling.Options o = p.options();
            return g.node("AveragePool", hint, List.of(x), ints("kernel_shape", o.kernelH(), o.kernelW()),
                    ints("strides", o.strideH(), o.strideW()), ints("pads", o.padH(), o.padW(), o.padH(), o.padW()),
                    attr("ceil_mode", o.ceilMode() ? 1L : 0L), attr("count_include_pad", p.countIncludePad() ? 1L : 0L));
        }
        if (m instanceof AdaptiveAvgPool2d p) return adaptive(call, p, x, g, hint);
        if (m instanceof BatchNorm b) return batchNorm(call, b, x, g, hint, params);
        if (m instanceof LayerNorm l) return layerNorm(l, rank, x, g, hint, params);
        if (m instanceof GroupNorm n) return groupNorm(call, n, x, g, hint, params);
        return null;
    }

    /** LayerNormalization over the trailing {@code normalized_shape} axes of an input of rank {@code rank}. */
    static String layerNorm(LayerNorm l, int rank, String x, GraphWriter g, String hint,
                            Function<Variable, String> params) {
        int k = l.normalizedShape().length;
        String scale = l.weight() != null ? params.apply(l.weight())
                : g.initializer(hint + ".scale", ones(g, l.normalizedShape()));
        List<String> in = l.bias() != null ? List.of(x, scale, params.apply(l.bias())) : List.of(x, scale);
        return g.node("LayerNormalization", hint, in, attr("axis", (long) (rank - k)), attr("epsilon", l.eps()));
    }

    /** ONNX's convolution and pooling operators read {@code (N, C, spatial...)}: an unbatched input is refused. */
    private static void batched(Exporter.Call call, int rank) {
        if (call.input().rank() != rank) {
            throw OpExports.unsupported(call, call.module().getClass().getSimpleName(), "the exported form takes a "
                    + "batched input of rank " + rank + " (N, C, ...), got " + call.input().shape());
        }
    }

    private static long[] strides(Convolution.Options o) {
        return new long[] {o.strideH(), o.strideW()};
    }

    /** ONNX's order: the begins of (H, W), then their ends. */
    private static long[] pads(Convolution.Options o) {
        return new long[] {o.padTop(), o.padLeft(), o.padBottom(), o.padRight()};
    }

    private static long[] dilations(Convolution.Options o) {
        return new long[] {o.dilationH(), o.dilationW()};
    }

    private static String conv(GraphWriter g, String op, String hint, String x, Variable weight, Variable bias,
                               Function<Variable, String> params, long[] strides, long[] pads, long[] dilations,
                               int groups, long[] outputPadding) {
        int[] w = weight.shape().dims();
        long[] kernel = new long[w.length - 2];
        for (int i = 0; i < kernel.length; i++) kernel[i] = w[i + 2];
        List<String> in = new ArrayList<>(List.of(x, params.apply(weight)));
        if (bias != null) in.add(params.apply(bias));
        List<dev.descent.onnx.proto.OnnxProto.AttributeProto> a = new ArrayList<>(List.of(ints("kernel_shape", kernel),
                ints("strides", strides), ints("pads", pads), ints("dilations", dilations), attr("group", (long) groups)));
        if (outputPadding != null) a.add(ints("output_padding", outputPadding));
        return g.node(op, hint, in, a.toArray(new dev.descent.onnx.proto.OnnxProto.AttributeProto[0]));
    }

    /**
     * GlobalAveragePool for an output of 1 x 1; AveragePool when the traced input's size divides into the output
     * (PyTorch's cells are then equal windows); otherwise no ONNX form with fixed windows exists.
     */
    private static String adaptive(Exporter.Call call, AdaptiveAvgPool2d p, String x, GraphWriter g, String hint) {
        batched(call, 4);
        int[] out = p.outputSize();
        int h = call.input().shape().dim(2), w = call.input().shape().dim(3);
        if (out[0] == 1 && out[1] == 1) return g.node("GlobalAveragePool", hint, List.of(x));
        if (h % out[0] != 0 || w % out[1] != 0) {
            throw OpExports.unsupported(call, "AdaptiveAvgPool2d", "output size (" + out[0] + ", " + out[1]
                    + ") does not divide the input's (" + h + ", " + w + "), so its windows differ in size; ONNX "
                    + "has no adaptive pooling other than GlobalAveragePool (output 1 x 1)");
        }
        int kh = h / out[0], kw = w / out[1];
        return g.node("AveragePool", hint, List.of(x), ints("kernel_shape", kh, kw), ints("strides", kh, kw));
    }

    private static String batchNorm(Exporter.Call call, BatchNorm b, String x, GraphWriter g, String hint,
                                    Function<Variable, String> params) {
        int c = call.input().shape().dim(1);
        if (b.runningMean() == null) {
            // eval without running statistics normalises with the batch's own: over every axis but the channels
            int[] axes = new int[call.input().rank() - 1];
            for (int i = 0, a = 0; i < call.input().rank(); i++) if (i != 1) axes[a++] = i;
            String z = normalize(g, x, axes, b.eps(), hint);
            return b.weight() == null ? z : affine(g, z, b.weight(), b.bias(), call.input().rank(), hint, params);
        }
        String scale = b.weight() != null ? params.apply(b.weight()) : g.initializer(hint + ".weight", ones(g, c));
        String shift = b.bias() != null ? params.apply(b.bias())
                : g.initializer(hint + ".bias", Tensor.on(Backends.get(), g.dtype).zeros(c));
        String mean = g.initializer(hint + ".running_mean", b.runningMean().to(g.dtype));
        String var = g.initializer(hint + ".running_var", b.runningVar().to(g.dtype));
        return g.node("BatchNormalization", hint, List.of(x, scale, shift, mean, var), attr("epsilon", b.eps()));
    }

    private static String groupNorm(Exporter.Call call, GroupNorm n, String x, GraphWriter g, String hint,
                                    Function<Variable, String> params) {
        int[] dims = call.input().shape().dims();
        String grouped = g.node("Reshape", hint + ".grouped", List.of(x,
                g.int64s(hint + ".groups_shape", 0, n.numGroups(), -1)));
        String z = normalize(g, grouped, new int[] {2}, n.eps(), hint + ".normalized");
        long[] back = new long[dims.length];
        for (int i = 1; i < dims.length; i++) back[i] = dims[i];
        String y = g.node("Reshape", hint + ".ungrouped", List.of(z, g.int64s(hint + ".shape", back)));
        return n.weight() == null ? y : affine(g, y, n.weight(), n.bias(), dims.length, hint, params);
    }

    /** {@code (x - mean) / sqrt(var + eps)} over {@code axes}, mean and biased variance kept, as Descent computes it. */
    private static String normalize(GraphWriter g, String x, int[] axes, double eps, String hint) {
        long[] a = new long[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = axes[i];
        String mean = g.node("ReduceMean", hint + ".mean", List.of(x), ints("axes", a), attr("keepdims", 1L));
        String centered = g.node("Sub", hint + ".centered", List.of(x, mean));
        String variance = g.node("ReduceMean", hint + ".variance",
                List.of(g.node("Mul", hint + ".squared", List.of(centered, centered))), ints("axes", a),
                attr("keepdims", 1L));
        String std = g.node("Sqrt", hint + ".std", List.of(g.node("Add", hint + ".variance_eps",
                List.of(variance, g.scalar(hint + ".eps", eps)))));
        return g.node("Div", hint, List.of(centered, std));
    }

    /** {@code y * weight + bias} with the per-channel parameters reshaped to {@code (C, 1, ...)} against axis 1. */
    private static String affine(GraphWriter g, String y, Variable weight, Variable bias, int rank, String hint,
                                 Function<Variable, String> params) {
        long[] c = new long[rank - 1];
        java.util.Arrays.fill(c, 1);
        c[0] = -1;
        String shape = g.int64s(hint + ".channel_shape", c);
        String w = g.node("Reshape", hint + ".channel_weight", List.of(params.apply(weight), shape));
        String b = g.node("Reshape", hint + ".channel_bias", List.of(params.apply(bias), shape));
        return g.node("Add", hint, List.of(g.node("Mul", hint + ".scaled", List.of(y, w)), b));
    }

    private static Tensor ones(GraphWriter g, int... dims) {
        return Tensor.on(Backends.get(), g.dtype).ones(dims);
    }
}
