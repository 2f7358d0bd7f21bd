package dev.descent.nn.recurrent;

import dev.descent.autodiff.Grad;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.autodiff.check.GradCheckReport;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.TestBackends;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recurrent layers beyond the PyTorch goldens: a padded batch with lengths equals each sequence run alone, in
 * outputs and gradients; gradient checks over random geometries; a 1,000-step backward on a small stack; PyTorch
 * weights loaded from safetensors; names, initialisation, dropout, cells against layers; bad input.
 */
class RecurrentLayersTest {
    private static final CellKind[] KINDS = CellKind.values();

    private static RecurrentLayer layer(CellKind kind, TensorFactory f, RecurrentOptions o, long seed) {
        return RecurrentGoldenTest.layer(kind, f, o, new Rng(seed));
    }

    private static Tensor uniform(TensorFactory f, Rng rng, int... dims) {
        return f.uniform(rng, -1, 1, dims);
    }

    // ---------------------------------------------------------------- variable lengths

    /** A random geometry's check of one cell on one backend. */
    private interface Check {
        void run(Backend backend, CellKind kind, long seed);
    }

    /** {@code draws} tests per backend and cell, each named by its seed (bounded tries, reproducible). */
    private static List<DynamicTest> cases(int draws, long salt, Check check) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : TestBackends.all()) {
            for (CellKind kind : KINDS) {
                for (int draw = 0; draw < draws; draw++) {
                    long seed = salt * draw + 1000L * kind.ordinal();
                    tests.add(DynamicTest.dynamicTest(kind + " on " + backend.name() + ", seed " + seed,
                            () -> check.run(backend, kind, seed)));
                }
            }
        }
        return tests;
    }

    /** Random layers (1 or 2), directions and batch_first. */
    private static RecurrentOptions randomOptions(Rng rng, int in, int h) {
        return RecurrentOptions.of(in, h).withNumLayers(1 + rng.nextInt(2)).withBidirectional(rng.nextInt(2) == 0)
                .withBatchFirst(rng.nextInt(2) == 0);
    }

    @TestFactory
    List<DynamicTest> aPaddedBatchWithLengthsEqualsEachSequenceAlone() {
        return cases(3, 101, RecurrentLayersTest::paddedEqualsAlone);
    }

    private static void paddedEqualsAlone(Backend backend, CellKind kind, long seed) {
        Rng rng = new Rng(seed);
        TensorFactory f = Tensor.on(backend, DType.FLOAT64);
        int steps = 2 + rng.nextInt(6), batch = 2 + rng.nextInt(3), in = 1 + rng.nextInt(4), h = 1 + rng.nextInt(4);
        RecurrentOptions o = randomOptions(rng, in, h);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[b] = 1 + rng.nextInt(steps);
        lengths[rng.nextInt(batch)] = steps;
        String what = kind + " " + o + " T " + steps + ", lengths " + Arrays.toString(lengths);
        RecurrentLayer m = layer(kind, f, o, seed);
        int layers = o.numLayers() * o.directions(), timeAxis = o.batchFirst() ? 1 : 0, batchAxis = 1 - timeAxis;
        Tensor x = o.batchFirst() ? uniform(f, rng, batch, steps, in) : uniform(f, rng, steps, batch, in);
        Tensor h0 = uniform(f, rng, layers, batch, h), c0 = uniform(f, rng, layers, batch, h);
        Tensor wOut = uniform(f, rng, o.batchFirst() ? new int[] {batch, steps, h * o.directions()}
                : new int[] {steps, batch, h * o.directions()});
        Tensor wState = uniform(f, rng, layers, batch, h);
        boolean lstm = kind.hasCell();

        Variable xv = Variable.parameter(x), h0v = Variable.parameter(h0), c0v = lstm ? Variable.parameter(c0) : null;
        RecurrentOutput all = m.forward(xv, h0v, c0v, lengths);
        loss(all, wOut, wState).backward();
        Map<String, Tensor> batchGrads = grads(m);

        Map<String, Tensor> sumOfAlone = null;
        for (int b = 0; b < batch; b++) {
            m.zeroGrad();
            int len = lengths[b];
            Variable xb = Variable.parameter(x.slice(batchAxis, b, b + 1).slice(timeAxis, 0, len));
            Variable hb = Variable.parameter(h0.slice(1, b, b + 1));
            Variable cb = lstm ? Variable.parameter(c0.slice(1, b, b + 1)) : null;
            RecurrentOutput alone = m.forward(xb, hb, cb, null);
            loss(alone, wOut.slice(batchAxis, b, b + 1).slice(timeAxis, 0, len), wState.slice(1, b, b + 1)).backward();
            Tensor out = all.output().value().slice(batchAxis, b, b + 1);
            close(what + " output of sequence " + b, alone.output().value(), out.slice(timeAxis, 0, len));
            if (len < steps) {
                assertEquals(0.0, out.slice(timeAxis, len, steps).abs().sum().item(), what + " padding output " + b);
                assertEquals(0.0, xv.grad().slice(batchAxis, b, b + 1).slice(timeAxis, len, steps).abs().sum().item(),
                        what + " gradient of the padding of " + b);
            }
            close(what + " h_n of " + b, alone.h().value(), all.h().value().slice(1, b, b + 1));
            if (lstm) close(what + " c_n of " + b, alone.c().value(), all.c().value().slice(1, b, b + 1));
            close(what + " input gradient of " + b, xb.grad(),
                    xv.grad().slice(batchAxis, b, b + 1).slice(timeAxis, 0, len));
            close(what + " h0 gradient of " + b, hb.grad(), h0v.grad().slice(1, b, b + 1));
            if (lstm) close(what + " c0 gradient of " + b, cb.grad(), c0v.grad().slice(1, b, b + 1));
            Map<String, Tensor> g = grads(m);
            if (sumOfAlone == null) {
                sumOfAlone = g;
            } else {
                for (var e : g.entrySet()) sumOfAlone.put(e.getKey(), sumOfAlone.get(e.getKey()).add(e.getValue()));
            }
        }
        for (var e : batchGrads.entrySet()) close(what + " gradient of " + e.getKey(), sumOfAlone.get(e.getKey()), e.getValue());
    }

    private static Variable loss(RecurrentOutput r, Tensor wOut, Tensor wState) {
        Variable l = r.output().mul(wOut).sum().add(r.h().mul(wState).sum());
        return r.c() == null ? l : l.add(r.c().mul(wState.mul(-0.5)).sum());
    }

    private static Map<String, Tensor> grads(RecurrentLayer m) {
        Map<String, Tensor> g = new java.util.LinkedHashMap<>();
        m.namedParameters().forEach((n, p) -> g.put(n, p.grad().copy()));
        return g;
    }

    private static void close(String what, Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= 1e-12 * Math.max(1, Math.abs(e[i])),
                    what + " element " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    // ---------------------------------------------------------------- gradient checks

    @TestFactory
    List<DynamicTest> gradientsOfInputAndStatesMatchFiniteDifferences() {
        return cases(2, 7, RecurrentLayersTest::gradientCheck);
    }

    private static void gradientCheck(Backend backend, CellKind kind, long seed) {
        Rng rng = new Rng(seed);
        TensorFactory f = Tensor.on(backend, DType.FLOAT64);
        int steps = 1 + rng.nextInt(4), batch = 1 + rng.nextInt(3), in = 1 + rng.nextInt(3), h = 1 + rng.nextInt(3);
        RecurrentOptions o = randomOptions(rng, in, h);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[b] = 1 + rng.nextInt(steps);
        RecurrentLayer m = layer(kind, f, o, seed);
        int layers = o.numLayers() * o.directions();
        Variable x = Variable.parameter(o.batchFirst() ? uniform(f, rng, batch, steps, in) : uniform(f, rng, steps, batch, in));
        Variable h0 = Variable.parameter(uniform(f, rng, layers, batch, h));
        Variable c0 = Variable.parameter(uniform(f, rng, layers, batch, h));
        GradCheckReport r = GradCheck.check(v -> {
            RecurrentOutput out = m.forward(v[0], v[1], kind.hasCell() ? v[2] : null, lengths);
            Variable y = Variable.concat(0, out.output().flatten(), out.h().flatten());
            return out.c() == null ? y : Variable.concat(0, y, out.c().flatten());
        }, kind.hasCell() ? new Variable[] {x, h0, c0} : new Variable[] {x, h0});
        assertTrue(r.passed(), kind + " " + o + " lengths " + Arrays.toString(lengths) + ": " + r);
    }

    // ---------------------------------------------------------------- long sequences

    @Test
    void theBackwardOfAThousandStepsRunsOnASmallStackAndEqualsTheRecordedBackward() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                thousandSteps();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "bptt-1000", 512 * 1024);
        t.start();
        t.join(120_000);
        assertTrue(!t.isAlive(), "the 1,000-step backward did not finish in 2 minutes");
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    private static void thousandSteps() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Rng rng = new Rng(3);
        LSTM deep = new LSTM(f, RecurrentOptions.of(2, 3).withNumLayers(2).withBidirectional(true), rng);
        Variable x = Variable.parameter(uniform(f, rng, 1000, 2, 2));
        deep.forward(x).square().sum().backward();
        double first = x.grad().slice(0, 0, 1).abs().sum().item();
        assertTrue(first > 0 && Double.isFinite(first), "the gradient reaches step 0: " + first);
        // recorded step by step (createGraph): a graph of tens of thousands of nodes, walked iteratively
        LSTM lstm = new LSTM(f, RecurrentOptions.of(2, 2), rng);
        Variable y = Variable.parameter(uniform(f, rng, 1000, 1, 2));
        Variable loss = lstm.forward(y).square().sum();
        List<Variable> fused = Grad.grad(loss, List.of(y), false);
        List<Variable> recorded = Grad.grad(loss, List.of(y), true);
        close("input gradient, recorded against fused", recorded.get(0).value(), fused.get(0).value());
    }

    // ---------------------------------------------------------------- PyTorch weights

    @Test
    void pyTorchLstmAndGruWeightsLoadFromSafetensorsAndReproduceTheirOutputsInFloat32() throws Exception {
        for (Backend backend : TestBackends.all()) {
            TensorFactory f = Tensor.on(backend, DType.FLOAT32);
            LSTM lstm = new LSTM(f, RecurrentOptions.of(5, 6).withNumLayers(2).withBidirectional(true), new Rng(1));
            reproduces(backend, lstm, "lstm", new int[] {4, 3, 5});
            GRU gru = new GRU(f, RecurrentOptions.of(5, 6).withNumLayers(2).withBatchFirst(true), new Rng(1));
            reproduces(backend, gru, "gru", new int[] {3, 4, 5});
        }
    }

    private static void reproduces(Backend backend, RecurrentLayer m, String name, int[] shape) throws Exception {
        Path dir = Path.of("src/test/resources/interop");
        List<String> lines = Files.readAllLines(dir.resolve("torch_" + name + "_output.txt"));
        double[] x = Arrays.stream(lines.get(0).split(" ")).mapToDouble(Double::parseDouble).toArray();
        double[] y = Arrays.stream(lines.get(1).split(" ")).mapToDouble(Double::parseDouble).toArray();
        Map<String, Tensor> before = m.stateDict();
        m.loadFromPyTorch(dir.resolve("torch_" + name + ".safetensors"));
        m.stateDict().forEach((k, v) -> assertNotEquals(0.0, v.sub(before.get(k)).abs().sum().item(), k + " loaded"));
        m.eval();
        RecurrentOutput r;
        try (NoGrad scope = NoGrad.enter()) {
            r = m.forward(Variable.constant(Tensor.on(backend, DType.FLOAT32).of(x, shape)), null, null, null);
        }
        List<Tensor> parts = new ArrayList<>(List.of(r.output().value().flatten(), r.h().value().flatten()));
        if (r.c() != null) parts.add(r.c().value().flatten());
        double[] out = Tensor.concat(0, parts).toDoubleArray();
        assertEquals(y.length, out.length, name);
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], out[i], 1e-6 * Math.max(1, Math.abs(y[i])), backend.name() + " " + name + " output " + i);
        }
    }

    // ---------------------------------------------------------------- names, initialisation, modes

    @Test
    void parametersHavePyTorchsNamesShapesAndInitialisation() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        GRU gru = new GRU(f, RecurrentOptions.of(3, 4).withNumLayers(2).withBidirectional(true), new Rng(2));
        List<String> names = new ArrayList<>(gru.stateDict().keySet());
        List<String> expected = new ArrayList<>();
        for (String s : new String[] {"_l0", "_l0_reverse", "_l1", "_l1_reverse"}) {
            for (String p : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) expected.add(p + s);
        }
        assertEquals(expected, names);
        assertEquals(List.of(12, 3), dims(gru, "weight_ih_l0"));
        assertEquals(List.of(12, 8), dims(gru, "weight_ih_l1_reverse"));
        assertEquals(List.of(12, 4), dims(gru, "weight_hh_l1"));
        assertEquals(List.of(12), dims(gru, "bias_hh_l0_reverse"));
        double k = 0.5, max = 0;
        for (Variable p : gru.parameters()) {
            double m = p.value().abs().max().item();
            assertTrue(m <= k, "U(-1/sqrt(H), 1/sqrt(H)): " + m);
            max = Math.max(max, m);
        }
        assertTrue(max > 0.45, "the bound is reached nearly: " + max);
        LSTMCell cell = new LSTMCell(f, 3, 4, false, new Rng(2));
        assertEquals(List.of("weight_ih", "weight_hh"), new ArrayList<>(cell.stateDict().keySet()));
        assertEquals(List.of(16, 3), dims(cell, "weight_ih"));
        assertEquals("LSTM(3, 4, num_layers=2, batch_first=true, dropout=0.25, bidirectional=true)",
                new LSTM(f, RecurrentOptions.of(3, 4).withNumLayers(2).withBatchFirst(true).withDropout(0.25)
                        .withBidirectional(true), new Rng(1)).describe());
    }

    private static List<Integer> dims(dev.descent.nn.Module m, String name) {
        return Arrays.stream(m.stateDict().get(name).shape().dims()).boxed().toList();
    }

    @Test
    void dropoutActsBetweenLayersInTrainingOnly() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Tensor x = uniform(f, new Rng(8), 5, 3, 2);
        LSTM plain = new LSTM(f, RecurrentOptions.of(2, 4).withNumLayers(2), new Rng(9));
        LSTM dropped = new LSTM(f, RecurrentOptions.of(2, 4).withNumLayers(2).withDropout(0.5), new Rng(9));
        Tensor reference = plain.forward(Variable.constant(x)).value();
        Tensor training = dropped.forward(Variable.constant(x)).value();
        assertTrue(training.sub(reference).abs().max().item() > 1e-3, "dropout changes the training output");
        dropped.eval();
        close("eval output", reference, dropped.forward(Variable.constant(x)).value());
        // one layer: nothing to drop between layers
        LSTM single = new LSTM(f, RecurrentOptions.of(2, 4).withDropout(0.5), new Rng(9));
        LSTM singlePlain = new LSTM(f, RecurrentOptions.of(2, 4), new Rng(9));
        close("one layer with dropout", singlePlain.forward(Variable.constant(x)).value(),
                single.forward(Variable.constant(x)).value());
    }

    @Test
    void cellsComputeOneStepOfTheirLayer() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Rng rng = new Rng(12);
        Tensor x = uniform(f, rng, 3, 2), h = uniform(f, rng, 3, 4), c = uniform(f, rng, 3, 4);
        LSTM lstm = new LSTM(f, RecurrentOptions.of(2, 4), rng);
        LSTMCell cell = new LSTMCell(f, 2, 4, true, rng);
        copyWeights(lstm, cell);
        RecurrentOutput r = lstm.forward(Variable.constant(x.unsqueeze(0)), Variable.constant(h.unsqueeze(0)),
                Variable.constant(c.unsqueeze(0)));
        LSTMCell.State s = cell.forward(Variable.constant(x), Variable.constant(h), Variable.constant(c));
        close("LSTMCell h", r.h().value().squeeze(0), s.h().value());
        close("LSTMCell c", r.c().value().squeeze(0), s.c().value());
        GRU gru = new GRU(f, RecurrentOptions.of(2, 4), rng);
        GRUCell gcell = new GRUCell(f, 2, 4, true, rng);
        copyWeights(gru, gcell);
        close("GRUCell", gru.forward(Variable.constant(x.unsqueeze(0)), Variable.constant(h.unsqueeze(0))).h().value()
                .squeeze(0), gcell.forward(Variable.constant(x), Variable.constant(h)).value());
        // a single input (F) gives the batch's row
        close("GRUCell single input", gcell.forward(Variable.constant(x), Variable.constant(h)).value().slice(0, 1, 2)
                .squeeze(0), gcell.forward(Variable.constant(x.slice(0, 1, 2).squeeze(0)),
                Variable.constant(h.slice(0, 1, 2).squeeze(0))).value());
    }

    private static void copyWeights(RecurrentLayer from, RecurrentCell to) {
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        from.stateDict().forEach((k, v) -> state.put(k.replace("_l0", ""), v));
        to.loadStateDict(state);
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badInputNamesTheLayerAndTheExpectedAndActualValues() {
        TensorFactory f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        LSTM lstm = new LSTM(f, RecurrentOptions.of(3, 4).withNumLayers(2), new Rng(1));
        Variable x = Variable.constant(f.zeros(5, 2, 3));
        assertMessage("LSTM.forward: expected an input of rank 3 (T, B, 3) or 2 (T, 3), got rank 4 (1, 5, 2, 3)",
                () -> lstm.forward(Variable.constant(f.zeros(1, 5, 2, 3))));
        assertMessage("LSTM.forward: expected input_size 3 as the last axis of the input, got (5, 2, 4)",
                () -> lstm.forward(Variable.constant(f.zeros(5, 2, 4))));
        assertMessage("LSTM.forward: expected h0 of shape (2, 2, 4) (num_layers * directions, batch, hidden_size), "
                + "got (1, 2, 4)", () -> lstm.forward(x, Variable.constant(f.zeros(1, 2, 4)), null));
        assertMessage("LSTM.forward: expected c0 of shape (2, 2, 4) (num_layers * directions, batch, hidden_size), "
                + "got (2, 4)", () -> lstm.forward(x, null, Variable.constant(f.zeros(2, 4))));
        assertMessage("LSTM.forward: expected 2 lengths (one per sequence), got 3",
                () -> lstm.forward(x, new int[] {1, 2, 3}));
        assertMessage("LSTM.forward: lengths[1] is 6, expected 1..5 (the input's time steps)",
                () -> lstm.forward(x, new int[] {5, 6}));
        assertMessage("LSTM.forward: lengths[0] is 0, expected 1..5 (the input's time steps)",
                () -> lstm.forward(x, new int[] {0, 5}));
        GRU gru = new GRU(f, RecurrentOptions.of(3, 4).withBatchFirst(true), new Rng(1));
        assertMessage("GRU.forward: expected an input of rank 3 (B, T, 3) or 2 (T, 3), got rank 1 (3,)",
                () -> gru.forward(Variable.constant(f.zeros(3))));
        assertMessage("GRU.forward: only the LSTM has a cell state, got c0 (1, 2, 4)",
                () -> gru.forward(x, null, Variable.constant(f.zeros(1, 2, 4)), null));
        assertMessage("GRU.forward: h0 is float32 on " + f.backend().name() + ", expected float64 on "
                + f.backend().name() + " as the input", () -> gru.forward(Variable.constant(f.zeros(2, 5, 3)),
                Variable.constant(f.zeros(1, 2, 4).to(DType.FLOAT32))));
        assertMessage("GRU.forward: expected an input of the parameters' dtype float64 on " + f.backend().name()
                + ", got float32 on " + f.backend().name() + " (2, 5, 3)",
                () -> gru.forward(Variable.constant(f.zeros(2, 5, 3).to(DType.FLOAT32))));
        LSTMCell cell = new LSTMCell(f, 3, 4, true, new Rng(1));
        assertMessage("LSTMCell.forward: expected an input (B, 3) or (3), got (2, 2)",
                () -> cell.forward(Variable.constant(f.zeros(2, 2))));
        assertMessage("LSTMCell.forward: expected the state c of shape (2, 4) for input (2, 3), got (4,)",
                () -> cell.forward(Variable.constant(f.zeros(2, 3)), Variable.constant(f.zeros(2, 4)),
                        Variable.constant(f.zeros(4))));
        assertMessage("RecurrentOptions: dropout must be in [0, 1], got 1.5",
                () -> RecurrentOptions.of(3, 4).withDropout(1.5));
        assertMessage("RecurrentOptions: num_layers must be >= 1, got 0", () -> RecurrentOptions.of(3, 4).withNumLayers(0));
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(expected, e.getMessage());
    }
}
