package dev.descent.nn.recurrent;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.GoldenCases;
import dev.descent.core.testing.GoldenCases.Case;
import dev.descent.core.testing.WorstError;
import dev.descent.nn.Module;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RNN (tanh and ReLU), LSTM and GRU layers and their cells against PyTorch in float64, on every backend: 2 layers,
 * bidirectional, 7 time steps, batch_first both ways, given initial states, no bias, unbatched input, and padded
 * batches of unsorted lengths (PyTorch's packed sequences). For each case the output, h_n and c_n, and the gradients
 * of {@code sum(y * w)} with respect to the input, the initial states and every parameter, each within
 * {@code 1e-10 * max(1, |ref|)}. Written offline by {@code src/test/python/generate_rnn_goldens.py}; the parameters
 * come from it, in PyTorch's state-dict order.
 */
class RecurrentGoldenTest {
    private static final double TOL = 1e-10;
    private static final int F = 4, H = 5;
    private static final WorstError WORST = new WorstError("Recurrent goldens", TOL);

    private record Spec(Function<TensorFactory, Module> make, int states) {
    }

    private static final Map<String, Spec> CASES = new HashMap<>();

    static {
        Rng r = new Rng(0);
        Map<String, CellKind> kinds = Map.of("rnn_tanh", CellKind.RNN_TANH, "rnn_relu", CellKind.RNN_RELU,
                "lstm", CellKind.LSTM, "gru", CellKind.GRU);
        RecurrentOptions base = RecurrentOptions.of(F, H);
        Map<String, RecurrentOptions> variants = Map.of(
                "_2layers_bidirectional", base.withNumLayers(2).withBidirectional(true),
                "_2layers_bidirectional_batch_first", base.withNumLayers(2).withBidirectional(true).withBatchFirst(true),
                "_1layer", base,
                "_2layers_no_bias", base.withNumLayers(2).withBias(false),
                "_packed_2layers_bidirectional", base.withNumLayers(2).withBidirectional(true),
                "_packed_batch_first_bidirectional", base.withBidirectional(true).withBatchFirst(true),
                "_unbatched_bidirectional", base.withNumLayers(2).withBidirectional(true));
        kinds.forEach((k, kind) -> variants.forEach((v, o) ->
                CASES.put(k + v, new Spec(f -> layer(kind, f, o, r), kind.hasCell() ? 2 : 1))));
        CASES.put("rnn_cell_tanh", new Spec(f -> new RNNCell(f, F, H, true, RNN.Nonlinearity.TANH, r), 1));
        CASES.put("rnn_cell_relu", new Spec(f -> new RNNCell(f, F, H, true, RNN.Nonlinearity.RELU, r), 1));
        CASES.put("rnn_cell_no_bias_single", new Spec(f -> new RNNCell(f, F, H, false, RNN.Nonlinearity.TANH, r), 1));
        CASES.put("lstm_cell", new Spec(f -> new LSTMCell(f, F, H, true, r), 2));
        CASES.put("lstm_cell_single", new Spec(f -> new LSTMCell(f, F, H, true, r), 2));
        CASES.put("gru_cell", new Spec(f -> new GRUCell(f, F, H, true, r), 1));
        CASES.put("gru_cell_no_bias_single", new Spec(f -> new GRUCell(f, F, H, false, r), 1));
    }

    static RecurrentLayer layer(CellKind kind, TensorFactory f, RecurrentOptions o, Rng r) {
        return switch (kind) {
            case RNN_TANH -> new RNN(f, o, RNN.Nonlinearity.TANH, r);
            case RNN_RELU -> new RNN(f, o, RNN.Nonlinearity.RELU, r);
            case LSTM -> new LSTM(f, o, r);
            case GRU -> new GRU(f, o, r);
        };
    }

    private static final String FILE = "/goldens/recurrent.txt";

    @Test
    void everyGoldenCaseHasALayerAndViceVersa() throws IOException {
        assertEquals(new TreeSet<>(CASES.keySet()), GoldenCases.names(RecurrentGoldenTest.class, FILE));
    }

    @TestFactory
    List<DynamicTest> matchesPyTorch() throws IOException {
        return GoldenCases.perBackend(RecurrentGoldenTest.class, FILE, RecurrentGoldenTest::check);
    }

    private static void check(Case c, Backend backend) {
        Spec spec = CASES.get(c.name());
        Module m = spec.make().apply(Tensor.on(backend, DType.FLOAT64));
        List<Variable> params = m.parameters();
        int first = 1 + spec.states();
        try (NoGrad scope = NoGrad.enter()) {
            for (int i = 0; i < params.size(); i++) InPlace.copy(c.inputs().get(first + i), params.get(i).value());
        }
        int[] lengths = c.kinds().get(c.kinds().size() - 1).equals("index")
                ? c.inputs().get(c.inputs().size() - 1).toIntArray() : null;
        List<Variable> in = new ArrayList<>();
        for (int i = 0; i < first; i++) in.add(Variable.parameter(c.inputs().get(i)));
        Variable h0 = in.get(1), c0 = spec.states() == 2 ? in.get(2) : null;
        List<Variable> ys = new ArrayList<>();
        if (m instanceof RecurrentLayer layer) {
            RecurrentOutput r = layer.forward(in.get(0), h0, c0, lengths);
            ys.add(r.output());
            ys.add(r.h());
            if (r.c() != null) ys.add(r.c());
        } else {
            CellKind.Scan s = ((RecurrentCell) m).step(in.get(0), h0, c0);
            ys.add(s.h());
            if (s.c() != null) ys.add(s.c());
        }
        Variable y = Variable.concat(0, ys.stream().map(Variable::flatten).toArray(Variable[]::new));
        compare(c.name() + " output", c.output(), y.value());
        y.mul(Variable.constant(c.weight())).sum().backward();
        for (var e : c.grads().entrySet()) {
            int i = e.getKey();
            Tensor grad = i < first ? in.get(i).grad() : params.get(i - first).grad();
            compare(c.name() + " grad of input " + i, e.getValue(), grad);
        }
    }

    private static void compare(String what, Tensor expected, Tensor actual) {
        WORST.compare(what, expected, actual);
    }

    @AfterAll
    static void report() {
        WORST.report();
    }
}
