package dev.descent.optim;

import dev.descent.core.Backends;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every optimiser, in float32 and float64, reaches the minimum of a quadratic bowl and of the Rosenbrock function
 * from a fixed start, to within 1e-3 in every coordinate, inside the step budget of its row in the table.
 */
class ConvergenceTest {
    static final double TOL = 1e-3;
    static final double[] START = {-1.2, 1.0};
    private static final Map<String, Integer> ROSENBROCK_STEPS = new TreeMap<>();

    /** One row: a name, how to make the optimiser, and the step budgets for the bowl and for Rosenbrock. */
    record Row(String name, Function<List<Variable>, Optimizer<?>> make, int bowlBudget, int rosenbrockBudget) {
    }

    static final List<Row> TABLE = List.of(
            new Row("SGD", p -> new SGD(p, SGD.options(1e-3).withMomentum(0.9)), 400, 2000),
            new Row("SGD nesterov", p -> new SGD(p, SGD.options(1e-3).withMomentum(0.9).withNesterov(true)), 400, 2000),
            new Row("SGD lecture EMA", p -> new SGD(p, SGD.options(1e-2).withMomentum(0.9).withEma(true)), 400, 2000),
            new Row("Adagrad", p -> new Adagrad(p, Adagrad.options().withLr(0.5)), 100, 10000),
            new Row("Adagrad lecture", p -> new Adagrad(p, Adagrad.options().withLr(0.5).withEps(1e-7).withEpsInside(true)), 100, 10000),
            // NOTE: with rho 0.9 Adadelta wanders in Rosenbrock's valley for 100k steps; a longer memory settles it.
            new Row("Adadelta", p -> new Adadelta(p, Adadelta.options().withRho(0.9999)), 3000, 15000),
            new Row("Adadelta lecture w=3", p -> new Adadelta(p, Adadelta.options().withWindow(3).withEps(1e-7).withLr(3e-3)), 1500, 9000),
            new Row("RMSProp", p -> new RMSProp(p, RMSProp.options().withLr(1e-3)), 3000, 10000),
            new Row("RMSProp lecture", p -> new RMSProp(p, RMSProp.options().withLr(1e-3).withSmoothing(0.999).withEpsInside(true)), 4500, 12000),
            new Row("Adam", p -> new Adam(p, Adam.options().withLr(0.02)), 400, 3500),
            new Row("Adam lecture", p -> new Adam(p, Adam.options().withLr(0.02).withEpsInside(true)), 400, 3500),
            new Row("AdamW", p -> new AdamW(p, AdamW.options().withLr(0.02).withWeightDecay(0)), 400, 3500),
            new Row("NAdam", p -> new NAdam(p, NAdam.options().withLr(7e-3)), 1300, 6500),
            new Row("RAdam", p -> new RAdam(p, RAdam.options().withLr(5e-3)), 2700, 11000),
            new Row("Adamax", p -> new Adamax(p, Adamax.options().withLr(0.05)), 300, 4500));

    interface Objective {
        /** The gradient at (x, y). */
        double[] grad(double x, double y);
    }

    /** {@code (x - 1)^2 + 10 (y - 1)^2}, with its minimum at (1, 1). */
    static final Objective BOWL = (x, y) -> new double[] {2 * (x - 1), 20 * (y - 1)};
    /** {@code (1 - x)^2 + 100 (y - x^2)^2}, minimum at (1, 1). */
    static final Objective ROSENBROCK = (x, y) -> new double[] {
            -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)};

    /** Steps until both coordinates are within TOL of (1, 1), or -1 within {@code budget}. */
    static int stepsToMinimum(Row row, Objective f, DType dtype, int budget) {
        Backend backend = Backends.get();
        Variable p = Variable.parameter(Tensor.on(backend, DType.FLOAT64).of(START.clone(), 2).to(dtype).copy());
        Optimizer<?> opt = row.make().apply(List.of(p));
        double[] g = new double[2];
        for (int step = 1; step <= budget; step++) {
            double x = p.value().get(0), y = p.value().get(1);
            double[] d = f.grad(x, y);
            g[0] = d[0];
            g[1] = d[1];
            // NOTE: the gradient is the analytic one, handed to the variable through d(p . g)/dp = g.
            opt.zeroGrad();
            p.mul(Tensor.on(backend, DType.FLOAT64).of(g, 2).to(dtype)).sum().backward();
            opt.step();
            if (Math.abs(p.value().get(0) - 1) < TOL && Math.abs(p.value().get(1) - 1) < TOL) return step;
        }
        return -1;
    }

    @TestFactory
    List<DynamicTest> everyOptimizerReachesTheMinimum() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : TABLE) {
            for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
                tests.add(DynamicTest.dynamicTest(row.name() + " bowl " + dtype, () -> {
                    int steps = stepsToMinimum(row, BOWL, dtype, row.bowlBudget());
                    assertTrue(steps > 0, row.name() + " " + dtype + " did not reach the bowl's minimum in "
                            + row.bowlBudget() + " steps");
                }));
                tests.add(DynamicTest.dynamicTest(row.name() + " Rosenbrock " + dtype, () -> {
                    int steps = stepsToMinimum(row, ROSENBROCK, dtype, row.rosenbrockBudget());
                    assertTrue(steps > 0, row.name() + " " + dtype + " did not reach Rosenbrock's minimum in "
                            + row.rosenbrockBudget() + " steps");
                    synchronized (ROSENBROCK_STEPS) {
                        ROSENBROCK_STEPS.merge(row.name(), steps, Math::max);
                    }
                }));
            }
        }
        return tests;
    }

    @AfterAll
    static void report() {
        System.Logger log = System.getLogger(ConvergenceTest.class.getName());
        ROSENBROCK_STEPS.forEach((k, v) -> log.log(System.Logger.Level.INFO,
                String.format("%-22s steps to Rosenbrock's minimum (worst dtype): %d", k, v)));
    }

    /** For tuning the table: prints the steps each row needs (run by hand). */
    public static void main(String[] args) {
        for (Row row : TABLE) {
            for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
                System.out.printf("%-22s %s bowl %6d rosenbrock %6d%n", row.name(), dtype,
                        stepsToMinimum(row, BOWL, dtype, 100000), stepsToMinimum(row, ROSENBROCK, dtype, 100000));
            }
        }
    }
}
