package dev.descent.examples.plot;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.util.ArrayList;
import java.util.List;

/**
 * Scatter plot of 2-D points coloured by class, one legend entry per class.
 *
 * <pre>{@code
 * Plots.scatter("Circles (train)", "x1", "x2").points(xy, labels).classNames("outer", "inner")
 *      .savePng(dir.resolve("circles.png"));
 * }</pre>
 */
public final class ScatterPlot extends XyPlot<ScatterPlot> {
    private double[][] points;
    private int[] labels;
    private List<String> classNames = List.of();

    ScatterPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /** The points, an (n, 2) array, and each point's class label (0, 1, ...). */
    public ScatterPlot points(double[][] xy, int[] labels) {
        Plots.checkPoints("ScatterPlot.points", xy, labels);
        this.points = xy.clone();
        this.labels = labels.clone();
        return this;
    }

    /** Names for classes 0, 1, ... in the legend (default "class 0", "class 1", ...). */
    public ScatterPlot classNames(String... names) {
        this.classNames = List.of(names);
        return this;
    }

    @Override
    void addSeries(XYChart chart) {
        if (points == null) throw new IllegalStateException("ScatterPlot '" + title() + "': no points were added");
        addClassSeries(chart, points, labels, classNames, "");
    }

    /** Adds one scatter series per class present in {@code labels}; shared with the decision-boundary chart. */
    static void addClassSeries(XYChart chart, double[][] xy, int[] labels, List<String> names, String suffix) {
        int classes = 0;
        for (int l : labels) classes = Math.max(classes, l + 1);
        for (int c = 0; c < classes; c++) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) if (labels[i] == c) idx.add(i);
            if (idx.isEmpty()) continue;
            double[] x = new double[idx.size()], y = new double[idx.size()];
            for (int k = 0; k < x.length; k++) {
                x[k] = xy[idx.get(k)][0];
                y[k] = xy[idx.get(k)][1];
            }
            XYSeries s = chart.addSeries(Plots.className(names, c) + suffix, x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(Palette.category(c));
        }
    }
}
