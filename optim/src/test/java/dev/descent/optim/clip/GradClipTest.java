package dev.descent.optim.clip;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.optim.Goldens;
import dev.descent.optim.NonFiniteGradientException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clipping against {@code torch.nn.utils} for each norm type, on both backends, alone and as attached rules. */
class GradClipTest {

    record Case(String name, String kind, double max, double type, List<String[]> grads, double[] norms,
                List<String[]> after) {
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        Case c = null;
        for (String[] t : Goldens.lines("clipping.txt")) {
            switch (t[0]) {
                case "clip" -> c = new Case(t[1], t[2], Goldens.num(t[3]), Goldens.num(t[4]), new ArrayList<>(), null,
                        new ArrayList<>());
                case "grad" -> c.grads().add(t);
                case "norm" -> c = new Case(c.name(), c.kind(), c.max(), c.type(), c.grads(), Goldens.doubles(t, 1),
                        c.after());
                case "after" -> c.after().add(t);
                case "end" -> out.add(c);
                default -> throw new IllegalStateException(t[0]);
            }
        }
        return out;
    }

    static Variable withGrad(Tensor g) {
        Variable v = Variable.parameter(g.zerosLike());
        v.mul(g).sum().backward();
        return v;
    }

    @TestFactory
    List<DynamicTest> againstPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : Goldens.backends()) {
            for (Case c : cases()) {
                for (boolean attached : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest(c.name() + " on " + backend.name() + (attached ? " (Clipping)" : ""),
                            () -> check(c, backend, attached)));
                }
            }
        }
        return tests;
    }

    private static void check(Case c, Backend backend, boolean attached) {
        List<Variable> params = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        for (String[] g : c.grads()) {
            Tensor t = Goldens.tensor(g, 2, backend, DType.FLOAT64);
            params.add(withGrad(t));
            grads.add(t.copy());
        }
        double[] norms;
        switch (c.kind()) {
            case "norm" -> {
                if (attached) {
                    NormClipping rule = Clipping.norm(c.max(), c.type());
                    rule.clip(grads);
                    norms = new double[] {rule.lastNorm()};
                } else {
                    norms = new double[] {GradClip.clipGradNorm(params, c.max(), c.type())};
                }
            }
            case "per_parameter" -> {
                if (attached) {
                    norms = new double[grads.size()];
                    for (int i = 0; i < grads.size(); i++) norms[i] = Norms.norm(grads.get(i), c.type());
                    Clipping.normPerParameter(c.max(), c.type()).clip(grads);
                } else {
                    norms = GradClip.clipGradNormPerParameter(params, c.max(), c.type());
                }
            }
            default -> {
                if (attached) Clipping.value(c.max()).clip(grads);
                else GradClip.clipGradValue(params, c.max());
                norms = null;
            }
        }
        if (c.norms() != null) assertArrayEquals(c.norms(), norms, 1e-12 * Math.max(1, c.norms()[0]), c.name());
        for (int i = 0; i < c.after().size(); i++) {
            double[] want = Goldens.tensor(c.after().get(i), 2, backend, DType.FLOAT64).toDoubleArray();
            double[] got = (attached ? grads.get(i) : params.get(i).grad()).toDoubleArray();
            for (int k = 0; k < want.length; k++) {
                assertEquals(want[k], got[k], 1e-12 * Math.max(1, Math.abs(want[k])), c.name() + " tensor " + i);
            }
        }
    }

    @Test
    void errorIfNonfiniteThrowsAndChangesNothing() {
        Tensor g = Tensor.of(DType.FLOAT64, new double[] {1, Double.POSITIVE_INFINITY, 2});
        Variable v = withGrad(g);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                () -> GradClip.clipGradNorm(List.of(v), 1.0, 2, true));
        assertTrue(e.getMessage().contains("total norm of order 2.0"), e.getMessage());
        assertArrayEquals(new double[] {1, Double.POSITIVE_INFINITY, 2}, v.grad().toDoubleArray(), 0.0);
        // without the check, PyTorch's arithmetic: coefficient 1 / inf = 0, and inf * 0 is NaN
        assertEquals(Double.POSITIVE_INFINITY, GradClip.clipGradNorm(List.of(v), 1.0, 2));
        assertArrayEquals(new double[] {0, Double.NaN, 0}, v.grad().toDoubleArray(), 0.0);
    }

    @Test
    void leavesReachedByOneGradientAreClippedIndependently() {
        Tensor g = Tensor.of(DType.FLOAT64, new double[] {3, 4});
        Variable a = Variable.parameter(Tensor.of(DType.FLOAT64, new double[] {0, 0}));
        Variable b = Variable.parameter(Tensor.of(DType.FLOAT64, new double[] {0, 0}));
        a.add(b).backward(g);
        assertFalse(a.grad().sharesStorageWith(b.grad()), "each leaf keeps its own gradient");
        assertFalse(a.grad().sharesStorageWith(g), "and not the caller's gradOutput");
        assertEquals(Math.sqrt(50), GradClip.clipGradNorm(List.of(a, b), 1.0), 1e-12);
        double c = 1 / (Math.sqrt(50) + 1e-6);
        assertArrayEquals(new double[] {3 * c, 4 * c}, a.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {3 * c, 4 * c}, b.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {3, 4}, g.toDoubleArray(), 0.0);
    }

    @Test
    void argumentsAreChecked() {
        List<Variable> none = List.of();
        assertEquals("clipGradNorm: maxNorm must be finite and >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(none, -1)).getMessage());
        assertEquals("clipGradNorm: normType must be > 0 or infinity, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(none, 1, 0)).getMessage());
        assertEquals("clipGradValue: clipValue must be finite and >= 0, got NaN",
                assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradValue(none, Double.NaN)).getMessage());
        assertEquals(0.0, GradClip.clipGradNorm(none, 1));
    }

    @Test
    void float32NormsAreSummedInDouble() {
        float[] big = new float[1 << 16];
        java.util.Arrays.fill(big, 0.1f);
        double exact = Math.sqrt(big.length * (double) 0.1f * 0.1f);
        assertEquals(exact, Norms.norm(Tensor.of(big), 2), 1e-12 * exact);
        assertEquals(0.1f, Norms.norm(Tensor.of(big), Double.POSITIVE_INFINITY), 0.0);
    }
}
