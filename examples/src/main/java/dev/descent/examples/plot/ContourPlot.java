package dev.descent.examples.plot;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;

/**
 * Filled contour (heat map) of a function of two variables over a rectangle, with optional trajectories drawn over
 * it: the path of an optimiser over a loss surface. The values are split into {@link #levels(int) levels} of equal
 * width, or equal width in log scale with {@link #logLevels()} (for surfaces like Rosenbrock's whose interesting
 * part is near the minimum); the legend names each level's range.
 *
 * <pre>{@code
 * Plots.contour("Rosenbrock", "w1", "w2")
 *      .function((x, y) -> (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), -2, 2, -1, 3)
 *      .logLevels()
 *      .trajectory("Adam", adamPath)            // an (n, 2) array of points
 *      .savePng(dir.resolve("rosenbrock-adam.png"));
 * }</pre>
 */
public final class ContourPlot extends XyPlot<ContourPlot> {
    private record Path2(String name, double[][] points) {
    }

    private DoubleBinaryOperator f;
    private double x0, x1, y0, y1;
    private int nx = 200, ny = 150;
    private int levels = 10;
    private boolean log;
    private final List<Path2> trajectories = new ArrayList<>();
    private GridLayer layer;

    ContourPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /** The function {@code z = f(x, y)} over [xMin, xMax] x [yMin, yMax]. */
    public ContourPlot function(DoubleBinaryOperator f, double xMin, double xMax, double yMin, double yMax) {
        this.f = Objects.requireNonNull(f, "f");
        checkRange("function", xMin, xMax);
        checkRange("function", yMin, yMax);
        x0 = xMin;
        x1 = xMax;
        y0 = yMin;
        y1 = yMax;
        return this;
    }

    /** The grid resolution: cells along x and along y (each 2..1000; default 200 x 150). */
    public ContourPlot grid(int nx, int ny) {
        if (nx < 2 || ny < 2 || nx > 1000 || ny > 1000) {
            throw new IllegalArgumentException("ContourPlot.grid: expected 2..1000 cells per axis, got " + nx + " x " + ny);
        }
        this.nx = nx;
        this.ny = ny;
        return this;
    }

    /** The number of filled levels (2..20; default 10). */
    public ContourPlot levels(int levels) {
        if (levels < 2 || levels > 20) throw new IllegalArgumentException("ContourPlot.levels: expected 2..20, got " + levels);
        this.levels = levels;
        return this;
    }

    /** Levels of equal width in {@code log(z - min + 1)}, resolving detail near the minimum. */
    public ContourPlot logLevels() {
        this.log = true;
        return this;
    }

    /** Adds a polyline through {@code points} (an (n, 2) array), with a marker at each point. */
    public ContourPlot trajectory(String name, double[][] points) {
        Plots.checkPoints("ContourPlot.trajectory", points, null);
        if (name == null || name.isBlank()) throw new IllegalArgumentException("ContourPlot.trajectory: blank name");
        trajectories.add(new Path2(name, points.clone()));
        return this;
    }

