package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.descent.onnx.GraphWriter.attr;
import static dev.descent.onnx.GraphWriter.ints;

/**
 * The ONNX form of each primitive the autodiff graph records, for modules exported as their operations.
 *
 * <p>The graph records an operation's name and inputs, not its arguments; where ONNX needs one (matmul's transpose
 * flags, a reduction's axes, a permutation) the export finds it by replaying the candidates on the recorded inputs
 * and keeping the one that reproduces the recorded output exactly. Operations whose argument cannot be recovered
 * that way (leakyRelu's slope, elu's alpha, clamp's bounds, pow by a number) are exported through their modules
 * ({@code LeakyReLU}, {@code ELU}) or not at all.
 */
final class OpExports {
    /** Operations with one ONNX operator of the same arity and no attribute. */
    private static final Map<String, String> DIRECT = Map.ofEntries(
            Map.entry("add", "Add"), Map.entry("sub", "Sub"), Map.entry("mul", "Mul"), Map.entry("div", "Div"),
            Map.entry("neg", "Neg"), Map.entry("exp", "Exp"), Map.entry("log", "Log"), Map.entry("sqrt", "Sqrt"),
            Map.entry("abs", "Abs"), Map.entry("reciprocal", "Reciprocal"), Map.entry("sin", "Sin"),
            Map.entry("cos", "Cos"), Map.entry("tanh", "Tanh"), Map.entry("sigmoid", "Sigmoid"),
            Map.entry("erf", "Erf"), Map.entry("relu", "Relu"),
            Map.entry("maximum", "Max"), Map.entry("minimum", "Min"));

    /** Every recorded operation the export supports, for messages and the documentation. */
    static final List<String> SUPPORTED = supported();

    private OpExports() {
    }

    private static List<String> supported() {
        List<String> all = new ArrayList<>(DIRECT.keySet());
        all.addAll(List.of("softplus", "square", "pow", "matmul", "linear", "reshape", "permute", "sum", "max", "min"));
        all.sort(null);
        return List.copyOf(all);
    }

    static String emit(Exporter.Call region, Variable v, List<String> in, GraphWriter g) {
        String op = v.op();
        String hint = op;
        String direct = DIRECT.get(op);
        if (direct != null) return g.node(direct, hint, in);
        List<Variable> args = v.inputs();
        switch (op) {
            case "softplus":
                return LayerExports.softplus(g, in.get(0), hint);
            case "square":
                return g.node("Mul", hint, List.of(in.get(0), in.get(0)));
            case "pow":
                if (args.size() == 2) return g.node("Pow", hint, in);
                break;
            case "linear":
                return g.node("Gemm", hint, in);
            case "matmul":
                return matmul(region, v, in, g);
            case "reshape":
                return reshape(region, v, in, g);
            case "permute":
                return permute(region, v, in, g);
            case "sum":
            case "max":
            case "min":
                return reduce(region, v, in, g);
            default:
                break;
        }
        throw unsupported(region, op, reason(op));
    }

    private static String reason(String op) {
        return switch (op) {
            case "leakyRelu" -> "its slope is not recorded in the graph; use the LeakyReLU module";
            case "elu" -> "its alpha is not recorded in the graph; use the ELU module";
            case "pow" -> "a power by a number is not recorded with its exponent; use pow(Variable) or mul";
            default -> "supported operations: " + String.join(", ", SUPPORTED)
                    + ", and the layers Linear, Flatten, Dropout, Identity, Sequential and the activation modules";
        };
    }

    static OnnxExportException unsupported(Exporter.Call region, String op, String why) {
        return new OnnxExportException("Onnx.export: operation '" + op + "' in module '"
                + Exporter.display(region.path()) + "' (" + region.module().getClass().getSimpleName()
                + ") has no ONNX export: " + why);
    }

    private static String matmul(Exporter.Call region, Variable v, List<String> in, GraphWriter g) {
        Tensor a = v.inputs().get(0).value(), b = v.inputs().get(1).value();
        for (int flags = 0; flags < 4; flags++) {
            boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
            if ((ta && a.rank() < 2) || (tb && b.rank() < 2)) continue;
            if (!reproduces(() -> a.matmul(b, ta, tb), v.value())) continue;
            String left = ta ? transposeLastTwo(g, in.get(0), a.rank()) : in.get(0);
            String right = tb ? transposeLastTwo(g, in.get(1), b.rank()) : in.get(1);
            return g.node("MatMul", "matmul", List.of(left, right));
        }
        throw unsupported(region, "matmul", "its transposes could not be recovered from the recorded values");
    }

