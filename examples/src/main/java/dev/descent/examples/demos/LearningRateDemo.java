package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.ContourPlot;
import dev.descent.examples.plot.LinePlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.NonFiniteGradientException;
import dev.descent.optim.SGD;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static dev.descent.examples.demos.InitDemo.fmt;

/**
 * The lecture's learning-rate demo: gradient descent with a small, an appropriate and a large learning rate on a
 * 2-D loss surface, drawn as paths over its contour plot ("Representation of Gradient in form of 2D Contour") and
 * as cost curves. The surface is the mean squared error of a line {@code y = w x + b} fitted to noisy points, a
 * function of the two parameters {@code theta = (w, b)}; every path is the library's {@link SGD} stepping that
 * 2-element parameter, the demo only computes the cost.
 *
 * <p>The surface is an elongated bowl whose curvatures are the eigenvalues of the Hessian {@code H}; gradient
 * descent converges for learning rates below {@code 2 / lambda_max(H)} and overshoots the valley's floor above
 * {@code 1 / lambda_max(H)}. The demo measures both thresholds from the data.
 *
 * <pre>{@code
 * LearningRateDemo demo = new LearningRateDemo(new LearningRateDemo.Config(List.of(0.02, 0.2, 0.4, 0.47), 50));
 * List<LearningRateDemo.Path> paths = demo.descend(ctx);
 * }</pre>
 */
public final class LearningRateDemo implements Demo {
    /** Where every path starts, (w, b). */
    static final double[] START = {-2.5, -2.5};
    /** The line the points scatter around, and their spread. */
    static final double TRUE_W = 1.5, TRUE_B = 1.0, X_STD = 1.5, NOISE = 0.5;
    static final int POINTS = 100;

    /**
     * @param rates the learning rates, small to large
     * @param steps gradient-descent steps per rate
     */
    public record Config(List<Double> rates, int steps) {
        public Config {
            rates = List.copyOf(rates);
            if (rates.isEmpty() || steps < 1) throw new IllegalArgumentException("LearningRateDemo: bad settings " + rates + ", " + steps);
            for (double r : rates) if (!(r > 0)) throw new IllegalArgumentException("LearningRateDemo: rates must be > 0, got " + rates);
        }

        public static Config defaults() {
            return new Config(List.of(0.02, 0.2, 0.4, 0.47), 50);
        }
    }

    /**
     * The quadratic cost surface {@code f(w, b) = mean((w x + b - y)^2)} through the moments of the data, with its
     * minimum and curvatures (for the contour plot and the measurements; the paths use autodiff).
     */
    public record Surface(double sxx, double sx, double sxy, double sy, double syy, double[] minimum,
                          double minimumCost, double lambdaMax, double lambdaMin) {
        static Surface of(double[] x, double[] y) {
            int n = x.length;
            double sxx = 0, sx = 0, sxy = 0, sy = 0, syy = 0;
            for (int i = 0; i < n; i++) {
                sxx += x[i] * x[i] / n;
                sx += x[i] / n;
                sxy += x[i] * y[i] / n;
                sy += y[i] / n;
                syy += y[i] * y[i] / n;
            }
            double det = sxx - sx * sx;
            double w = (sxy - sx * sy) / det, b = sy - w * sx;
            // H = 2 [[sxx, sx], [sx, 1]]
            double tr = 2 * (sxx + 1), disc = Math.sqrt((2 * sxx - 2) * (2 * sxx - 2) + 16 * sx * sx);
            Surface s = new Surface(sxx, sx, sxy, sy, syy, new double[] {w, b}, 0, (tr + disc) / 2, (tr - disc) / 2);
            return new Surface(sxx, sx, sxy, sy, syy, s.minimum(), s.cost(w, b), s.lambdaMax(), s.lambdaMin());
        }

        public double cost(double w, double b) {
            return w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy;
        }

        /** Gradient descent on this surface converges for learning rates below this. */
        public double divergenceRate() {
            return 2 / lambdaMax;
        }

        /** Above this rate a step overshoots the floor of the valley along the steepest direction. */
        public double overshootRate() {
            return 1 / lambdaMax;
        }

        /** The unit eigenvector of the largest curvature, (w, b). */
        double[] steepest() {
            double a = 2 * sxx, c = 2 * sx;
            double[] v = Math.abs(c) < 1e-15 ? (a >= 2 ? new double[] {1, 0} : new double[] {0, 1})
                    : new double[] {c, lambdaMax - a};
            double n = Math.hypot(v[0], v[1]);
            return new double[] {v[0] / n, v[1] / n};
        }
    }