    /** The level (0..levels-1) of each value, equal-width in the (optionally log-transformed) value range. */
    static int[] quantize(double[] z, int levels, boolean log) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        int[] out = new int[z.length];
        if (lo > hi) throw new IllegalStateException("ContourPlot: the function has no finite value on the grid");
        for (int k = 0; k < z.length; k++) {
            if (!Double.isFinite(z[k])) {
                out[k] = Double.isNaN(z[k]) ? -1 : (z[k] > 0 ? levels - 1 : 0);
                continue;
            }
            double t = hi == lo ? 0 : log ? Math.log1p(z[k] - lo) / Math.log1p(hi - lo) : (z[k] - lo) / (hi - lo);
            out[k] = Math.min(levels - 1, (int) (t * levels));
        }
        return out;
    }

    /** The value at the upper edge of level {@code l}: the inverse of {@link #quantize}'s transform. */
    static double upperEdge(double lo, double hi, int l, int levels, boolean log) {
        double t = (l + 1.0) / levels;
        return log ? lo + Math.expm1(t * Math.log1p(hi - lo)) : lo + t * (hi - lo);
    }

    @Override
    void addSeries(XYChart chart) {
        if (f == null) throw new IllegalStateException("ContourPlot '" + title() + "': no function was given");
        layer = new GridLayer(GridLayer.linspace(x0, x1, nx), GridLayer.linspace(y0, y1, ny));
        double[][] p = layer.points();
        double[] z = new double[p.length];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < p.length; k++) {
            z[k] = f.applyAsDouble(p[k][0], p[k][1]);
            if (Double.isFinite(z[k])) {
                lo = Math.min(lo, z[k]);
                hi = Math.max(hi, z[k]);
            }
        }
        int[] level = quantize(z, levels, log);
        List<Color> colors = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            colors.add(Palette.viridis(l / (levels - 1.0)));
            names.add("f \u2264 " + format(upperEdge(lo, hi, l, levels, log)));
        }
        layer.add(chart, level, colors, names);
        for (int i = 0; i < trajectories.size(); i++) {
            Path2 t = trajectories.get(i);
            double[][] xy = clip(t.points(), x0, x1, y0, y1);
            XYSeries s = chart.addSeries(t.name(), xy[0], xy[1]);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(Palette.overlay(i));
            s.setMarkerColor(Palette.overlay(i));
            s.setLineStyle(new BasicStroke(2f));
        }
        chart.getStyler().setMarkerSize(5);
    }

    /**
     * The polyline through {@code points} cut to the rectangle: segments leaving it end on its edge and a NaN gap
     * separates the pieces (the chart does not clip lines to the plot area). Returns {x[], y[]}.
     */
    static double[][] clip(double[][] points, double xMin, double xMax, double yMin, double yMax) {
        List<double[]> out = new ArrayList<>();
        double[] gap = {Double.NaN, Double.NaN};
        for (int k = 0; k < points.length; k++) {
            double[] p = points[k];
            boolean finite = Double.isFinite(p[0]) && Double.isFinite(p[1]);
            if (k == 0 || !finite || !Double.isFinite(points[k - 1][0]) || !Double.isFinite(points[k - 1][1])) {
                if (finite && inside(p, xMin, xMax, yMin, yMax)) add(out, p);
                else add(out, gap);
                continue;
            }
            double[] a = points[k - 1];
            // Liang-Barsky: the part of segment a->p with parameter t in [t0, t1] lies inside.
            double dx = p[0] - a[0], dy = p[1] - a[1];
            double[] tt = {0, 1};
            if (!edge(-dx, a[0] - xMin, tt) || !edge(dx, xMax - a[0], tt) || !edge(-dy, a[1] - yMin, tt)
                    || !edge(dy, yMax - a[1], tt)) {
                add(out, gap);
                continue;
            }
            if (tt[0] > 0) {
                add(out, gap);
                add(out, new double[] {a[0] + tt[0] * dx, a[1] + tt[0] * dy});
            }
            if (tt[1] < 1) {
                add(out, new double[] {a[0] + tt[1] * dx, a[1] + tt[1] * dy});
                add(out, gap);
            } else {
                add(out, p);
            }
        }
        if (out.isEmpty()) out.add(gap); // entirely outside: a legend entry and nothing drawn
        double[][] xy = new double[2][out.size()];
        for (int i = 0; i < out.size(); i++) {
            xy[0][i] = out.get(i)[0];
            xy[1][i] = out.get(i)[1];
        }
        return xy;
    }

    private static void add(List<double[]> out, double[] p) {
        // No two gaps in a row, and none at the start.
        if (Double.isNaN(p[0]) && (out.isEmpty() || Double.isNaN(out.get(out.size() - 1)[0]))) return;
        out.add(p);
    }

    private static boolean inside(double[] p, double xMin, double xMax, double yMin, double yMax) {
        return p[0] >= xMin && p[0] <= xMax && p[1] >= yMin && p[1] <= yMax;
    }

    private static boolean edge(double p, double q, double[] tt) {
        if (p == 0) return q >= 0;
        double r = q / p;
        if (p < 0) {
            if (r > tt[1]) return false;
            tt[0] = Math.max(tt[0], r);
        } else {
            if (r < tt[0]) return false;
            tt[1] = Math.min(tt[1], r);
        }
        return true;
    }

    static String format(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1e4 || (v != 0 && Math.abs(v) < 1e-3) ? "%.2e" : "%.3g", v);
    }

    @Override
    boolean needsLayoutPass() {
        return true;
    }

    @Override
    void afterLayout(XYChart chart) {
        layer.measure(chart);
    }
}
