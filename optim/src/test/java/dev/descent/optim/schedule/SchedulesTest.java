package dev.descent.optim.schedule;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;
import dev.descent.optim.Adagrad;
import dev.descent.optim.Adam;
import dev.descent.optim.Goldens;
import dev.descent.optim.Optimizer;
import dev.descent.optim.SGD;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every schedule against {@code torch.optim.lr_scheduler} for 30 epochs, and ReduceOnPlateau on a metric sequence. */
class SchedulesTest {
    static final Map<String, Schedule> SCHEDULES = new LinkedHashMap<>();

    static {
        SCHEDULES.put("constant", Schedules.constant(0.1));
        SCHEDULES.put("step_7_0.5", Schedules.step(0.1, 7, 0.5));
        SCHEDULES.put("multistep_5_12_20_0.3", Schedules.multiStep(0.1, new int[] {5, 12, 20}, 0.3));
        SCHEDULES.put("exponential_0.9", Schedules.exponential(0.1, 0.9));
        SCHEDULES.put("inverse_time_0.5", Schedules.inverseTime(0.1, 0.5));
        SCHEDULES.put("polynomial_20_2", Schedules.polynomial(0.1, 20, 2));
        SCHEDULES.put("polynomial_25_1", Schedules.polynomial(0.1, 25, 1));
        SCHEDULES.put("cosine_10_0.001", Schedules.cosine(0.1, 10, 0.001));
        SCHEDULES.put("cosine_30_0", Schedules.cosine(0.1, 30, 0));
        SCHEDULES.put("warm_restarts_5_1_0.01", Schedules.cosineWarmRestarts(0.1, 5, 1, 0.01));
        SCHEDULES.put("warm_restarts_3_2_0", Schedules.cosineWarmRestarts(0.1, 3, 2, 0));
        SCHEDULES.put("warmup_5_0.1_cosine_25_0.001", Schedules.linearWarmup(5, 0.1, Schedules.cosine(0.1, 25, 0.001)));
        SCHEDULES.put("warmup_4_0.25_step_6_0.5", Schedules.linearWarmup(4, 0.25, Schedules.step(0.1, 6, 0.5)));
        SCHEDULES.put("one_cycle_30", Schedules.oneCycleWithoutMomentum(1.0, 30, 0.3, 25, 1e4, true, false));
        SCHEDULES.put("one_cycle_30_linear_three_phase",
                Schedules.oneCycleWithoutMomentum(1.0, 30, 0.25, 10, 100, false, true));
    }

    static final Map<String, MomentumSchedule> MOMENTA = new LinkedHashMap<>();

    static {
        MOMENTA.put("one_cycle_30", Schedules.oneCycle(1.0, 30));
        MOMENTA.put("one_cycle_30_linear_three_phase", Schedules.oneCycle(1.0, 30, 0.25, 10, 100, false, true));
        MOMENTA.put("one_cycle_30_momentum_0.8_0.9", Schedules.oneCycle(1.0, 30, 0.3, 25, 1e4, true, false, 0.8, 0.9));
    }

