package dev.descent.examples.plot;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;

/**
 * Filled contour plot of a function of two variables, with contour lines, a star at the minimum and optimiser paths
 * drawn over it. The function is evaluated on a grid; the fill interpolates it bilinearly pixel by pixel (smooth
 * level boundaries), the lines are traced by marching squares over the grid. The levels are round values chosen for
 * the surface ({@link #levelEdges}): log-spaced above the minimum where the surface spans decades (forced by
 * {@link #logLevels()}), evenly spaced otherwise. The frame is the given rectangle grown to contain the minimum and
 * every path's end. Paths differ in colour, marker and dash; the longest is drawn first so that none hides another;
 * paths that coincide and paths that zig-zag are named by {@link #notes()}, for the caption.
 *
 * <pre>{@code
 * Plots.contour("Rosenbrock", "w1", "w2")
 *      .function((x, y) -> (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), -2, 2, -1, 3)
 *      .minimum(1, 1)
 *      .zigzagMidlines()
 *      .trajectory("Adam", adamPath)            // an (n, 2) array of points
 *      .savePng(dir.resolve("rosenbrock-adam.png"));
 * }</pre>
 */
public final class ContourPlot extends XyPlot<ContourPlot> {
    private record Path2(String name, double[][] points) {
    }

    /** Markers of the paths, in order: each path differs from its neighbours in marker as well as colour and dash. */
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
            SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS};
    private static final float[][] DASHES = {null, {9f, 4f}, {2.5f, 3f}, {9f, 3f, 2.5f, 3f}};
    /** Markers drawn along a path (evenly spaced), so that long paths do not become solid lines of markers. */
    private static final int MARKS_PER_PATH = 14;
    /** Two paths closer than this fraction of the frame's diagonal at every step coincide. */
    static final double COINCIDE = 0.004;

    private DoubleBinaryOperator f;
    private double x0, x1, y0, y1;
    private int nx = 200, ny = 150;
    private int levels = 10;
    private boolean log;
    private final List<double[]> minima = new ArrayList<>();
    private boolean midlines;
    private final List<Path2> trajectories = new ArrayList<>();
    private final FillMarker fill = new FillMarker();

    ContourPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /** The function {@code z = f(x, y)} over [xMin, xMax] x [yMin, yMax] (the frame grows to fit the paths). */
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

    /** The grid resolution: points along x and along y (each 2..1000; default 200 x 150). */
    public ContourPlot grid(int nx, int ny) {
        if (nx < 2 || ny < 2 || nx > 1000 || ny > 1000) {
            throw new IllegalArgumentException("ContourPlot.grid: expected 2..1000 cells per axis, got " + nx + " x " + ny);
        }
        this.nx = nx;
        this.ny = ny;
        return this;
    }

    /** About how many contour levels to draw (2..20; default 10); the levels themselves are round values. */
    public ContourPlot levels(int levels) {
        if (levels < 2 || levels > 20) throw new IllegalArgumentException("ContourPlot.levels: expected 2..20, got " + levels);
        this.levels = levels;
        return this;
    }

    /** Log-spaced levels above the minimum even where the surface spans less than two decades. */
    public ContourPlot logLevels() {
        this.log = true;
        return this;
    }

    /** Marks a minimum at {@code (x, y)} with a star (call once per minimum); the frame includes it. */
    public ContourPlot minimum(double x, double y) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("ContourPlot.minimum: expected a finite point, got (" + x + ", " + y + ")");
        }
        minima.add(new double[] {x, y});
        return this;
    }

    /**
     * Draws a path that zig-zags ({@link #zigzags}) faded, with the midpoints of its consecutive points as its line:
     * a ladder of steps across a valley then reads as the drift along it. Off by default, where the zig-zag is the
     * point.
     */
    public ContourPlot zigzagMidlines() {
        this.midlines = true;
        return this;
    }

    /** Adds a polyline through {@code points} (an (n, 2) array); its start is marked and the frame includes its end. */
    public ContourPlot trajectory(String name, double[][] points) {
        Plots.checkPoints("ContourPlot.trajectory", points, null);
        if (name == null || name.isBlank()) throw new IllegalArgumentException("ContourPlot.trajectory: blank name");
        if (trajectories.stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("ContourPlot.trajectory: duplicate name '" + name + "'");
        }
        trajectories.add(new Path2(name, points.clone()));
        return this;
    }

    /**
     * The plotted rectangle {xMin, xMax, yMin, yMax}: the function's rectangle grown, with a margin of 5%, to contain
     * the minima and the last finite point of every path, except a path that runs away (ends farther out than the
     * rectangle's own width or height beyond it), which {@link #notes()} names.
     */
    public double[] frame() {
        if (f == null) throw new IllegalStateException("ContourPlot '" + title() + "': no function was given");
        double[] r = {x0, x1, y0, y1};
        List<double[]> must = new ArrayList<>(minima);
        for (Path2 t : trajectories) {
            double[] end = lastFinite(t.points());
            if (end != null && !runsAway(end)) must.add(end);
        }
        for (double[] p : must) {
            double mx = 0.05 * (x1 - x0), my = 0.05 * (y1 - y0);
            if (p[0] < r[0]) r[0] = p[0] - mx;
            if (p[0] > r[1]) r[1] = p[0] + mx;
            if (p[1] < r[2]) r[2] = p[1] - my;
            if (p[1] > r[3]) r[3] = p[1] + my;
        }
        return r;
    }

    private boolean runsAway(double[] end) {
        double w = x1 - x0, h = y1 - y0;
        return end[0] < x0 - w || end[0] > x1 + w || end[1] < y0 - h || end[1] > y1 + h;
    }

    private static double[] lastFinite(double[][] points) {
        for (int k = points.length - 1; k >= 0; k--) {
            if (Double.isFinite(points[k][0]) && Double.isFinite(points[k][1])) return points[k];
        }
        return null;
    }

    /**
     * Sentences for the caption: which paths coincide (drawn one over the other, the lower one wider) and which
     * zig-zag (drawn faded, with the midpoints of consecutive steps on top).
     */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        double[] r = frame();
        double tol = COINCIDE * Math.hypot(r[1] - r[0], r[3] - r[2]);
        for (int i = 0; i < trajectories.size(); i++) {
            for (int j = i + 1; j < trajectories.size(); j++) {
                if (coincide(trajectories.get(i).points(), trajectories.get(j).points(), tol)) {
                    notes.add("The paths of " + trajectories.get(i).name() + " and " + trajectories.get(j).name()
                            + " coincide (the second is drawn dashed on top of the first).");
                }
            }
        }
        for (Path2 t : trajectories) {
            double[] end = lastFinite(t.points());
            if (end == null || runsAway(end)) {
                notes.add(t.name() + " runs out of the frame" + (end == null ? "." : " (its last point is " + point(end) + ")."));
            }
            if (midlines && zigzags(t.points())) {
                notes.add(t.name() + " zig-zags: its steps are drawn faded, the midpoints of consecutive steps as its line.");
            }
        }
        return notes;
    }

    /** Whether two paths have the same number of points and stay within {@code tol} of each other at every step. */
    static boolean coincide(double[][] a, double[][] b, double tol) {
        if (a.length != b.length) return false;
        for (int k = 0; k < a.length; k++) {
            double d = Math.hypot(a[k][0] - b[k][0], a[k][1] - b[k][1]);
            if (!(d <= tol)) return false;
        }
        return true;
    }

    /**
     * Whether a path oscillates: at least 10 steps, and consecutive steps point on average (weighted by length)
     * more against each other than along (a mean cosine below -0.5).
     */
    static boolean zigzags(double[][] p) {
        if (p.length < 11) return false;
        double sum = 0, weight = 0;
        for (int k = 2; k < p.length; k++) {
            double ax = p[k - 1][0] - p[k - 2][0], ay = p[k - 1][1] - p[k - 2][1];
            double bx = p[k][0] - p[k - 1][0], by = p[k][1] - p[k - 1][1];
            double la = Math.hypot(ax, ay), lb = Math.hypot(bx, by);
            if (!(la > 0 && lb > 0) || !Double.isFinite(la * lb)) continue;
            double w = Math.min(la, lb);
            sum += w * (ax * bx + ay * by) / (la * lb);
            weight += w;
        }
        return weight > 0 && sum / weight < -0.5;
    }

    /** The midpoints of consecutive points, with the first and last point kept: the path's drift without its zig-zag. */
    static double[][] midline(double[][] p) {
        double[][] m = new double[p.length + 1][];
        m[0] = p[0];
        for (int k = 1; k < p.length; k++) {
            m[k] = new double[] {(p[k - 1][0] + p[k][0]) / 2, (p[k - 1][1] + p[k][1]) / 2};
        }
        m[p.length] = p[p.length - 1];
        return m;
    }

    /**
     * Round contour levels inside (lo, hi): with {@code log}, values {@code lo + c} where c runs over 1, 2, 5 (or 1,
     * 3, or 1) times powers of ten from 10<sup>-4</sup> of the span up to the span, the richest set with at most
     * {@code count} values; otherwise multiples of a round step.
     */
    public static double[] levelEdges(double lo, double hi, int count, boolean log) {
        if (!(lo < hi)) return new double[0];
        if (!log) {
            List<Double> out = new ArrayList<>();
            for (double t : Ticks.nice(lo, hi, count)) if (t > lo && t < hi) out.add(t);
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
        // NOTE: a minimum near 0 (Rosenbrock's grid minimum is 6e-4) counts as 0, so that the levels read 0.3, 1, 3
        // rather than 0.3006, 1.0006, 3.0006; elsewhere they are the minimum plus round values (see labelOffset).
        lo = labelOffset(lo, hi);
        double span = hi - lo;
        double[][] mantissas = {{1, 2, 5}, {1, 3}, {1}};
        double[] best = null;
        for (double[] ms : mantissas) {
            List<Double> out = new ArrayList<>();
            int d0 = (int) Math.floor(Math.log10(span * 1e-4)), d1 = (int) Math.ceil(Math.log10(span));
            for (int d = d0; d <= d1; d++) {
                for (double m : ms) {
                    double c = Double.parseDouble(String.format(Locale.ROOT, "%.1fe%d", m, d));
                    if (c >= span * 1e-4 && c < span) out.add(lo + c);
                }
            }
            best = out.stream().mapToDouble(Double::doubleValue).toArray();
            if (best.length <= count) break;
        }
        if (best.length > count) { // even one level a decade is too many: keep every k-th
            int k = (best.length + count - 1) / count;
            double[] thin = new double[(best.length + k - 1) / k];
            for (int i = 0; i < thin.length; i++) thin[i] = best[best.length - 1 - (thin.length - 1 - i) * k];
            best = thin;
        }
        return best;
    }

    /**
     * What log levels count up from: 0 where the minimum {@code lo} is within 10<sup>-4</sup> of the range from 0,
     * else {@code lo} itself (the legend then names the levels as {@code f - min}).
     */
    static double labelOffset(double lo, double hi) {
        return Math.abs(lo) <= (hi - lo) * 1e-4 ? 0 : lo;
    }

    /**
     * Whether the values above their minimum span decades: the 10th percentile of {@code z - min} is below 1% of
     * the range (the interesting part is squeezed near the minimum, as on Rosenbrock).
     */
    static boolean spansDecades(double[] z) {
        double[] v = java.util.Arrays.stream(z).filter(Double::isFinite).sorted().toArray();
        if (v.length < 2) return false;
        double lo = v[0], hi = v[v.length - 1];
        return hi > lo && v[v.length / 10] - lo < 0.01 * (hi - lo);
    }

    /** The band of {@code v}: the number of edges at or below it. */
    static int band(double v, double[] edges) {
        int b = 0;
        while (b < edges.length && v >= edges[b]) b++;
        return b;
    }

    /** The evaluated surface on the frame's grid: {@code z[j][i]} at (xs[i], ys[j]). */
    private record Surface(double[] xs, double[] ys, double[][] z, double lo, double hi, double[] edges, double offset) {
        /** Bilinear interpolation at (x, y) inside the frame. */
        double at(double x, double y) {
            double u = (x - xs[0]) / (xs[xs.length - 1] - xs[0]) * (xs.length - 1);
            double w = (y - ys[0]) / (ys[ys.length - 1] - ys[0]) * (ys.length - 1);
            int i = Math.max(0, Math.min(xs.length - 2, (int) Math.floor(u)));
            int j = Math.max(0, Math.min(ys.length - 2, (int) Math.floor(w)));
            double a = u - i, b = w - j;
            return (1 - a) * (1 - b) * z[j][i] + a * (1 - b) * z[j][i + 1] + (1 - a) * b * z[j + 1][i] + a * b * z[j + 1][i + 1];
        }
    }

    private Surface evaluate(double[] r) {
        double[] xs = GridLayer.linspace(r[0], r[1], nx), ys = GridLayer.linspace(r[2], r[3], ny);
        double[][] z = new double[ny][nx];
        double[] flat = new double[nx * ny];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                double v = f.applyAsDouble(xs[i], ys[j]);
                z[j][i] = v;
                flat[j * nx + i] = v;
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) throw new IllegalStateException("ContourPlot '" + title() + "': the function has no finite value on the grid");
        boolean logSpaced = log || spansDecades(flat);
        return new Surface(xs, ys, z, lo, hi, levelEdges(lo, hi, levels, logSpaced), logSpaced ? labelOffset(lo, hi) : 0);
    }

    /** The colour of band {@code b} of {@code bands}: viridis, dark at the minimum. */
    private static Color bandColor(int b, int bands) {
        return Palette.viridis(bands == 1 ? 0 : b / (bands - 1.0));
    }

    /**
     * Paints the filled levels as one image over the plot area: a marker on the frame's top-left corner whose size
     * is measured after layout; the image has a pixel per device pixel (at least two per chart pixel, also in SVG).
     */
    private static final class FillMarker extends Marker {
        Surface surface;
        double[] frame;
        double widthPx = 1, heightPx = 1;

        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            double scale = Math.max(2, Math.abs(g.getTransform().getScaleX()));
            int w = (int) Math.ceil(widthPx * scale), h = (int) Math.ceil(heightPx * scale);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            int bands = surface.edges().length + 1;
            int[] rgb = new int[bands];
            for (int b = 0; b < bands; b++) rgb[b] = bandColor(b, bands).getRGB();
            for (int py = 0; py < h; py++) {
                double cy = frame[3] - (py + 0.5) / h * (frame[3] - frame[2]);
                for (int px = 0; px < w; px++) {
                    double cx = frame[0] + (px + 0.5) / w * (frame[1] - frame[0]);
                    double v = surface.at(cx, cy);
                    if (Double.isNaN(v)) continue;
                    img.setRGB(px, py, rgb[band(v, surface.edges())]);
                }
            }
            g.drawImage(img, (int) Math.round(x), (int) Math.round(y), (int) Math.round(widthPx), (int) Math.round(heightPx), null);
        }
    }

    /** A five-pointed star, white with a black outline, for the minimum. */
    private static final class StarMarker extends Marker {
        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            double r = 11, ri = 4.6;
            Path2D.Double star = new Path2D.Double();
            for (int k = 0; k < 10; k++) {
                double a = -Math.PI / 2 + k * Math.PI / 5, rr = k % 2 == 0 ? r : ri;
                if (k == 0) star.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
                else star.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
            }
            star.closePath();
            g.setColor(Color.WHITE);
            g.fill(star);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            g.draw(star);
        }
    }

    /** A white disc with a black ring, for start points. */
    private static final class StartMarker extends Marker {
        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            Ellipse2D.Double disc = new Ellipse2D.Double(x - 7, y - 7, 14, 14);
            g.setColor(Color.WHITE);
            g.fill(disc);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2f));
            g.draw(disc);
        }
    }

    /**
     * The contour line at {@code level} by marching squares over the grid: segments as {x[], y[]} with a NaN gap
     * after each one (the chart draws each as a separate line).
     */
    static double[][] contourSegments(double[] xs, double[] ys, double[][] z, double level) {
        List<double[]> seg = new ArrayList<>();
        for (int j = 0; j + 1 < ys.length; j++) {
            for (int i = 0; i + 1 < xs.length; i++) {
                double a = z[j][i], b = z[j][i + 1], c = z[j + 1][i + 1], d = z[j + 1][i];
                if (!(Double.isFinite(a) && Double.isFinite(b) && Double.isFinite(c) && Double.isFinite(d))) continue;
                // Crossings on the four edges: bottom (a-b), right (b-c), top (d-c), left (a-d).
                List<double[]> cross = new ArrayList<>(4);
                if ((a < level) != (b < level)) cross.add(new double[] {lerp(xs[i], xs[i + 1], a, b, level), ys[j]});
                if ((b < level) != (c < level)) cross.add(new double[] {xs[i + 1], lerp(ys[j], ys[j + 1], b, c, level)});
                if ((d < level) != (c < level)) cross.add(new double[] {lerp(xs[i], xs[i + 1], d, c, level), ys[j + 1]});
                if ((a < level) != (d < level)) cross.add(new double[] {xs[i], lerp(ys[j], ys[j + 1], a, d, level)});
                if (cross.size() == 2) {
                    seg.add(cross.get(0));
                    seg.add(cross.get(1));
                } else if (cross.size() == 4) {
                    // A saddle cell: pair the crossings by the centre value's side.
                    boolean centreBelow = (a + b + c + d) / 4 < level;
                    boolean aBelow = a < level;
                    int[] order = centreBelow == aBelow ? new int[] {0, 1, 2, 3} : new int[] {0, 3, 1, 2};
                    for (int o : order) seg.add(cross.get(o));
                }
            }
        }
        double[][] xy = new double[2][seg.size() / 2 * 3];
        for (int s = 0, k = 0; s + 1 < seg.size(); s += 2) {
            xy[0][k] = seg.get(s)[0];
            xy[1][k++] = seg.get(s)[1];
            xy[0][k] = seg.get(s + 1)[0];
            xy[1][k++] = seg.get(s + 1)[1];
            xy[0][k] = Double.NaN;
            xy[1][k++] = Double.NaN;
        }
        return xy;
    }

    private static double lerp(double p, double q, double vp, double vq, double level) {
        return p + (level - vp) / (vq - vp) * (q - p);
    }

    @Override
    void addSeries(XYChart chart) {
        double[] r = frame();
        Surface s = evaluate(r);
        fill.surface = s;
        fill.frame = r;
        XYSeries image = chart.addSeries("__fill", new double[] {r[0]}, new double[] {r[3]});
        image.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        image.setMarker(fill);
        image.setShowInLegend(false);
        int bands = s.edges().length + 1;
        for (int b = 0; b < bands; b++) { // legend swatches: one undrawn (NaN) point per band
            double o = s.offset();
            String f = o == 0 ? "f" : "f \u2212 min";
            String name = b == 0 ? f + " < " + format((s.edges().length == 0 ? s.hi() : s.edges()[0]) - o)
                    : b == bands - 1 ? f + " \u2265 " + format(s.edges()[b - 1] - o)
                    : format(s.edges()[b - 1] - o) + " \u2264 " + f + " < " + format(s.edges()[b] - o);
            XYSeries sw = chart.addSeries(name, new double[] {r[0]}, new double[] {Double.NaN});
            sw.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            sw.setMarker(SeriesMarkers.SQUARE);
            sw.setMarkerColor(bandColor(b, bands));
        }
        for (int e = 0; e < s.edges().length; e++) {
            double[][] xy = contourSegments(s.xs(), s.ys(), s.z(), s.edges()[e]);
            if (xy[0].length == 0) continue;
            XYSeries line = chart.addSeries("__contour " + e, xy[0], xy[1]);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(new Color(255, 255, 255, 150));
            line.setLineStyle(new BasicStroke(0.9f));
            line.setShowInLegend(false);
        }
        addPaths(chart, r);
        List<double[]> starts = new ArrayList<>();
        for (Path2 t : trajectories) {
            double[] p = t.points()[0];
            if (starts.stream().noneMatch(q -> q[0] == p[0] && q[1] == p[1])) starts.add(p);
        }
        if (!starts.isEmpty()) {
            XYSeries st = chart.addSeries(starts.size() == 1 ? "start " + point(starts.get(0)) : "starts",
                    starts.stream().mapToDouble(p -> p[0]).toArray(), starts.stream().mapToDouble(p -> p[1]).toArray());
            st.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            st.setMarker(new StartMarker());
            st.setMarkerColor(Color.BLACK);
        }
        if (!minima.isEmpty()) {
            XYSeries m = chart.addSeries(minima.size() == 1 ? "minimum " + point(minima.get(0)) : "minima",
                    minima.stream().mapToDouble(p -> p[0]).toArray(), minima.stream().mapToDouble(p -> p[1]).toArray());
            m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            m.setMarker(new StarMarker());
            m.setMarkerColor(Color.BLACK);
        }
        chart.getStyler().setXAxisMin(r[0]).setXAxisMax(r[1]).setYAxisMin(r[2]).setYAxisMax(r[3]);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setMarkerSize(8);
    }

    private static String point(double[] p) {
        return "(" + Plot.tickLabel(p[0]) + ", " + Plot.tickLabel(p[1]) + ")";
    }

    /** The paths, longest first (so that shorter ones lie on top); a path over one it coincides with is dashed. */
    private void addPaths(XYChart chart, double[] r) {
        double tol = COINCIDE * Math.hypot(r[1] - r[0], r[3] - r[2]);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < trajectories.size(); i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> -length(trajectories.get(i).points())));
        List<Integer> drawn = new ArrayList<>();
        for (int i : order) {
            Path2 t = trajectories.get(i);
            Color c = Palette.overlay(i);
            boolean under = false, over = false;
            for (int j = 0; j < trajectories.size(); j++) {
                if (j == i || !coincide(t.points(), trajectories.get(j).points(), tol)) continue;
                if (drawn.contains(j)) over = true;
                else under = true;
            }
            float[] dash = dash(i, tol);
            float width = under ? 5f : over ? 2f : 2.4f;
            boolean zig = midlines && zigzags(t.points());
            double[][] line = zig ? midline(t.points()) : t.points();
            if (zig) {
                double[][] raw = clip(t.points(), r[0], r[1], r[2], r[3]);
                XYSeries steps = chart.addSeries("__steps " + i, raw[0], raw[1]);
                steps.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                steps.setMarker(SeriesMarkers.NONE);
                steps.setLineColor(Palette.alpha(c, 0.35));
                steps.setLineStyle(new BasicStroke(1f));
                steps.setShowInLegend(false);
            }
            double[][] xy = clip(line, r[0], r[1], r[2], r[3]);
            XYSeries s = chart.addSeries("__path " + i, xy[0], xy[1]);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(c);
            s.setLineStyle(stroke(width, dash));
            s.setShowInLegend(false);
            double[][] marks = marks(line, r);
            XYSeries m = chart.addSeries("__marks " + i, marks[0], marks[1]);
            m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            m.setMarker(MARKERS[i % MARKERS.length]);
            m.setMarkerColor(c);
            m.setShowInLegend(false);
            drawn.add(i);
        }
        for (int i = 0; i < trajectories.size(); i++) { // legend entries in the order given
            Color c = Palette.overlay(i);
            XYSeries key = chart.addSeries(trajectories.get(i).name(), new double[] {r[0]}, new double[] {Double.NaN});
            key.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            key.setMarker(MARKERS[i % MARKERS.length]);
            key.setMarkerColor(c);
            key.setLineColor(c);
            key.setLineStyle(stroke(2.4f, dash(i, tol)));
        }
    }

    /** Path i's dash: its own, or a plain dash where it lies over an earlier-drawn path that it coincides with. */
    private float[] dash(int i, double tol) {
        double len = length(trajectories.get(i).points());
        for (int j = 0; j < trajectories.size(); j++) {
            if (j == i || !coincide(trajectories.get(i).points(), trajectories.get(j).points(), tol)) continue;
            double other = length(trajectories.get(j).points());
            if (other > len || (other == len && j < i)) return DASHES[1]; // j is drawn first
        }
        return DASHES[i % DASHES.length];
    }

    private static BasicStroke stroke(float width, float[] dash) {
        return dash == null ? new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    /** About {@link #MARKS_PER_PATH} evenly spaced points of the path inside the frame, its end included. */
    private static double[][] marks(double[][] p, double[] r) {
        int every = Math.max(1, (p.length - 1) / MARKS_PER_PATH);
        List<double[]> m = new ArrayList<>();
        for (int k = 0; k < p.length; k += every) m.add(p[k]);
        if ((p.length - 1) % every != 0) m.add(p[p.length - 1]);
        m.removeIf(q -> !(q[0] >= r[0] && q[0] <= r[1] && q[1] >= r[2] && q[1] <= r[3]));
        if (m.isEmpty()) m.add(new double[] {Double.NaN, Double.NaN});
        return new double[][] {m.stream().mapToDouble(q -> q[0]).toArray(), m.stream().mapToDouble(q -> q[1]).toArray()};
    }

    private static double length(double[][] p) {
        double s = 0;
        for (int k = 1; k < p.length; k++) {
            double d = Math.hypot(p[k][0] - p[k - 1][0], p[k][1] - p[k - 1][1]);
            if (Double.isFinite(d)) s += d;
        }
        return s;
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
        return Plot.tickLabel(v);
    }

    @Override
    boolean needsLayoutPass() {
        return true;
    }

    @Override
    void afterLayout(XYChart chart) {
        double[] r = fill.frame;
        fill.widthPx = Math.abs(chart.getScreenXFromChart(r[1]) - chart.getScreenXFromChart(r[0]));
        fill.heightPx = Math.abs(chart.getScreenYFromChart(r[3]) - chart.getScreenYFromChart(r[2]));
    }
}
