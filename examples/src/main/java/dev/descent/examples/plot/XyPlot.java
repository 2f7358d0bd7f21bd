package dev.descent.examples.plot;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.awt.image.BufferedImage;

/**
 * A plot drawn as XChart series on an XY chart: subclasses add their series to a fresh chart, this class styles and
 * renders it.
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

    @Override
    public BufferedImage render() {
        XYChart chart = new XYChartBuilder().width(width()).height(height()).title(title()).xAxisTitle(xLabel())
                .yAxisTitle(yLabel()).build();
        style(chart.getStyler());
        addSeries(chart);
        chart.setCustomXAxisTickLabelsFormatter(Plot::tickLabel);
        if (!chart.getStyler().isYAxisLogarithmic()) chart.setCustomYAxisTickLabelsFormatter(Plot::tickLabel);
        if (needsLayoutPass()) {
            BitmapEncoder.getBufferedImage(chart); // lays out the plot area so pixel sizes can be measured
            afterLayout(chart);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }
}
