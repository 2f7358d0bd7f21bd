package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.io.Safetensors;
import dev.descent.core.spi.Backend;
import dev.descent.optim.clip.Clipping;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.Schedules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every optimiser shares: groups, validation, all-or-nothing steps, state dicts, no allocation per step. */
class OptimizerTest {
    static final Backend B = OneStepTest.B;
    static final Goldens.Trajectories TR = Goldens.trajectories("optimizers.txt");

    /** Every optimiser with settings that use all of its state. */
    static Map<String, java.util.function.Function<List<Variable>, Optimizer<?>>> all() {
        Map<String, java.util.function.Function<List<Variable>, Optimizer<?>>> m = new LinkedHashMap<>();
        m.put("SGD", p -> new SGD(p, SGD.options(0.05).withMomentum(0.9).withNesterov(true)));
        m.put("Adagrad", p -> new Adagrad(p, Adagrad.options().withLr(0.1).withLrDecay(0.01)));
        m.put("Adadelta", p -> new Adadelta(p, Adadelta.options()));
        m.put("Adadelta window", p -> new Adadelta(p, Adadelta.options().withWindow(3).withLr(0.01).withEps(1e-7)));
        m.put("RMSProp", p -> new RMSProp(p, RMSProp.options().withCentered(true).withMomentum(0.5)));
        m.put("Adam", p -> new Adam(p, Adam.options().withLr(0.05).withAmsgrad(true)));
        m.put("AdamW", p -> new AdamW(p, AdamW.options().withLr(0.05)));
        m.put("NAdam", p -> new NAdam(p, NAdam.options()));
        m.put("RAdam", p -> new RAdam(p, RAdam.options().withLr(0.05)));
        m.put("Adamax", p -> new Adamax(p, Adamax.options()));
        return m;
    }

    static Variable param(double... w) {
        return Variable.parameter(Tensor.on(B, DType.FLOAT64).of(w.clone(), w.length));
    }