    /**
     * One learning rate's descent.
     *
     * @param points the parameters before each step and after the last, (w, b)
     * @param costs  the cost at each of {@code points}
     * @param stop   why it ended early ("" when every step ran)
     */
    public record Path(double rate, double[][] points, double[] costs, String stop) {
        public double finalCost() {
            return costs[costs.length - 1];
        }

        /** How often the path crossed the valley's floor along the steepest direction. */
        public int overshoots(Surface s) {
            double[] v = s.steepest();
            int crossings = 0;
            double previous = 0, tolerance = 0;
            for (double[] p : points) {
                double along = (p[0] - s.minimum()[0]) * v[0] + (p[1] - s.minimum()[1]) * v[1];
                // NOTE: once converged, float32 rounding flips the sign of a vanishing offset; that is no overshoot.
                if (tolerance == 0) tolerance = 1e-4 * Math.max(Math.abs(along), 1e-12);
                if (Math.abs(along) <= tolerance) continue;
                if (previous != 0 && Math.signum(along) != Math.signum(previous)) crossings++;
                previous = along;
            }
            return crossings;
        }

        /** The first step after which the excess cost is below 0.1% of the starting excess, or -1. */
        public int stepsToConverge(Surface s) {
            double start = costs[0] - s.minimumCost();
            for (int i = 0; i < costs.length; i++) if (costs[i] - s.minimumCost() <= 1e-3 * start) return i;
            return -1;
        }

        public boolean diverged(Surface s) {
            return !Double.isFinite(finalCost()) || finalCost() - s.minimumCost() > costs[0] - s.minimumCost();
        }

        /** In words: "diverges", "overshoots", "converges" or "slow". */
        public String verdict(Surface s) {
            if (diverged(s)) return "diverges";
            if (stepsToConverge(s) < 0) return overshoots(s) > 0 ? "overshoots, not converged" : "slow, not converged";
            return overshoots(s) > 0 ? "overshoots, converges" : "converges";
        }
    }

    /** The data, its surface and one path per rate. */
    public record Outcome(double[] x, double[] y, Surface surface, List<Path> paths) {
    }

    private final Config config;

