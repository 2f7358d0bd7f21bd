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
 * (a diverging run) are drawn as gaps; with {@link #logY()} non-positive values are gaps as well.
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
    private boolean logY;
    private boolean markers;

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

    /** Draws a marker at every point as well as the line (for short series). */
    public LinePlot markers() {
        this.markers = true;
        return this;
    }

    @Override
    void addSeries(XYChart chart) {
        if (series.isEmpty()) throw new IllegalStateException("LinePlot '" + title() + "': no series were added");
        chart.getStyler().setYAxisLogarithmic(logY);
        boolean anyPoint = false;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            double[] y = finiteOrGap(s.y());
            if (logY) for (int j = 0; j < y.length; j++) if (y[j] <= 0) y[j] = Double.NaN;
            for (double v : y) anyPoint |= !Double.isNaN(v);
            XYSeries xy = chart.addSeries(s.name(), s.x(), y);
            xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            xy.setLineColor(Palette.category(i));
            xy.setMarkerColor(Palette.category(i));
            xy.setLineStyle(new BasicStroke(2.2f));
            xy.setMarker(markers || s.scatter() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (s.scatter()) xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        if (!anyPoint) {
            throw new IllegalStateException("LinePlot '" + title() + "': no finite" + (logY ? " positive" : "")
                    + " value to draw");
        }
    }
}
