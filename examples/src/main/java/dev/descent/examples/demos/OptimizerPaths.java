package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.optim.NonFiniteGradientException;
import dev.descent.optim.Optimizer;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The path of a library {@link Optimizer} over a 2-D loss surface: one {@code Variable.parameter} of shape (2) holds
 * the point {@code (x, y)}; each step evaluates the surface on it with autodiff, calls {@code backward()} and the
 * optimiser's {@code step()}. No update rule is written here: the demos' trajectories are the library's.
 *
 * <pre>{@code
 * Surface bowl = Surface.of("bowl", (x, y) -> x.square().add(y.square()), (x, y) -> x * x + y * y);
 * Path p = OptimizerPaths.run(bowl, new double[] {2, 1}, 50, params -> new SGD(params, SGD.options(0.1)), f32, false);
 * p.points();   // (51, 2): the start and every step
 * }</pre>
 */
public final class OptimizerPaths {
    private OptimizerPaths() {
    }

    /** A function of two variables, differentiable (on variables of shape (1)) and plain (for contour plots). */
    public interface Surface {
        /** The function on two variables of shape (1); the result has shape (1). */
        Variable apply(Variable x, Variable y);

        /** The same function on doubles. */
        double value(double x, double y);

        /** A surface from its two forms. */
        static Surface of(java.util.function.BinaryOperator<Variable> diff, java.util.function.DoubleBinaryOperator plain) {
            return new Surface() {
                @Override
                public Variable apply(Variable x, Variable y) {
                    return diff.apply(x, y);
                }

                @Override
                public double value(double x, double y) {
                    return plain.applyAsDouble(x, y);
                }
            };
        }
    }

    /**
     * A run: {@code points[t]} is the parameter before step {@code t + 1} ({@code points[0]} the start),
     * {@code loss[t]} and {@code gradNorm[t]} the surface's value and gradient 2-norm there, {@code stepSize[t]} the
     * optimiser's effective step size for each coordinate after step {@code t + 1} (empty unless asked for).
     * {@code diverged} tells that a gradient or the loss became non-finite, which ended the run early.
     */
    public record Path(double[][] points, double[] loss, double[] gradNorm, double[][] stepSize, boolean diverged) {
        /** The number of steps taken. */
        public int steps() {
            return points.length - 1;
        }

        /** The first step count {@code t} with {@code loss[t] < tol}, or -1 if never. */
        public int stepsTo(double tol) {
            for (int t = 0; t < loss.length; t++) if (loss[t] < tol) return t;
            return -1;
        }

        /** The largest distance between two consecutive points. */
        public double longestStep() {
            double m = 0;
            for (int t = 1; t < points.length; t++) {
                m = Math.max(m, Math.hypot(points[t][0] - points[t - 1][0], points[t][1] - points[t - 1][1]));
            }
            return m;
        }

        /** The effective step size of coordinate {@code i} at each step. */
        public double[] stepSizeOf(int i) {
            return Arrays.stream(stepSize).mapToDouble(s -> s[i]).toArray();
        }

        public double finalLoss() {
            return loss[loss.length - 1];
        }
    }

    /**
     * Runs {@code steps} steps of the optimiser that {@code make} builds over the parameter, from {@code start}.
     *
     * @param recordStepSize whether to read {@link Optimizer#effectiveStepSize} after every step
     */
    public static Path run(Surface surface, double[] start, int steps,
                           Function<List<Variable>, Optimizer<?>> make, TensorFactory factory, boolean recordStepSize) {
        Variable p = Variable.parameter(factory.of(start.clone(), 2));
        Optimizer<?> opt = make.apply(List.of(p));
        double[][] points = new double[steps + 1][];
        double[] loss = new double[steps + 1];
        double[] gradNorm = new double[steps + 1];
        double[][] stepSize = new double[recordStepSize ? steps : 0][];
        int t = 0;
        boolean diverged = false;
        BufferPool pool = new BufferPool(); // each step reuses the buffers of the one before
        for (; ; t++) {
            try (BufferPool.Scope scope = pool.open()) {
                points[t] = p.value().toDoubleArray();
                opt.zeroGrad();
                Variable l = surface.apply(p.slice(0, 0, 1), p.slice(0, 1, 2)).sum();
                loss[t] = l.value().item();
                l.backward();
                double[] g = p.grad().toDoubleArray();
                gradNorm[t] = Math.hypot(g[0], g[1]);
                if (!Double.isFinite(loss[t]) || !Double.isFinite(gradNorm[t])) {
                    diverged = true;
                    break;
                }
                if (t == steps) break;
                try {
                    opt.step();
                } catch (NonFiniteGradientException e) {
                    diverged = true;
                    break;
                }
                if (recordStepSize) stepSize[t] = opt.effectiveStepSize(p).toDoubleArray();
            }
        }
        if (t < steps) {
            int n = t + 1;
            return new Path(Arrays.copyOf(points, n), Arrays.copyOf(loss, n), Arrays.copyOf(gradNorm, n),
                    Arrays.copyOf(stepSize, Math.min(stepSize.length, t)), diverged);
        }
        return new Path(points, loss, gradNorm, stepSize, diverged);
    }

    /** The values {@code 0, 1, ..., n - 1} as doubles (a step axis). */
    static double[] range(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    /** A tensor holding {@code v} with shape (1), for constants inside a surface. */
    static Variable constantLike(Variable like, double v) {
        Tensor t = Tensor.on(like.value().backend(), like.dtype()).full(v, 1);
        return Variable.constant(t);
    }
}
