package dev.descent.examples.plot;

import org.knowm.xchart.XYChart;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decision boundary of a 2-D classifier: the class each point of a grid is assigned, as a filled map of light class
 * colours, under the data points in the full class colours. With {@link #probabilities()} the model returns the
 * probability of class 1 and the map shows five bands of it, so the boundary's sharpness is visible.
 *
 * <pre>{@code
 * Plots.decisionBoundary("He initialisation", "x1", "x2")
 *      .data(testX, testY)
 *      .classifier(points -> model.predict(points))   // (n, 2) -> n class indices
 *      .savePng(dir.resolve("boundary-he.png"));
 * }</pre>
 */
public final class DecisionBoundaryPlot extends XyPlot<DecisionBoundaryPlot> {
    /** How far the light region colours are moved towards white. */
    static final double REGION_TINT = 0.6;
    private static final int BANDS = 5;

    private GridClassifier classifier;
    private double[][] data;
    private int[] labels;
    private List<String> classNames = List.of();
    private boolean probabilities;
    private int nx = 160, ny = 120;
    private double margin = 0.1;
    private double[] bounds;
    private GridLayer layer;

    DecisionBoundaryPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /** The model; called once with every grid point. */
    public DecisionBoundaryPlot classifier(GridClassifier classifier) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        return this;
    }

    /** The data points, an (n, 2) array, with their true labels. */
    public DecisionBoundaryPlot data(double[][] xy, int[] labels) {
        Plots.checkPoints("DecisionBoundaryPlot.data", xy, labels);
        this.data = xy.clone();
        this.labels = labels.clone();
        return this;
    }

    /** Names for classes 0, 1, ... in the legend. */
    public DecisionBoundaryPlot classNames(String... names) {
        this.classNames = List.of(names);
        return this;
    }

    /** The classifier returns the probability of class 1 (a binary model's sigmoid output). */
    public DecisionBoundaryPlot probabilities() {
        this.probabilities = true;
        return this;
    }

    /** The grid resolution (each 2..1000; default 160 x 120). */
    public DecisionBoundaryPlot grid(int nx, int ny) {
        if (nx < 2 || ny < 2 || nx > 1000 || ny > 1000) {
            throw new IllegalArgumentException("DecisionBoundaryPlot.grid: expected 2..1000 per axis, got " + nx + " x " + ny);
        }
        this.nx = nx;
        this.ny = ny;
        return this;
    }

    /** The region to map; by default the data's bounding box grown by 10% on each side. */
    public DecisionBoundaryPlot region(double xMin, double xMax, double yMin, double yMax) {
        checkRange("region", xMin, xMax);
        checkRange("region", yMin, yMax);
        this.bounds = new double[] {xMin, xMax, yMin, yMax};
        return this;
    }

    private double[] bounds() {
        if (bounds != null) return bounds;
        double[] b = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[] p : data) {
            b[0] = Math.min(b[0], p[0]);
            b[1] = Math.max(b[1], p[0]);
            b[2] = Math.min(b[2], p[1]);
            b[3] = Math.max(b[3], p[1]);
        }
        double px = Math.max(b[1] - b[0], 1e-9) * margin, py = Math.max(b[3] - b[2], 1e-9) * margin;
        return new double[] {b[0] - px, b[1] + px, b[2] - py, b[3] + py};
    }

    @Override
    void addSeries(XYChart chart) {
        if (classifier == null) throw new IllegalStateException("DecisionBoundaryPlot '" + title() + "': no classifier");
        if (data == null) throw new IllegalStateException("DecisionBoundaryPlot '" + title() + "': no data points");
        double[] b = bounds();
        layer = new GridLayer(GridLayer.linspace(b[0], b[1], nx), GridLayer.linspace(b[2], b[3], ny));
        double[][] grid = layer.points();
        double[] out = classifier.predict(grid);
        if (out == null || out.length != grid.length) {
            throw new IllegalStateException("DecisionBoundaryPlot: the classifier returned "
                    + (out == null ? "null" : out.length + " values") + " for " + grid.length + " grid points");
        }
        int classes = 0;
        for (int l : labels) classes = Math.max(classes, l + 1);
        int[] level = new int[out.length];
        List<Color> colors = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (probabilities) {
            for (int k = 0; k < out.length; k++) {
                double p = out[k];
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalStateException("DecisionBoundaryPlot: expected probabilities in [0, 1], got " + p);
                }
                level[k] = Math.min(BANDS - 1, (int) (p * BANDS));
            }
            Color c0 = Palette.tint(Palette.category(0), REGION_TINT - 0.15);
            Color c1 = Palette.tint(Palette.category(1), REGION_TINT - 0.15);
            for (int l = 0; l < BANDS; l++) {
                double mid = (l + 0.5) / BANDS;
                // NOTE: the bands fade towards light grey at p = 0.5, so the boundary is where the colour vanishes.
                double certainty = Math.abs(mid - 0.5) * 2; // 0.2, 0.6, 1.0
                colors.add(l == BANDS / 2 ? new Color(0xeeeeee)
                        : Palette.tint(mid < 0.5 ? c0 : c1, 0.75 * (1 - certainty)));
                names.add(String.format(java.util.Locale.ROOT, "P(%s) %.1f\u2013%.1f", Plots.className(classNames, 1),
                        (double) l / BANDS, (l + 1.0) / BANDS));
            }
        } else {
            int maxClass = Math.max(classes - 1, 0);
            for (int k = 0; k < out.length; k++) {
                double v = out[k];
                long c = Math.round(v);
                if (!Double.isFinite(v) || c < 0 || Math.abs(v - c) > 1e-9) {
                    throw new IllegalStateException("DecisionBoundaryPlot: expected class indices, got " + v
                            + " (call probabilities() for a model that returns P(class 1))");
                }
                level[k] = (int) c;
                maxClass = Math.max(maxClass, (int) c);
            }
            for (int c = 0; c <= maxClass; c++) {
                colors.add(Palette.tint(Palette.category(c), REGION_TINT));
                names.add("predicted " + Plots.className(classNames, c));
            }
        }
        layer.add(chart, level, colors, names);
        ScatterPlot.addClassSeries(chart, data, labels, classNames, "");
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
