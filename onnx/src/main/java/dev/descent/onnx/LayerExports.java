package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ELU;
import dev.descent.nn.activations.GELU;
import dev.descent.nn.activations.LeakyReLU;
import dev.descent.nn.activations.LogSoftmax;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Softmax;
import dev.descent.nn.activations.Softplus;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Flatten;
import dev.descent.core.DType;

import java.util.List;
import java.util.function.Function;

import static dev.descent.onnx.GraphWriter.attr;

/**
 * The ONNX form of the layers whose configuration the autodiff graph does not record (an activation's slope or
 * axis) or whose recorded form is a composite (softmax, GELU). Opset 17 throughout.
 *
 * <p>NOTE: float attributes are float32 in ONNX, so in a float64 model LeakyReLU and ELU are written with their
 * constants as float64 initialisers (Where, Greater, Mul, Exp) instead of LeakyRelu/Elu with a float32 alpha, which
 * would be 2e-8 off. Softplus is ONNX's {@code log(1 + exp(x))} without PyTorch's threshold at 20, where the two
 * differ by less than {@code exp(-20) = 2.1e-9} absolute (1e-10 relative). ONNX Runtime implements neither Softplus
 * nor Erf in float64: a float64 Softplus is written as {@code x > 20 ? x : Log(1 + Exp(x))} (PyTorch's threshold
 * included), which it runs; a float64 exact GELU keeps Erf, a valid ONNX model that ONNX Runtime 1.23 refuses.
 */
final class LayerExports {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

    private LayerExports() {
    }

    /** The output name of {@code call} exported as its layer, or {@code null} if it is not one of these layers. */
    static String convert(Exporter.Call call, String x, GraphWriter g, Function<Variable, String> params) {
        Module m = call.module();
        String hint = call.hint();
        boolean f64 = g.dtype == DType.FLOAT64;
        if (m instanceof ReLU) return g.node("Relu", hint, List.of(x));
        if (m instanceof Tanh) return g.node("Tanh", hint, List.of(x));
        if (m instanceof Sigmoid) return g.node("Sigmoid", hint, List.of(x));
        if (m instanceof Softplus) return softplus(g, x, hint);
        if (m instanceof Softmax s) return g.node("Softmax", hint, List.of(x), attr("axis", (long) s.axis()));
        if (m instanceof LogSoftmax s) return g.node("LogSoftmax", hint, List.of(x), attr("axis", (long) s.axis()));
        if (m instanceof Flatten) return g.node("Flatten", hint, List.of(x), attr("axis", 1L));
        if (m instanceof LeakyReLU l) {
            if (!f64) return g.node("LeakyRelu", hint, List.of(x), attr("alpha", l.slope()));
            String scaled = g.node("Mul", hint + ".neg", List.of(x, g.scalar(hint + ".slope", l.slope())));
            return positive(g, x, scaled, hint);
        }
        if (m instanceof ELU e) {
            if (!f64) return g.node("Elu", hint, List.of(x), attr("alpha", e.alpha()));
            String em1 = g.node("Sub", hint + ".expm1", List.of(g.node("Exp", hint + ".exp", List.of(x)),
                    g.scalar(hint + ".one", 1)));
            String scaled = g.node("Mul", hint + ".neg", List.of(em1, g.scalar(hint + ".alpha", e.alpha())));
            return positive(g, x, scaled, hint);
        }
        if (m instanceof GELU gelu) return gelu.tanhApproximation() ? geluTanh(g, x, hint) : gelu(g, x, hint);
        String spatial = CnnExports.convert(call, x, g, params);
        if (spatial != null) return spatial;
        String attention = AttentionExports.convert(call, x, g, params);
        return attention != null ? attention : SequenceExports.convert(call, x, g, params);
    }

    /** Softplus; in float64 as {@code x > 20 ? x : log(1 + exp(x))}, which ONNX Runtime runs in double. */
    static String softplus(GraphWriter g, String x, String hint) {
        if (g.dtype != DType.FLOAT64) return g.node("Softplus", hint, List.of(x));
        String log = g.node("Log", hint + ".log", List.of(g.node("Add", hint + ".one_plus",
                List.of(g.node("Exp", hint + ".exp", List.of(x)), g.scalar(hint + ".one", 1)))));
        String large = g.node("Greater", hint + ".large", List.of(x, g.scalar(hint + ".threshold", 20)));
        return g.node("Where", hint, List.of(large, x, log));
    }

    /** {@code x > 0 ? x : negative}. */
    private static String positive(GraphWriter g, String x, String negative, String hint) {
        String isPositive = g.node("Greater", hint + ".positive", List.of(x, g.scalar(hint + ".zero", 0)));
        return g.node("Where", hint, List.of(isPositive, x, negative));
    }

    /** {@code x (1 + erf(x / sqrt 2)) / 2}, the operations of Descent's exact GELU (opset 17 has no Gelu). */
    static String gelu(GraphWriter g, String x, String hint) {
        String erf = g.node("Erf", hint + ".erf", List.of(g.node("Mul", hint + ".scaled",
                List.of(x, g.scalar(hint + ".sqrt_half", SQRT_HALF)))));
        String onePlus = g.node("Add", hint + ".one_plus", List.of(erf, g.scalar(hint + ".one", 1)));
        String prod = g.node("Mul", hint + ".prod", List.of(x, onePlus));
        return g.node("Mul", hint, List.of(prod, g.scalar(hint + ".half", 0.5)));
    }

    /** {@code x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2}, as Descent computes it. */
    private static String geluTanh(GraphWriter g, String x, String hint) {
        String cube = g.node("Pow", hint + ".cube", List.of(x, g.scalar(hint + ".three", 3)));
        String inner = g.node("Add", hint + ".inner", List.of(x, g.node("Mul", hint + ".cubic",
                List.of(cube, g.scalar(hint + ".coefficient", 0.044715)))));
        String t = g.node("Tanh", hint + ".tanh", List.of(g.node("Mul", hint + ".scaled",
                List.of(inner, g.scalar(hint + ".sqrt_two_over_pi", SQRT_TWO_OVER_PI)))));
        String onePlus = g.node("Add", hint + ".one_plus", List.of(t, g.scalar(hint + ".one", 1)));
        String prod = g.node("Mul", hint + ".prod", List.of(x, onePlus));
        return g.node("Mul", hint, List.of(prod, g.scalar(hint + ".half", 0.5)));
    }
}
