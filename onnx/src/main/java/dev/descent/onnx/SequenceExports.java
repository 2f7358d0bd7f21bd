package dev.descent.onnx;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.recurrent.GRU;
import dev.descent.nn.recurrent.LSTM;
import dev.descent.nn.recurrent.RNN;
import dev.descent.nn.recurrent.RecurrentLayer;
import dev.descent.nn.recurrent.RecurrentOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.descent.onnx.GraphWriter.attr;
import static dev.descent.onnx.GraphWriter.ints;

/**
 * The ONNX form of Embedding (Gather of the table's rows by the integer input) and of RNN, LSTM and GRU (one
 * ONNX RNN, LSTM or GRU node per layer, both directions in one node when bidirectional).
 *
 * <p>NOTE: ONNX stacks the LSTM's gates (i, o, f, c) and the GRU's (z, r, h), Descent and PyTorch (i, f, g, o) and
 * (r, z, n); the weights' row blocks are reordered here. PyTorch's GRU applies the reset gate after the recurrent
 * product ({@code n = tanh(W_in x + b_in + r (W_hn h + b_hn))}), which is ONNX's {@code linear_before_reset = 1}.
 * The plain RNN has one block; its ReLU form is ONNX's {@code activations = ["Relu"]} (one per direction), its tanh
 * form the default. The ONNX nodes take {@code (T, B, F)}; a {@code batch_first} layer is written between two Transposes. The initial
 * states are the ONNX default, zeros, as for {@code forward(input)}.
 */
final class SequenceExports {
    /** PyTorch's LSTM blocks (i, f, g, o) in ONNX's order (i, o, f, c). */
    static final int[] LSTM_TO_ONNX = {0, 3, 1, 2};
    /** PyTorch's GRU blocks (r, z, n) in ONNX's order (z, r, h). */
    static final int[] GRU_TO_ONNX = {1, 0, 2};

    private SequenceExports() {
    }

    static String convert(Exporter.Call call, String x, GraphWriter g, Function<Variable, String> params) {
        Module m = call.module();
        String hint = call.hint();
        if (m instanceof Embedding e) {
            String table = m.namedParameters().isEmpty() ? g.initializer(hint + ".weight", e.weight().value())
                    : params.apply(e.weight());
            return g.node("Gather", hint, List.of(table, x));
        }
        if (m instanceof RecurrentLayer r) return recurrent(call, r, x, g, hint);
        return null;
    }

    private static String recurrent(Exporter.Call call, RecurrentLayer r, String x, GraphWriter g, String hint) {
        RecurrentOptions o = r.options();
        boolean lstm = r instanceof LSTM, gru = r instanceof GRU;
        if (call.input().rank() != 3) {
            throw OpExports.unsupported(call, r.getClass().getSimpleName(), "the exported form takes a batched "
                    + "input of rank 3, got " + call.input().shape());
        }
        int h = o.hiddenSize(), d = o.directions();
        int[] order = lstm ? LSTM_TO_ONNX : gru ? GRU_TO_ONNX : new int[] {0};
        Map<String, Variable> p = r.namedParameters();
        String y = o.batchFirst() ? g.node("Transpose", hint + ".time_major", List.of(x), ints("perm", 1, 0, 2)) : x;
        for (int l = 0; l < o.numLayers(); l++) {
            List<Tensor> w = new ArrayList<>(), rr = new ArrayList<>(), b = new ArrayList<>();
            for (int dir = 0; dir < d; dir++) {
                String s = "_l" + l + (dir == 1 ? "_reverse" : "");
                w.add(blocks(p.get("weight_ih" + s).value(), order, h));
                rr.add(blocks(p.get("weight_hh" + s).value(), order, h));
                if (o.bias()) {
                    b.add(Tensor.concat(0, blocks(p.get("bias_ih" + s).value(), order, h),
                            blocks(p.get("bias_hh" + s).value(), order, h)));
                }
            }
            String layer = hint + ".l" + l;
            List<String> in = new ArrayList<>(List.of(y, g.initializer(layer + ".W", Tensor.stack(0, w)),
                    g.initializer(layer + ".R", Tensor.stack(0, rr))));
            if (o.bias()) in.add(g.initializer(layer + ".B", Tensor.stack(0, b)));
            var direction = GraphWriter.attr("direction", d == 2 ? "bidirectional" : "forward");
            var hidden = attr("hidden_size", (long) h);
            String out = lstm ? g.node("LSTM", layer + ".Y", in, hidden, direction)
                    : gru ? g.node("GRU", layer + ".Y", in, hidden, direction, attr("linear_before_reset", 1L))
                    : ((RNN) r).nonlinearity() == RNN.Nonlinearity.TANH ? g.node("RNN", layer + ".Y", in, hidden, direction)
                    : g.node("RNN", layer + ".Y", in, hidden, direction, GraphWriter.strings("activations",
                            java.util.Collections.nCopies(d, "Relu")));
            // Y (T, D, B, H) -> (T, B, D H), the directions side by side as Descent concatenates them
            String batchMajor = g.node("Transpose", layer + ".directions_last", List.of(out), ints("perm", 0, 2, 1, 3));
            y = g.node("Reshape", layer, List.of(batchMajor, g.int64s(layer + ".shape", 0, 0, -1)));
        }
        return o.batchFirst() ? g.node("Transpose", hint, List.of(y), ints("perm", 1, 0, 2)) : y;
    }

    /** The row blocks of {@code v} (each {@code h} rows) in the order {@code order}. */
    private static Tensor blocks(Tensor v, int[] order, int h) {
        Tensor[] parts = new Tensor[order.length];
        for (int k = 0; k < order.length; k++) parts[k] = v.slice(0, order[k] * h, (order[k] + 1) * h);
        return Tensor.concat(0, parts);
    }
}