    @TestFactory
    List<DynamicTest> aNonFiniteGradientChangesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        all().forEach((name, make) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            Goldens.Problem p = new Goldens.Problem(TR, B, DType.FLOAT64);
            Optimizer<?> opt = make.apply(p.params());
            for (int i = 0; i < 3; i++) {
                p.backward();
                opt.step();
            }
            double[] before = p.values();
            StateDict state = opt.stateDict();
            p.backward();
            // b's gradient becomes NaN in element 1: w comes first and must not be updated either
            Variable bad = p.b;
            bad.zeroGrad();
            bad.mul(Tensor.on(B, DType.FLOAT64).of(new double[] {1, Double.NaN}, 2)).sum().backward();
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, opt::step);
            assertEquals("1", e.parameter());
            assertTrue(e.getMessage().contains("parameter 1 (2,)") && e.getMessage().contains("element 1 is NaN"),
                    e.getMessage());
            assertArrayEquals(before, p.values(), 0.0);
            assertStateEquals(state, opt.stateDict());
            opt.skipNonFiniteSteps(true);
            opt.step();
            opt.step();
            assertEquals(2, opt.skippedSteps());
            assertArrayEquals(before, p.values(), 0.0);
        })));
        return tests;
    }

    static void assertStateEquals(StateDict a, StateDict b) {
        assertEquals(a.metadata(), b.metadata());
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        a.tensors().forEach((k, t) -> assertTrue(t.equal(b.tensors().get(k)), k));
    }

    @TestFactory
    List<DynamicTest> stateDictRoundTripsThroughSafetensorsAndResumesExactly(@TempDir Path dir) {
        List<DynamicTest> tests = new ArrayList<>();
        all().forEach((name, make) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            Goldens.Problem p = new Goldens.Problem(TR, B, DType.FLOAT64);
            Optimizer<?> opt = make.apply(p.params());
            for (int i = 0; i < 4; i++) {
                p.backward();
                opt.step();
            }
            StateDict saved = opt.stateDict();
            Path file = dir.resolve(name.replace(' ', '_') + ".safetensors");
            Safetensors.write(file, saved.tensors(), saved.metadata());
            double[] at = p.values();
            for (int i = 0; i < 3; i++) {
                p.backward();
                opt.step();
            }
            double[] straight = p.values();

            Goldens.Problem q = new Goldens.Problem(TR, B, DType.FLOAT64);
            setValues(q.w, at, 0);
            setValues(q.b, at, q.w.value().size());
            Optimizer<?> fresh = make.apply(q.params());
            Safetensors.Contents c = Safetensors.read(file, B);
            fresh.loadStateDict(new StateDict(c.tensors(), c.metadata()));
            for (int i = 0; i < 3; i++) {
                q.backward();
                fresh.step();
            }
            assertArrayEquals(straight, q.values(), 0.0);
        })));
        return tests;
    }

    /** Sets a parameter's value from {@code values[from..]}. */
    static void setValues(Variable v, double[] values, int from) {
        double[] part = java.util.Arrays.copyOfRange(values, from, from + v.value().size());
        dev.descent.core.InPlace.copy(Tensor.on(B, DType.FLOAT64).of(part, v.value().shape().dims()), v.value());
    }

    /** The format written before the options were declared in a Schema (record components, by name) still loads. */
    @Test
    void theStateDictFormatIsUnchanged() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", "Adam");
        meta.put("groups", "1");
        meta.put("group.0.params", "0");
        meta.put("group.0.lr", "0.1");
        meta.put("group.0.beta1", "0.9");
        meta.put("group.0.beta2", "0.999");
        meta.put("group.0.eps", "1.0E-8");
        meta.put("group.0.weightDecay", "0.0");
        meta.put("group.0.amsgrad", "false");
        meta.put("group.0.epsInside", "false");
        meta.put("group.0.decoupledWeightDecay", "false");
        meta.put("skipped_steps", "0");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("state.0.step", Tensor.on(B, DType.FLOAT64).scalar(1));
        tensors.put("state.0.exp_avg", Tensor.on(B, DType.FLOAT64).of(new double[] {0.05, -0.15}, 2));
        tensors.put("state.0.exp_avg_sq", Tensor.on(B, DType.FLOAT64).of(new double[] {2.5e-4, 2.25e-3}, 2));
        Variable w = param(1, -2);
        Adam adam = new Adam(List.of(w), Adam.options());
        adam.loadStateDict(new StateDict(tensors, meta));
        assertEquals(meta, adam.stateDict().metadata());
        assertEquals(Adam.options().withLr(0.1), adam.groupOptions(0));
        assertEquals(1, adam.stepCount(w));
        assertTrue(adam.stateDict().tensors().get("state.0.exp_avg_sq").equal(tensors.get("state.0.exp_avg_sq")));
    }

    @Test
    void loadStateDictValidatesEverythingBeforeChangingAnything() {
        Variable w = param(1, -2);
        Adam adam = new Adam(List.of(w), Adam.options().withLr(0.1));
        OneStepTest.step(adam, w, 0.5, -1.5);
        StateDict good = adam.stateDict();

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(good.tensors());
        wrongShape.put("state.0.exp_avg", Tensor.on(B, DType.FLOAT64).zeros(3));
        Map<String, String> badLr = new LinkedHashMap<>(good.metadata());
        badLr.put("group.0.lr", "-1.0");
        Map<String, Tensor> missing = new LinkedHashMap<>(good.tensors());
        missing.remove("state.0.exp_avg_sq");
        Map<String, Tensor> extra = new LinkedHashMap<>(good.tensors());
        extra.put("state.7.exp_avg", Tensor.on(B, DType.FLOAT64).zeros(2));
        Map<String, String> other = new LinkedHashMap<>(good.metadata());
        other.put("optimizer", "SGD");

        // make the optimiser's current state differ from the good dict, then try every bad one
        OneStepTest.step(adam, w, 0.5, -1.5);
        StateDict current = adam.stateDict();
        List<StateDict> bad = List.of(new StateDict(wrongShape, good.metadata()), new StateDict(good.tensors(), badLr),
                new StateDict(missing, good.metadata()), new StateDict(extra, good.metadata()),
                new StateDict(good.tensors(), other));
        List<String> expected = List.of("state tensor 'state.0.exp_avg' is float64 (3,), expected",
                "group 0: Adam: lr must be finite and >= 0, got -1.0", "missing state tensor 'state.0.exp_avg_sq'",
                "unexpected tensor 'state.7.exp_avg'", "the state dict is for optimizer 'SGD', not Adam");
        for (int i = 0; i < bad.size(); i++) {
            StateDict d = bad.get(i);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(d));
            assertTrue(e.getMessage().contains(expected.get(i)), e.getMessage());
            assertStateEquals(current, adam.stateDict());
        }
        adam.loadStateDict(good);
        assertStateEquals(good, adam.stateDict());
        assertEquals(1, adam.stepCount(w));
    }

    @Test
    void hyperParametersAreValidatedWithPreciseMessages() {
        List<Variable> p = List.of(param(1));
        Map<Supplier<Object>, String> cases = new LinkedHashMap<>();
        cases.put(() -> new SGD(p, SGD.options(-0.1)), "SGD: lr must be finite and >= 0, got -0.1");
        cases.put(() -> new SGD(p, SGD.options(0.1).withNesterov(true)),
                "SGD: nesterov needs momentum > 0 and dampening = 0, got momentum=0.0, dampening=0.0");
        cases.put(() -> new SGD(p, SGD.options(0.1).withMomentum(1.0).withEma(true)), "SGD: momentum (ema) must be in [0, 1), got 1.0");
        cases.put(() -> new Adagrad(p, Adagrad.options().withLrDecay(-1)), "Adagrad: lrDecay must be finite and >= 0, got -1.0");
        cases.put(() -> new Adadelta(p, Adadelta.options().withRho(1.5)), "Adadelta: rho must be in [0, 1], got 1.5");
        cases.put(() -> new Adadelta(p, Adadelta.options().withWindow(-2)), "Adadelta: window must be in [0, 64]");
        cases.put(() -> new RMSProp(p, RMSProp.options().withSmoothing(Double.NaN)), "RMSProp: smoothing must be in [0, 1], got NaN");
        cases.put(() -> new Adam(p, Adam.options().withBetas(0.9, 1.0)), "Adam: beta2 must be in [0, 1), got 1.0");
        cases.put(() -> new Adam(p, Adam.options().withEps(-1e-8)), "Adam: eps must be finite and >= 0, got -1.0E-8");
        cases.put(() -> new AdamW(p, Adam.options()), "AdamW: weight decay is always decoupled");
        cases.put(() -> new NAdam(p, NAdam.options().withMomentumDecay(-1)), "NAdam: momentumDecay must be finite and >= 0, got -1.0");
        cases.put(() -> new RAdam(p, RAdam.options().withBetas(-0.1, 0.9)), "RAdam: beta1 must be in [0, 1), got -0.1");
        cases.put(() -> new Adamax(p, Adamax.options().withWeightDecay(Double.POSITIVE_INFINITY)),
                "Adamax: weightDecay must be finite and >= 0, got Infinity");
        cases.put(() -> new Adam(List.of(), Adam.options()), "Adam: got an empty parameter list");
        cases.put(() -> new Adam(List.of(p.get(0), p.get(0)), Adam.options()), "Adam: parameter 1 (1,) appears more than once");
        cases.put(() -> new Adam(List.of(Variable.constant(Tensor.on(B, DType.FLOAT64).zeros(2))), Adam.options()),
                "Adam: parameter 0 (2,) must be a leaf that requires a gradient");
        cases.forEach((make, message) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
            assertTrue(e.getMessage().startsWith(message), "expected '" + message + "', got '" + e.getMessage() + "'");
        });
        Adam adam = new Adam(p, Adam.options());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.setLr(Double.NaN));
        assertEquals("Adam: lr must be finite and >= 0, got NaN", e.getMessage());
        assertEquals(1e-3, adam.lr());
    }

    @Test
    void groupsHaveTheirOwnHyperParametersAndParametersWithoutGradientsAreLeftAlone() {
        Variable w = param(1, -2), b = param(3), idle = param(7);
        SGD sgd = new SGD(List.of(new ParamGroup<>(List.of(w), SGD.options(0.1)),
                ParamGroup.named(named("bias", b, "idle", idle), SGD.options(0.01))));
        OneStepTest.grad(w, 1, 1);
        OneStepTest.grad(b, 1);
        idle.zeroGrad();
        sgd.step();
        assertArrayEquals(new double[] {0.9, -2.1}, w.value().toDoubleArray(), 1e-15);
        assertEquals(2.99, b.value().item(), 1e-15);
        assertEquals(7, idle.value().item());
        assertEquals(0, sgd.stepCount(idle));
        sgd.setLr(1, 0.5);
        assertEquals(0.1, sgd.lr(0));
        assertEquals(0.5, sgd.lr(1));
        sgd.zeroGrad();
        assertNull(w.grad());
        assertEquals("bias", sgd.paramName(1));
        assertThrows(IllegalArgumentException.class, () -> sgd.lr(2));
    }

    static Map<String, Variable> named(String k1, Variable v1, String k2, Variable v2) {
        Map<String, Variable> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    @Test
    void attachedClippingClipsTheOptimizersCopyOnly() {
        Variable w = param(0, 0);
        SGD sgd = new SGD(List.of(w), SGD.options(1));
        var clip = Clipping.norm(1.0);
        sgd.clipping(clip);
        OneStepTest.grad(w, 3, 4);
        sgd.step();
        double c = 1.0 / (5 + 1e-6);
        assertArrayEquals(new double[] {-3 * c, -4 * c}, w.value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {3, 4}, w.grad().toDoubleArray(), 0.0);
        assertEquals(5, clip.lastNorm(), 1e-15);
    }

    /**
     * The lecture's first momentum form, {@code change = lr g + mu change; w -= change}, equals SGD's
     * {@code b = mu b + g; w -= lr b} while the rate is constant, and parts from it when a step schedule changes it.
     */
    @Test
    void lectureChangeFormEqualsPyTorchsOnlyWhileTheLearningRateIsConstant() {
        Variable w = param(2);
        SGD sgd = new SGD(List.of(w), SGD.options(0.1).withMomentum(0.9));
        LrScheduler scheduler = new LrScheduler(sgd, Schedules.step(0.1, 5, 0.1));
        double x = 2, change = 0;
        for (int t = 0; t < 10; t++) {
            double lr = sgd.lr();
            double g = 2 * x;                         // f(x) = x^2
            change = lr * g + 0.9 * change;           // the lecture's form
            x -= change;
            OneStepTest.grad(w, 2 * w.value().item());
            sgd.step();
            scheduler.step();
            if (t < 5) assertEquals(x, w.value().item(), 1e-14, "step " + (t + 1) + " at constant lr");
            else assertNotEquals(x, w.value().item(), 1e-6, "step " + (t + 1) + " after the rate changed");
        }
    }

    @Test
    void effectiveStepSizeNeedsAStepAndIsTheLearningRateForSgd() {
        Variable w = param(1, 2);
        SGD sgd = new SGD(List.of(w), SGD.options(0.3));
        assertThrows(IllegalStateException.class, () -> sgd.effectiveStepSize(w));
        OneStepTest.step(sgd, w, 1, 1);
        assertArrayEquals(new double[] {0.3, 0.3}, sgd.effectiveStepSize(w).toDoubleArray(), 0.0);
    }

    /** After the first step, a step allocates nothing the size of the parameters (only small bookkeeping). */
    @TestFactory
    List<DynamicTest> noParameterSizedAllocationPerStep() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<DynamicTest> tests = new ArrayList<>();
        all().forEach((name, make) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            Variable w = Variable.parameter(Tensor.on(B, DType.FLOAT64).full(0.5, 100_000));
            w.mul(Tensor.on(B, DType.FLOAT64).full(0.25, 100_000)).sum().backward();
            Optimizer<?> opt = make.apply(List.of(w));
            for (int i = 0; i < 20; i++) opt.step();
            long before = threads.getCurrentThreadAllocatedBytes();
            int steps = 20;
            for (int i = 0; i < steps; i++) opt.step();
            long perStep = (threads.getCurrentThreadAllocatedBytes() - before) / steps;
            // one float64 tensor of this parameter is 800 kB
            assertTrue(perStep < 20_000, name + " allocated " + perStep + " bytes per step");
        })));
        return tests;
    }
}