    private static String transposeLastTwo(GraphWriter g, String x, int rank) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) perm[i] = i;
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return g.node("Transpose", "transposed", List.of(x), ints("perm", perm));
    }

    /** A reshape that keeps the batch axis: ONNX's 0 copies it, so the model takes any batch size. */
    private static String reshape(Exporter.Call region, Variable v, List<String> in, GraphWriter g) {
        int[] from = v.inputs().get(0).shape().dims(), to = v.shape().dims();
        if (from.length == 0 || to.length == 0 || from[0] != to[0]) {
            throw unsupported(region, "reshape", "only reshapes that keep the leading (batch) axis are exported, "
                    + "got " + v.inputs().get(0).shape() + " to " + v.shape());
        }
        long[] shape = new long[to.length];
        for (int i = 1; i < to.length; i++) shape[i] = to[i];
        return g.node("Reshape", "reshape", List.of(in.get(0), g.int64s("shape", shape)));
    }

    private static String permute(Exporter.Call region, Variable v, List<String> in, GraphWriter g) {
        Tensor x = v.inputs().get(0).value();
        int rank = x.rank();
        if (rank > 6) throw unsupported(region, "permute", "rank " + rank + " is above the exported 6");
        for (int[] perm : permutations(rank)) {
            if (!reproduces(() -> x.permute(perm), v.value())) continue;
            long[] p = new long[rank];
            for (int i = 0; i < rank; i++) p[i] = perm[i];
            return g.node("Transpose", "permute", List.of(in.get(0)), ints("perm", p));
        }
        throw unsupported(region, "permute", "its axes could not be recovered from the recorded values");
    }

    private static String reduce(Exporter.Call region, Variable v, List<String> in, GraphWriter g) {
        String op = v.op();
        Tensor x = v.inputs().get(0).value();
        int rank = x.rank();
        if (rank > 8) throw unsupported(region, op, "rank " + rank + " is above the exported 8");
        for (int keep = 0; keep < 2; keep++) {
            boolean keepDims = keep == 1;
            for (int mask = 1; mask < (1 << rank); mask++) {
                int[] axes = axes(mask, rank);
                if (!reduced(x.shape().dims(), axes, keepDims, v.shape().dims())) continue;
                if (!reproduces(() -> switch (op) {
                    case "sum" -> x.sum(axes, keepDims);
                    case "max" -> x.max(axes, keepDims);
                    default -> x.min(axes, keepDims);
                }, v.value())) continue;
                long[] a = new long[axes.length];
                for (int i = 0; i < axes.length; i++) a[i] = axes[i];
                if (op.equals("sum")) {
                    return g.node("ReduceSum", "sum", List.of(in.get(0), g.int64s("axes", a)),
                            attr("keepdims", keepDims ? 1L : 0L));
                }
                return g.node(op.equals("max") ? "ReduceMax" : "ReduceMin", op, List.of(in.get(0)),
                        ints("axes", a), attr("keepdims", keepDims ? 1L : 0L));
            }
        }
        if (rank == 0) return g.node("Identity", op, List.of(in.get(0)));
        throw unsupported(region, op, "its axes could not be recovered from the recorded values");
    }

    private static boolean reduced(int[] from, int[] axes, boolean keepDims, int[] to) {
        boolean[] gone = new boolean[from.length];
        for (int a : axes) gone[a] = true;
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < from.length; i++) {
            if (!gone[i]) dims.add(from[i]);
            else if (keepDims) dims.add(1);
        }
        if (dims.size() != to.length) return false;
        for (int i = 0; i < to.length; i++) if (dims.get(i) != to[i]) return false;
        return true;
    }

    private static int[] axes(int mask, int rank) {
        int[] a = new int[Integer.bitCount(mask)];
        int n = 0;
        for (int i = 0; i < rank; i++) if ((mask & (1 << i)) != 0) a[n++] = i;
        return a;
    }

    private static boolean reproduces(java.util.function.Supplier<Tensor> candidate, Tensor recorded) {
        try {
            Tensor t = candidate.get();
            return t.shape().equals(recorded.shape()) && t.equal(recorded);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int k, List<int[]> out) {
        if (k == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            if (used[i]) continue;
            used[i] = true;
            cur[k] = i;
            permute(cur, used, k + 1, out);
            used[i] = false;
        }
    }
}
