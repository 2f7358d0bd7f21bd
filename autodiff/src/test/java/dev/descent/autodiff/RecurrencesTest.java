package dev.descent.autodiff;

import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.TestBackends;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused recurrences ({@link Variable#rnnScan}, {@link Variable#lstmScan}, {@link Variable#gruScan}) against the
 * same recurrence composed of primitive operations: values and gradients agree for random geometries, lengths and
 * cells on every backend; hand-computed one-step values; long sequences; bad arguments.
 */
class RecurrencesTest {

    private static Variable[] inputs(Backend backend, DType dtype, Recurrences.Cell cell, int steps, int batch,
                                     int hidden, boolean bias, Rng rng) {
        List<Variable> in = new ArrayList<>();
        var f = Tensor.on(backend, dtype);
        in.add(Variable.parameter(f.uniform(rng, -1, 1, steps, batch, cell.gates * hidden)));
        in.add(Variable.parameter(f.uniform(rng, -1, 1, batch, hidden)));
        if (cell == Recurrences.Cell.LSTM) in.add(Variable.parameter(f.uniform(rng, -1, 1, batch, hidden)));
        in.add(Variable.parameter(f.uniform(rng, -1, 1, cell.gates * hidden, hidden)));
        if (bias) in.add(Variable.parameter(f.uniform(rng, -1, 1, cell.gates * hidden)));
        return in.toArray(Variable[]::new);
    }

    private static Variable scan(Recurrences.Cell cell, Variable[] in, int[] lengths) {
        boolean lstm = cell == Recurrences.Cell.LSTM;
        int w = lstm ? 3 : 2;
        Variable bias = in.length > w + 1 ? in[w + 1] : null;
        return Recurrences.scan(cell, in[0], in[1], lstm ? in[2] : null, in[w], bias, lengths);
    }

    @TestFactory
    List<DynamicTest> fusedEqualsComposedInValueAndGradient() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : TestBackends.all()) {
            for (Recurrences.Cell cell : Recurrences.Cell.values()) {
                for (int draw = 0; draw < 4; draw++) {
                    long seed = 31L * draw + cell.ordinal();
                    tests.add(DynamicTest.dynamicTest(cell + " on " + backend.name() + ", seed " + seed,
                            () -> compareWithComposed(backend, cell, seed)));
                }
            }
        }
        return tests;
    }

    private static void compareWithComposed(Backend backend, Recurrences.Cell cell, long seed) {
        Rng rng = new Rng(seed);
        int steps = 1 + rng.nextInt(6), batch = 1 + rng.nextInt(4), hidden = 1 + rng.nextInt(5);
        boolean bias = rng.nextInt(2) == 0;
        int[] lengths = null;
        if (rng.nextInt(3) > 0) {
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) lengths[b] = 1 + rng.nextInt(steps);
        }
        String what = cell + " T " + steps + ", B " + batch + ", H " + hidden + ", bias " + bias + ", lengths "
                + java.util.Arrays.toString(lengths);
        Variable[] in = inputs(backend, DType.FLOAT64, cell, steps, batch, hidden, bias, rng);
        Tensor weight = Tensor.on(backend, DType.FLOAT64).uniform(rng, -1, 1,
                steps + (cell == Recurrences.Cell.LSTM ? 2 : 1), batch, hidden);
        Variable fused = scan(cell, in, lengths);
        Variable composed = Recurrences.composed(cell, in, lengths);
        assertClose(what + " value", composed.value(), fused.value());
        List<Variable> gf = Grad.grad(fused.mul(weight).sum(), List.of(in), false);
        List<Variable> gc = Grad.grad(composed.mul(weight).sum(), List.of(in), false);
        for (int i = 0; i < in.length; i++) assertClose(what + " gradient " + i, gc.get(i).value(), gf.get(i).value());
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape(), what);
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= 1e-12 * Math.max(1, Math.abs(e[i])),
                    what + " element " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    @Test
    void oneLstmStepByHand() {
        // H = 1, B = 1, W_hh = 0: i = σ(0) = 0.5, f = σ(ln 3) = 0.75, g = tanh(0) = 0, o = σ(0) = 0.5
        var f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Variable xp = Variable.constant(f.of(new double[] {0, Math.log(3), 0, 0}, 1, 1, 4));
        Variable h0 = Variable.constant(f.of(new double[] {0.3}, 1, 1));
        Variable c0 = Variable.constant(f.of(new double[] {2}, 1, 1));
        Variable whh = Variable.constant(f.zeros(4, 1));
        double[] out = Variable.lstmScan(xp, h0, c0, whh, null, null).value().toDoubleArray();
        double c = 0.75 * 2, h = 0.5 * Math.tanh(c);
        assertEquals(3, out.length);
        assertEquals(h, out[0], 1e-15);
        assertEquals(h, out[1], 1e-15);
        assertEquals(c, out[2], 1e-15);
    }

    @Test
    void oneGruStepByHand() {
        // H = 1: r = σ(0) = 0.5, z = σ(0) = 0.5, gh = W_hh h + b_hh = (0, 0, 2 * 1 + 1) so n = tanh(0.2 + 0.5 * 3)
        var f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Variable xp = Variable.constant(f.of(new double[] {0, 0, 0.2}, 1, 1, 3));
        Variable h0 = Variable.constant(f.of(new double[] {1}, 1, 1));
        Variable whh = Variable.constant(f.of(new double[] {0, 0, 2}, 3, 1));
        Variable bhh = Variable.constant(f.of(new double[] {0, 0, 1}, 3));
        double[] out = Variable.gruScan(xp, h0, whh, bhh, null).value().toDoubleArray();
        double n = Math.tanh(0.2 + 0.5 * 3), h = 0.5 * n + 0.5 * 1;
        assertEquals(h, out[0], 1e-15);
        assertEquals(h, out[1], 1e-15);
    }

    @Test
    void lengthsStopEachSequenceAtItsEnd() {
        var f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Rng rng = new Rng(5);
        Variable xp = Variable.constant(f.uniform(rng, -1, 1, 4, 2, 2));
        Variable h0 = Variable.constant(f.uniform(rng, -1, 1, 2, 2));
        Variable whh = Variable.constant(f.uniform(rng, -1, 1, 2, 2));
        Tensor out = Variable.rnnScan(xp, h0, whh, null, false, new int[] {4, 2}).value();
        // sequence 1: outputs at steps 2 and 3 are 0, h_n is its output at step 1
        for (int t = 2; t < 4; t++) assertEquals(0.0, out.slice(0, t, t + 1).slice(1, 1, 2).abs().sum().item());
        assertEquals(0.0, out.slice(0, 4, 5).slice(1, 1, 2).sub(out.slice(0, 1, 2).slice(1, 1, 2)).abs().sum().item());
        assertEquals(0.0, out.slice(0, 4, 5).slice(1, 0, 1).sub(out.slice(0, 3, 4).slice(1, 0, 1)).abs().sum().item());
    }

    @Test
    void badArgumentsNameTheOpAndBothValues() {
        var f = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);
        Variable xp = Variable.constant(f.zeros(3, 2, 8));
        Variable h0 = Variable.constant(f.zeros(2, 2));
        Variable whh = Variable.constant(f.zeros(8, 2));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Variable.lstmScan(xp, h0, Variable.constant(f.zeros(2, 3)), whh, null, null));
        assertEquals("lstmScan: expected c0 of shape (2, 2), got (2, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Variable.lstmScan(xp, h0, h0, whh, null, new int[] {3, 4}));
        assertEquals("lstmScan: length 1 is 4, expected 1..3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Variable.gruScan(xp, h0, whh, null, null));
        assertEquals("gruScan: expected the hidden weight (3 H, H), got (8, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Variable.rnnScan(Variable.constant(f.zeros(3, 2, 2)), h0, Variable.constant(f.zeros(2, 2)), null,
                        false, new int[] {1}));
        assertEquals("rnnScan: expected 2 lengths (one per sequence), got 1", e.getMessage());
    }
}
