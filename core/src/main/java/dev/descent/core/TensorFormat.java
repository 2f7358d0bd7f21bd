package dev.descent.core;

import java.util.Locale;

/**
 * NumPy/PyTorch-style text for tensors: nested brackets, rows aligned, values in a common format (integers as
 * {@code 1.}, decimals with 4 places, scientific notation for very large or small magnitudes), at most 6 values
 * per axis shown around an ellipsis once a tensor has more than 1000 elements.
 */
final class TensorFormat {
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE = 3;

    private TensorFormat() {
    }

    static String format(Tensor t) {
        double[] v = t.toDoubleArray();
        boolean summarise = t.size() > SUMMARY_THRESHOLD;
        String style = style(t.dtype(), v);
        int width = width(v, style);
        StringBuilder sb = new StringBuilder("tensor(");
        int[] dims = t.shape().dims();
        if (dims.length == 0) {
            sb.append(number(v[0], style, 0));
        } else if (t.size() == 0) {
            sb.append("[]");
        } else {
            append(sb, v, dims, t.shape().strides(), 0, 0, summarise, style, width, "tensor(".length());
        }
        if (t.size() == 0 && dims.length != 1) sb.append(", shape=").append(t.shape());
        if (t.dtype() != DType.FLOAT32) sb.append(", dtype=").append(t.dtype());
        return sb.append(')').toString();
    }

    private static void append(StringBuilder sb, double[] v, int[] dims, int[] strides, int depth, int offset,
                               boolean summarise, String style, int width, int indent) {
        sb.append('[');
        int n = dims[depth];
        boolean cut = summarise && n > 2 * EDGE;
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                sb.append(depth == dims.length - 1 ? "..., " : "...,\n" + " ".repeat(indent + depth + 1));
                i = n - EDGE;
            }
            if (depth == dims.length - 1) {
                sb.append(number(v[offset + i * strides[depth]], style, width));
            } else {
                append(sb, v, dims, strides, depth + 1, offset + i * strides[depth], summarise, style, width, indent);
            }
            if (i < n - 1) {
                sb.append(depth == dims.length - 1 ? ", "
                        : ",\n".repeat(dims.length - 1 - depth) + " ".repeat(indent + depth + 1));
            }
        }
        sb.append(']');
    }

    /** One format for all elements: "int", "whole" (1.), "fixed" (1.2346) or "sci" (1.2346e+05). */
    private static String style(DType dtype, double[] v) {
        if (dtype == DType.INT32) return "int";
        boolean whole = true;
        double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
        for (double x : v) {
            if (!Double.isFinite(x)) continue;
            whole &= x == Math.rint(x);
            double a = Math.abs(x);
            maxAbs = Math.max(maxAbs, a);
            if (a > 0) minAbs = Math.min(minAbs, a);
        }
        if (maxAbs >= 1e8 || (minAbs < 1e-4 && !whole) || (maxAbs / minAbs > 1e3 && !whole && minAbs < 1e-2)) {
            return "sci";
        }
        return whole ? "whole" : "fixed";
    }

    /** The widest formatted element: the largest positive or most negative value, or a non-finite one. */
    private static int width(double[] v, String style) {
        double lo = 0, hi = 0;
        int width = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            } else {
                width = Math.max(width, number(x, style, 0).length());
            }
        }
        return Math.max(width, Math.max(number(lo, style, 0).length(), number(hi, style, 0).length()));
    }

    private static String number(double x, String style, int width) {
        String s = format(x, style);
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String format(double x, String style) {
        if (Double.isNaN(x)) return "nan";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        return switch (style) {
            case "int" -> Long.toString((long) x);
            case "whole" -> String.format(Locale.ROOT, "%.0f.", x);
            case "sci" -> String.format(Locale.ROOT, "%.4e", x);
            default -> String.format(Locale.ROOT, "%.4f", x);
        };
    }
}
