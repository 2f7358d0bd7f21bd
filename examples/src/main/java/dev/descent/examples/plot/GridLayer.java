package dev.descent.examples.plot;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * A filled map over a regular grid, drawn with XChart's own series: one scatter series per colour level whose
 * marker is a rectangle exactly one grid cell wide and high (measured on the laid-out plot area). The legend shows
 * one ordinary square swatch per level. Used by the heat map and the decision-boundary chart, under their points.
 */
final class GridLayer {
    /** Fills a rectangle centred on the point, of the grid cell's size in pixels. */
    private static final class CellMarker extends Marker {
        double widthPx = 4, heightPx = 4;

        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            g.fill(new Rectangle2D.Double(x - widthPx / 2, y - heightPx / 2, widthPx, heightPx));
        }
    }

    private final double[] xs, ys;
    private final CellMarker marker = new CellMarker();

    /** A grid with cell centres {@code xs} (ascending, at least 2) times {@code ys} (ascending, at least 2). */
    GridLayer(double[] xs, double[] ys) {
        this.xs = xs;
        this.ys = ys;
    }

    /** {@code n} evenly spaced values from {@code lo} to {@code hi}. */
    static double[] linspace(double lo, double hi, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * i / (n - 1);
        return v;
    }

    /** All grid points as an (nx * ny, 2) array, row by row (y outer, x inner). */
    double[][] points() {
        double[][] p = new double[xs.length * ys.length][];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) p[j * xs.length + i] = new double[] {xs[i], ys[j]};
        }
        return p;
    }

    /**
     * Adds the map: {@code level[k]} is the colour index of grid point {@code k} (in {@link #points()} order), -1 for
     * none. Each used level gets a legend swatch named {@code names.get(level)}.
     */
    void add(XYChart chart, int[] level, List<Color> colors, List<String> names) {
        // Legend swatches: one undrawn (NaN) point per level, so that the legend shows an ordinary square.
        for (int l = 0; l < colors.size(); l++) {
            if (!used(level, l)) continue;
            XYSeries s = chart.addSeries(names.get(l), new double[] {xs[0]}, new double[] {Double.NaN});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.SQUARE);
            s.setMarkerColor(colors.get(l));
        }
        for (int l = 0; l < colors.size(); l++) {
            List<Integer> idx = new ArrayList<>();
            for (int k = 0; k < level.length; k++) if (level[k] == l) idx.add(k);
            if (idx.isEmpty()) continue;
            double[] x = new double[idx.size()], y = new double[idx.size()];
            for (int k = 0; k < x.length; k++) {
                x[k] = xs[idx.get(k) % xs.length];
                y[k] = ys[idx.get(k) / xs.length];
            }
            XYSeries s = chart.addSeries("__grid level " + l, x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(marker);
            s.setMarkerColor(colors.get(l));
            s.setShowInLegend(false);
        }
        // The axes span the cells' outer edges.
        double hx = (xs[1] - xs[0]) / 2, hy = (ys[1] - ys[0]) / 2;
        chart.getStyler().setXAxisMin(xs[0] - hx).setXAxisMax(xs[xs.length - 1] + hx);
        chart.getStyler().setYAxisMin(ys[0] - hy).setYAxisMax(ys[ys.length - 1] + hy);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setPlotContentSize(1.0); // the cells fill the plot area edge to edge
    }

    private static boolean used(int[] level, int l) {
        for (int v : level) if (v == l) return true;
        return false;
    }

    /** Sizes the cell marker from the laid-out plot area; call after a first rendering. */
    void measure(XYChart chart) {
        double w = Math.abs(chart.getScreenXFromChart(xs[1]) - chart.getScreenXFromChart(xs[0]));
        double h = Math.abs(chart.getScreenYFromChart(ys[1]) - chart.getScreenYFromChart(ys[0]));
        // NOTE: half a pixel of overlap so that anti-aliased edges leave no seams between cells.
        marker.widthPx = w + 0.5;
        marker.heightPx = h + 0.5;
    }
}
