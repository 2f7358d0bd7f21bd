package dev.descent.examples.plot;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * A plot drawn as XChart series on an XY chart: subclasses add their series to a fresh chart, this class styles and
 * renders it. Linear axes are ticked at round values (0, 5, 10 rather than the data's first value plus steps of its
 * range); logarithmic axes at XChart's decades.
 *
 * @param <P> the concrete plot type, returned by the fluent setters
 */
public abstract class XyPlot<P extends XyPlot<P>> extends Plot<P> {

    XyPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /** Adds this plot's series to {@code chart}; called once per rendering on a fresh chart. */
    abstract void addSeries(XYChart chart);

    /** Hook for plots whose drawing depends on the laid-out plot area; called after a first rendering. */
    void afterLayout(XYChart chart) {
    }

    /** Whether {@link #afterLayout} needs a first rendering to measure the plot area. */
    boolean needsLayoutPass() {
        return false;
    }

    /** A fresh chart with this plot's series, styled, its axes ticked on round values, ready to paint. */
    XYChart chart() {
        XYChart chart = new XYChartBuilder().width(width()).height(height()).title(title()).xAxisTitle(xLabel())
                .yAxisTitle(yLabel()).build();
        style(chart.getStyler());
        addSeries(chart);
        roundTicks(chart);
        chart.setCustomXAxisTickLabelsFormatter(Plot::tickLabel);
        if (!chart.getStyler().isYAxisLogarithmic()) chart.setCustomYAxisTickLabelsFormatter(Plot::tickLabel);
        if (needsLayoutPass()) {
            BitmapEncoder.getBufferedImage(chart); // lays out the plot area so pixel sizes can be measured
            afterLayout(chart);
        }
        return chart;
    }

    /**
     * Makes XChart tick the linear x axis at round values. Where every series' x values are equally spaced (1/32,
     * 2/32, ...) XChart puts its ticks on data values (0.0313, 3.78, 7.53); an undrawn series with three x values at
     * unequal spacing inside the data range sends it to its round-step ticks instead. The y values are ticked by
     * their round steps anyway.
     */
    private static void roundTicks(XYChart chart) {
        double[] x = dataRange(chart, true);
        if (x == null || chart.getStyler().isXAxisLogarithmic()) return;
        // NOTE: 0.381966 (the golden section) makes the spacing unequal for any equally spaced data.
        double[] probe = {x[0], x[0] + 0.381966 * (x[1] - x[0]), x[1]};
        XYSeries s = chart.addSeries("__ticks", probe, new double[] {Double.NaN, Double.NaN, Double.NaN});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    /** The finite {min, max} of every series' x (or y) values, or null when there is none. */
    static double[] dataRange(XYChart chart, boolean x) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : x ? s.getXData() : s.getYData()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) return null;
        if (lo == hi) return new double[] {lo - 0.5, hi + 0.5};
        return new double[] {lo, hi};
    }

    @Override
    Dimension paint(Graphics2D g) {
        chart().paint(g, width(), height());
        return new Dimension(width(), height());
    }

    @Override
    boolean paintsVectors() {
        return true;
    }

    @Override
    public BufferedImage render() {
        return render(1);
    }
}
