package dev.descent.examples.plot;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Line chart of one or more series, for cost curves and other per-step measurements. Infinite and NaN values
 * (a diverging run) are drawn as gaps; with {@link #logY()} non-positive values are gaps as well. The y axis is
 * logarithmic by itself where every value is positive and they span more than two decades
 * ({@link #spansDecades}), unless {@link #linearY()} says otherwise. With {@link #runningMean(int)} noisy series
 * (a cost per update) are drawn faded, with their running mean on top.
 *
 * <pre>{@code
 * Plots.line("Cost per epoch", "epoch", "cost")
 *      .series("lr = 0.001", small).series("lr = 0.1", good).logY()
 *      .savePng(dir.resolve("cost.png"));
 * }</pre>
 */
public final class LinePlot extends XyPlot<LinePlot> {
    private record Series(String name, double[] x, double[] y, boolean scatter) {
    }

    private final List<Series> series = new ArrayList<>();
    private Boolean logY;
    private boolean markers;
    private int window;

    LinePlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /** Adds a series plotted against 1, 2, ..., n (epochs or steps). */
    public LinePlot series(String name, double[] y) {
        Objects.requireNonNull(y, "y");
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        return series(name, x, y);
    }

    /** Adds a series of points {@code (x[i], y[i])}. */
    public LinePlot series(String name, double[] x, double[] y) {
        Plots.checkSeries("LinePlot.series", name, x, y, series.stream().map(Series::name).toList());
        series.add(new Series(name, x.clone(), y.clone(), false));
        return this;
    }

    /** Adds points {@code (x[i], y[i])} drawn as markers without a line (data under fitted curves). */
    public LinePlot points(String name, double[] x, double[] y) {
        Plots.checkSeries("LinePlot.points", name, x, y, series.stream().map(Series::name).toList());
        series.add(new Series(name, x.clone(), y.clone(), true));
        return this;
    }

    /** Uses a logarithmic y axis (for losses spanning orders of magnitude). */
    public LinePlot logY() {
        this.logY = true;
        return this;
    }

    /** Keeps the y axis linear even where the values span decades. */
    public LinePlot linearY() {
        this.logY = false;
        return this;
    }

    /**
     * Draws each series faded, with its running mean over the last {@code window} values (fewer at the start) on
     * top: for noisy per-update costs.
     */
    public LinePlot runningMean(int window) {
        if (window < 2) throw new IllegalArgumentException("LinePlot.runningMean: expected a window of at least 2, got " + window);
        this.window = window;
        return this;
    }

    /** Whether the y axis is logarithmic: as set, or else whether the values span more than two decades. */
    public boolean isLogY() {
        if (logY != null) return logY;
        return spansDecades(series.stream().map(Series::y).toList());
    }

    /**
     * Whether every finite value is positive and the largest is more than 100 times the smallest (more than two
     * decades), so that a linear axis would flatten all but the largest values.
     */
    public static boolean spansDecades(List<double[]> values) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double[] y : values) {
            for (double v : y) {
                if (!Double.isFinite(v)) continue;
                if (v <= 0) return false;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi > 0 && hi > 100 * lo;
    }

    /**
     * The trailing running mean: {@code out[i]} is the mean of the finite values among {@code y[i - window + 1 .. i]}
     * (from index 0 at the start), NaN where there is none.
     */
    public static double[] runningMean(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < y.length; i++) {
            if (Double.isFinite(y[i])) {
                sum += y[i];
                n++;
            }
            if (i >= window && Double.isFinite(y[i - window])) {
                sum -= y[i - window];
                n--;
            }
            out[i] = n == 0 ? Double.NaN : sum / n;
        }
        return out;
    }

    /** Draws a marker at every point as well as the line (for short series). */
    public LinePlot markers() {
        this.markers = true;
        return this;
    }

    @Override
    void addSeries(XYChart chart) {
        if (series.isEmpty()) throw new IllegalStateException("LinePlot '" + title() + "': no series were added");
        boolean log = isLogY();
        chart.getStyler().setYAxisLogarithmic(log);
        boolean anyPoint = false;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            double[] y = finiteOrGap(s.y());
            if (log) for (int j = 0; j < y.length; j++) if (y[j] <= 0) y[j] = Double.NaN;
            for (double v : y) anyPoint |= !Double.isNaN(v);
            boolean smooth = window > 0 && !s.scatter();
            XYSeries xy = chart.addSeries(smooth ? "__raw " + s.name() : s.name(), s.x(), y);
            xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            xy.setLineColor(smooth ? Palette.alpha(Palette.tint(Palette.category(i), 0.3), 0.35) : Palette.category(i));
            xy.setMarkerColor(Palette.category(i));
            xy.setLineStyle(new BasicStroke(smooth ? 0.8f : 2.2f));
            xy.setMarker(markers || s.scatter() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (s.scatter()) xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            if (smooth) xy.setShowInLegend(false);
        }
        for (int i = 0; window > 0 && i < series.size(); i++) { // the means on top of every faded series
            Series s = series.get(i);
            if (s.scatter()) continue;
            double[] mean = runningMean(s.y(), window);
            if (log) for (int j = 0; j < mean.length; j++) if (mean[j] <= 0) mean[j] = Double.NaN;
            XYSeries xy = chart.addSeries(s.name() + " (mean of " + window + ")", s.x(), mean);
            xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            xy.setLineColor(Palette.category(i));
            xy.setLineStyle(new BasicStroke(2.4f));
            xy.setMarker(SeriesMarkers.NONE);
        }
        if (!anyPoint) {
            throw new IllegalStateException("LinePlot '" + title() + "': no finite" + (log ? " positive" : "")
                    + " value to draw");
        }
    }
}
