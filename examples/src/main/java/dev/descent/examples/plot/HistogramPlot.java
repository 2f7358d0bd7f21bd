package dev.descent.examples.plot;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Histograms of one or more samples over common bins, drawn as translucent filled outlines so that overlapping
 * distributions (weights at the start and at the end of training) stay visible. A sample whose values are all
 * equal (zero-initialised weights) gets one bin around that value.
 *
 * <pre>{@code
 * Plots.histogram("Layer 1 weights", "weight").add("start", w0).add("end", w1).bins(40)
 *      .savePng(dir.resolve("weights-1.png"));
 * }</pre>
 */
public final class HistogramPlot extends XyPlot<HistogramPlot> {
    private record Sample(String name, double[] values) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private int bins = 30;

    HistogramPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /** Adds a sample; its non-finite values are ignored. */
    public HistogramPlot add(String name, double[] values) {
        Objects.requireNonNull(values, "values");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("HistogramPlot.add: blank name");
        for (Sample s : samples) {
            if (s.name().equals(name)) throw new IllegalArgumentException("HistogramPlot.add: duplicate name '" + name + "'");
        }
        samples.add(new Sample(name, values.clone()));
        return this;
    }

    /** The number of bins (1..1000; default 30). */
    public HistogramPlot bins(int bins) {
        if (bins < 1 || bins > 1000) throw new IllegalArgumentException("HistogramPlot.bins: expected 1..1000, got " + bins);
        this.bins = bins;
        return this;
    }

    /**
     * The counts of {@code values} in {@code bins} equal bins over [lo, hi]; the last bin includes {@code hi}.
     * Non-finite values are not counted.
     */
    static long[] counts(double[] values, double lo, double hi, int bins) {
        long[] c = new long[bins];
        double w = (hi - lo) / bins;
        for (double v : values) {
            if (!Double.isFinite(v) || v < lo || v > hi) continue;
            c[Math.min(bins - 1, (int) ((v - lo) / w))]++;
        }
        return c;
    }

    @Override
    void addSeries(XYChart chart) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Sample s : samples) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) throw new IllegalStateException("HistogramPlot '" + title() + "': no finite value to count");
        if (lo == hi) { // NOTE: a constant sample (zero init) still gets a visible bar.
            double pad = lo == 0 ? 0.5 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double w = (hi - lo) / bins;
        for (int i = 0; i < samples.size(); i++) {
            long[] c = counts(samples.get(i).values(), lo, hi, bins);
            // The outline of the bars: up at each left edge, across, down at the last right edge.
            double[] x = new double[2 * bins + 2], y = new double[2 * bins + 2];
            x[0] = lo;
            for (int b = 0; b < bins; b++) {
                x[2 * b + 1] = lo + b * w;
                y[2 * b + 1] = c[b];
                x[2 * b + 2] = lo + (b + 1) * w;
                y[2 * b + 2] = c[b];
            }
            // NOTE: lo + bins * w can round above hi; the outline must not step back (XChart rejects it).
            x[2 * bins + 1] = x[2 * bins];
            XYSeries s = chart.addSeries(samples.get(i).name(), x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Palette.category(i));
            s.setLineStyle(new BasicStroke(1.5f));
            s.setFillColor(Palette.alpha(Palette.category(i), 0.35));
        }
        chart.getStyler().setYAxisMin(0.0);
    }
}