    /** OneCycleLR's default cycle_momentum: SGD's momentum or Adam's beta1, set by LrScheduler with each rate. */
    @TestFactory
    List<DynamicTest> oneCycleCyclesTheMomentumAsPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] t : Goldens.lines("schedules.txt")) {
            if (!t[0].equals("momentum")) continue;
            tests.add(DynamicTest.dynamicTest(t[1] + " " + t[2], () -> {
                MomentumSchedule s = MOMENTA.get(t[1]);
                double[] want = Goldens.doubles(t, 3);
                assertEquals(31, want.length);
                // as for the rate, PyTorch runs past the last phase at t = totalSteps; Descent holds its last value
                assertEquals(want[29], s.momentum(30), 1e-15);
                Variable p = Variable.parameter(Tensor.of(new double[] {1}));
                Optimizer<?> opt = t[2].equals("sgd") ? new SGD(List.of(p), SGD.options(0.1))
                        : new Adam(List.of(p), Adam.options().withBetas(0.5, 0.777));
                LrScheduler scheduler = new LrScheduler(opt, s);
                for (int e = 0; e < 30; e++) {
                    assertEquals(want[e], s.momentum(e), 1e-12, t[1] + " at step " + e);
                    Object o = opt.groupOptions(0);
                    double set = o instanceof SGD.Options so ? so.momentum() : ((Adam.Options) o).beta1();
                    assertEquals(want[e], set, 1e-12, t[1] + ": the optimiser's momentum at step " + e);
                    if (o instanceof Adam.Options ao) assertEquals(0.777, ao.beta2(), 0.0, "beta2 is left alone");
                    if (SCHEDULES.containsKey(t[1])) assertEquals(SCHEDULES.get(t[1]).lr(e), opt.lr(), 0.0);
                    scheduler.step();
                }
            }));
        }
        assertEquals(MOMENTA.size(), tests.size());
        return tests;
    }

    @Test
    void aMomentumScheduleRejectsAnOptimiserWithoutMomentumAsPyTorchDoes() {
        Variable p = Variable.parameter(Tensor.of(new double[] {1}));
        Adagrad adagrad = new Adagrad(List.of(p), Adagrad.options());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LrScheduler(adagrad, Schedules.oneCycle(0.1, 10)));
        assertTrue(e.getMessage().startsWith("LrScheduler: a momentum schedule (one-cycle) needs an optimiser with a "
                + "momentum or betas"), e.getMessage());
        assertEquals(0.01, adagrad.lr(), 0.0, "nothing was set");
        new LrScheduler(adagrad, Schedules.oneCycleWithoutMomentum(0.1, 10, 0.3, 25, 1e4, true, false));
        assertEquals(0.1 / 25, adagrad.lr(), 1e-15);
    }

    @Test
    void lrSchedulerStateDictsRoundTripAndBadOnesChangeNothing() {
        Variable p = Variable.parameter(Tensor.of(new double[] {1}));
        SGD sgd = new SGD(List.of(p), SGD.options(0.1));
        Schedule s = Schedules.step(0.1, 3, 0.5);
        LrScheduler a = new LrScheduler(sgd, s);
        for (int i = 0; i < 7; i++) a.step();
        Map<String, String> saved = a.stateDict();
        assertEquals(Map.of("last_epoch", "7", "groups", "1"), saved);
        SGD other = new SGD(List.of(Variable.parameter(Tensor.of(new double[] {1}))), SGD.options(0.1));
        LrScheduler b = new LrScheduler(other, s);
        b.loadStateDict(saved);
        assertEquals(7, b.stepCount());
        assertEquals(sgd.lr(), other.lr(), 0.0, "the rate for step 7 is set again");
        a.step();
        b.step();
        assertEquals(sgd.lr(), other.lr(), 0.0);
        for (Map<String, String> bad : List.of(Map.of("last_epoch", "x", "groups", "1"),
                Map.of("last_epoch", "-1", "groups", "1"), Map.of("last_epoch", "2", "groups", "2"),
                Map.of("last_epoch", "2"), Map.of("last_epoch", "2", "groups", "1", "base_lrs", "[0.1]"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad));
            assertTrue(e.getMessage().startsWith("LrScheduler.loadStateDict: "), e.getMessage());
            assertEquals(8, b.stepCount(), "unchanged after " + bad);
        }
        LrScheduler cycle = new LrScheduler(other, Schedules.oneCycle(0.1, 10));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> cycle.loadStateDict(Map.of("last_epoch", "11", "groups", "1"))).getMessage()
                .contains("beyond totalSteps"));
        assertEquals(0, cycle.stepCount());
    }

    @Test
    void reduceOnPlateauStateDictsRoundTripSettingsIncludedAndBadOnesChangeNothing() {
        SGD sgd = new SGD(List.of(Variable.parameter(Tensor.of(new double[] {1}))), SGD.options(0.1));
        ReduceOnPlateau a = new ReduceOnPlateau(sgd, ReduceOnPlateau.options().withPatience(1).withCooldown(2)
                .withThreshold(0.01, false).withMinLr(1e-3));
        double[] metric = {1.0, 0.9, 0.95, 0.97, 0.96, 0.99, 0.5, 0.6};
        for (double m : metric) a.step(m);
        Map<String, String> saved = a.stateDict();
        ReduceOnPlateau b = new ReduceOnPlateau(sgd, ReduceOnPlateau.options());
        b.loadStateDict(saved);
        assertEquals(saved, b.stateDict());
        assertEquals(a.best(), b.best(), 0.0);
        // both go on identically
        SGD s1 = new SGD(List.of(Variable.parameter(Tensor.of(new double[] {1}))), SGD.options(0.1));
        SGD s2 = new SGD(List.of(Variable.parameter(Tensor.of(new double[] {1}))), SGD.options(0.1));
        ReduceOnPlateau c1 = new ReduceOnPlateau(s1, ReduceOnPlateau.options().withPatience(1));
        ReduceOnPlateau c2 = new ReduceOnPlateau(s2, ReduceOnPlateau.options());
        for (int i = 0; i < 3; i++) c1.step(1.0 - i * 0.1);
        c2.loadStateDict(c1.stateDict());
        for (double m : new double[] {0.8, 0.8, 0.8, 0.8, 0.7, 0.7}) {
            c1.step(m);
            c2.step(m);
            assertEquals(s1.lr(), s2.lr(), 0.0);
        }
        assertTrue(c1.reductions() > 0);
        Map<String, String> before = b.stateDict();
        for (String[] bad : new String[][] {{"patience", "-1"}, {"factor", "1.5"}, {"mode", "up"}, {"best", "low"},
                {"threshold_mode", "relative"}, {"num_bad_epochs", "2.5"}}) {
            Map<String, String> state = new LinkedHashMap<>(saved);
            state.put(bad[0], bad[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(state));
            assertTrue(e.getMessage().startsWith("ReduceOnPlateau.loadStateDict: ") && e.getMessage().contains(
                    bad[0].equals("factor") ? "factor" : "'" + bad[0] + "'"), e.getMessage());
            assertEquals(before, b.stateDict(), "unchanged after " + bad[0]);
        }
        Map<String, String> extra = new LinkedHashMap<>(saved);
        extra.put("verbose", "false");
        assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(extra));
    }

    @TestFactory
    List<DynamicTest> againstPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] t : Goldens.lines("schedules.txt")) {
            if (!t[0].equals("schedule")) continue;
            tests.add(DynamicTest.dynamicTest(t[1], () -> {
                Schedule s = SCHEDULES.get(t[1]);
                double[] want = Goldens.doubles(t, 2);
                assertEquals(31, want.length);
                if (t[1].startsWith("one_cycle")) {
                    // PyTorch runs past the last phase at t = totalSteps; Descent holds the minimum there
                    assertEquals(want[29], s.lr(30), 1e-15);
                    want = java.util.Arrays.copyOf(want, 30);
                }
                for (int e = 0; e < want.length; e++) {
                    assertEquals(want[e], s.lr(e), 1e-12 * Math.max(want[e], 1e-3), t[1] + " at epoch " + e);
                }
                double[] expected = want;
                // applied through LrScheduler, the optimiser sees the same rates
                SGD sgd = new SGD(List.of(Variable.parameter(Tensor.of(new double[] {1}))), SGD.options(0.1));
                LrScheduler scheduler = new LrScheduler(sgd, s);
                for (int e = 0; e < expected.length; e++) {
                    assertEquals(expected[e], sgd.lr(), 1e-12 * Math.max(expected[e], 1e-3));
                    scheduler.step();
                }
            }));
        }
        assertEquals(SCHEDULES.size(), tests.size());
        return tests;
    }

    @TestFactory
    List<DynamicTest> reduceOnPlateauAgainstPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        String name = null;
        Map<String, String> options = new LinkedHashMap<>();
        double[] metric = null;
        for (String[] t : Goldens.lines("schedules.txt")) {
            switch (t[0]) {
                case "plateau" -> {
                    name = t[1];
                    options = new LinkedHashMap<>();
                }
                case "option" -> options.put(t[1], t[2]);
                case "metric" -> metric = Goldens.doubles(t, 1);
                case "lr" -> {
                    double[] m = metric, want = Goldens.doubles(t, 1);
                    ReduceOnPlateau.Options o = plateauOptions(options);
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        SGD sgd = new SGD(List.of(Variable.parameter(Tensor.of(new double[] {1}))), SGD.options(0.1));
                        ReduceOnPlateau plateau = new ReduceOnPlateau(sgd, o);
                        for (int e = 0; e < m.length; e++) {
                            plateau.step(m[e]);
                            assertEquals(want[e], sgd.lr(), 1e-15, "epoch " + (e + 1));
                        }
                        assertTrue(plateau.reductions() > 0);
                    }));
                }
                default -> { }
            }
        }
        assertEquals(4, tests.size());
        return tests;
    }

    private static ReduceOnPlateau.Options plateauOptions(Map<String, String> py) {
        ReduceOnPlateau.Options o = ReduceOnPlateau.options();
        boolean relative = !"abs".equals(py.get("threshold_mode"));
        for (Map.Entry<String, String> e : py.entrySet()) {
            String v = e.getValue();
            o = switch (e.getKey()) {
                case "mode" -> o.withMaximize(v.equals("max"));
                case "patience" -> o.withPatience(Integer.parseInt(v));
                case "factor" -> o.withFactor(Double.parseDouble(v));
                case "threshold" -> o.withThreshold(Double.parseDouble(v), relative);
                case "threshold_mode" -> o.withThreshold(o.threshold(), relative);
                case "cooldown" -> o.withCooldown(Integer.parseInt(v));
                case "min_lr" -> o.withMinLr(Double.parseDouble(v));
                case "eps" -> o.withEps(Double.parseDouble(v));
                default -> throw new IllegalArgumentException(e.getKey());
            };
        }
        return o;
    }

    @Test
    void schedulesArePureAndCheckTheirArguments() {
        Schedule s = Schedules.cosineWarmRestarts(1, 2, 3, 0);
        assertEquals(s.lr(17), s.lr(17));
        assertEquals(1.0, s.lr(2), 0.0);      // the second cycle (length 6) starts at step 2
        assertEquals(1.0, s.lr(8), 0.0);      // the third (length 18) at step 8
        assertEquals("Schedules.step: stepSize must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Schedules.step(0.1, 0, 0.5)).getMessage());
        assertEquals("Schedules.multiStep: milestones must be positive and increasing, got [3, 3]",
                assertThrows(IllegalArgumentException.class, () -> Schedules.multiStep(0.1, new int[] {3, 3}, 0.5)).getMessage());
        assertEquals("Schedule.lr: the step must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> Schedules.exponential(0.1, 0.9).lr(-1)).getMessage());
        assertEquals("Schedules.oneCycle: step 31 is beyond totalSteps 30",
                assertThrows(IllegalArgumentException.class, () -> Schedules.oneCycle(1, 30).lr(31)).getMessage());
        assertEquals("Schedules.oneCycle: step 31 is beyond totalSteps 30",
                assertThrows(IllegalArgumentException.class, () -> Schedules.oneCycle(1, 30).momentum(31)).getMessage());
        assertEquals("Schedules.oneCycle: expected 0 <= baseMomentum <= maxMomentum < 1, got 0.95 and 0.85",
                assertThrows(IllegalArgumentException.class,
                        () -> Schedules.oneCycle(1, 30, 0.3, 25, 1e4, true, false, 0.95, 0.85)).getMessage());
        assertEquals("Schedules.linearWarmup: startFactor must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class,
                        () -> Schedules.linearWarmup(3, 0, Schedules.constant(1))).getMessage());
    }
}