    public LearningRateDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "learning-rate";
    }

    @Override
    public String title() {
        return "Learning rate: too small, appropriate, too large";
    }

    /** Generates the points and runs gradient descent once per learning rate. */
    public Outcome descend(RunContext ctx) {
        Rng rng = ctx.rng();
        double[] x = new double[POINTS], y = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            x[i] = X_STD * rng.nextGaussian();
            y[i] = TRUE_W * x[i] + TRUE_B + NOISE * rng.nextGaussian();
        }
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        double[] design = new double[2 * POINTS];
        for (int i = 0; i < POINTS; i++) {
            design[2 * i] = x[i];
            design[2 * i + 1] = 1;
        }
        Variable features = Variable.constant(f.of(design, POINTS, 2));
        Variable targets = Variable.constant(f.of(y, POINTS, 1));
        List<Path> paths = new ArrayList<>();
        for (double rate : config.rates()) paths.add(descend(f, features, targets, rate));
        return new Outcome(x, y, Surface.of(x, y), paths);
    }

    /** {@code steps} steps of the library's SGD on theta = (w, b); the demo only evaluates the cost. */
    private Path descend(TensorFactory f, Variable features, Variable targets, double rate) {
        Variable theta = Variable.parameter(f.of(START.clone(), 2));
        SGD sgd = new SGD(List.of(theta), SGD.options(rate));
        Loss mse = Losses.mse();
        List<double[]> points = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        String stop = "";
        BufferPool pool = new BufferPool(); // each step reuses the buffers of the one before
        for (int step = 0; step <= config.steps(); step++) {
            try (BufferPool.Scope scope = pool.open()) {
                sgd.zeroGrad();
                Variable cost = mse.apply(features.matmul(theta.reshape(2, 1)), targets);
                points.add(theta.value().toDoubleArray());
                costs.add(cost.value().item());
                if (step == config.steps()) break;
                if (!Double.isFinite(cost.value().item())) {
                    stop = "the cost is not finite after " + step + " steps";
                    break;
                }
                cost.backward();
                try {
                    sgd.step();
                } catch (NonFiniteGradientException e) {
                    stop = "the gradient is not finite after " + step + " steps";
                    break;
                }
            }
        }
        return new Path(rate, points.toArray(double[][]::new), costs.stream().mapToDouble(Double::doubleValue).toArray(),
                stop);
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, descend(ctx));
    }

    /** The figures, measurements and summary of {@code o}. */
    public DemoResult report(RunContext ctx, Outcome o) {
        Surface s = o.surface();
        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "The cost of fitting a line y = w\u00b7x + b to %d noisy points (mean squared error) is a bowl over the "
                        + "plane of (w, b). Plain gradient descent (the library's SGD on the 2-element parameter) "
                        + "starts at (%.1f, %.1f) and takes %d steps with each learning rate. This surface's curvatures "
                        + "are %s and %s: steps overshoot the valley floor above lr = 1/\u03bb_max = %s and diverge "
                        + "above 2/\u03bb_max = %s.", POINTS, START[0], START[1], config.steps(), fmt(s.lambdaMax()),
                fmt(s.lambdaMin()), fmt(s.overshootRate()), fmt(s.divergenceRate())));
        r.figure(contourFigure(ctx, o));
        r.figure(costFigure(ctx, o));
        r.measurement("largest curvature \u03bb_max", fmt(s.lambdaMax()));
        r.measurement("learning rate where steps start to overshoot (1/\u03bb_max)", fmt(s.overshootRate()));
        r.measurement("learning rate where descent diverges (2/\u03bb_max)", fmt(s.divergenceRate()));
        r.measurement("minimum cost", fmt(s.minimumCost()));
        for (Path p : o.paths()) {
            String k = "lr " + fmt(p.rate());
            r.measurement("final cost, " + k, fmt(p.finalCost()));
            r.measurement("steps to 0.1% of the starting excess cost, " + k, stepsText(p, s));
            r.measurement("overshoots of the valley floor, " + k, p.overshoots(s));
            r.measurement("verdict, " + k, p.verdict(s));
            r.summary(String.format(Locale.ROOT, "lr %-6s %-26s final cost %s (minimum %s), %s, %d overshoots",
                    fmt(p.rate()), p.verdict(s), fmt(p.finalCost()), fmt(s.minimumCost()), stepsText(p, s),
                    p.overshoots(s)));
        }
        r.summary(String.format(Locale.ROOT, "this surface overshoots above lr %s and diverges above lr %s",
                fmt(s.overshootRate()), fmt(s.divergenceRate())));
        return r.build();
    }

    private static String stepsText(Path p, Surface s) {
        int k = p.stepsToConverge(s);
        return k < 0 ? "not within " + (p.costs().length - 1) + " steps" : k + " steps";
    }

    private Figure contourFigure(RunContext ctx, Outcome o) {
        Surface s = o.surface();
        double[] m = s.minimum();
        double half = Math.max(Math.abs(START[0] - m[0]), Math.abs(START[1] - m[1])) * 1.35;
        ContourPlot p = Plots.contour("Gradient descent over the cost surface", "w (slope)", "b (intercept)")
                .function(s::cost, m[0] - half, m[0] + half, m[1] - half, m[1] + half).logLevels().levels(12)
                .minimum(m[0], m[1]).size(900, 700);
        for (Path path : o.paths()) p.trajectory("lr " + fmt(path.rate()) + " (" + path.verdict(s) + ")", path.points());
        return ctx.figure(p, "contour.png",
                "A small learning rate creeps towards the minimum; an appropriate one goes almost straight there; a "
                        + "large one overshoots the valley floor and zigzags, or jumps ever further out and diverges.",
                o.paths().stream().map(path -> String.format(Locale.ROOT, "lr %s: %s, %d overshoots", fmt(path.rate()),
                        path.verdict(s), path.overshoots(s))).collect(Collectors.joining("; "))
                        + (p.notes().isEmpty() ? "" : ". " + String.join(" ", p.notes())));
    }

    private Figure costFigure(RunContext ctx, Outcome o) {
        Surface s = o.surface();
        LinePlot p = Plots.line("Cost above its minimum per step", "step", "cost \u2212 minimum cost").logY()
                .size(900, 600);
        for (Path path : o.paths()) {
            double[] excess = new double[path.costs().length], steps = new double[excess.length];
            for (int i = 0; i < excess.length; i++) {
                excess[i] = path.costs()[i] - s.minimumCost();
                steps[i] = i;
            }
            p.series("lr " + fmt(path.rate()), steps, excess);
        }
        return ctx.figure(p, "cost.png",
                "Too small a learning rate converges slowly; too large overshoots (the cost falls unevenly) or diverges "
                        + "(the cost grows).",
                o.paths().stream().map(path -> String.format(Locale.ROOT, "lr %s: final cost %s, %s", fmt(path.rate()),
                        fmt(path.finalCost()), stepsText(path, s))).collect(Collectors.joining("; ")));
    }
}
