package dev.descent.examples.plot;

import java.util.List;
import java.util.Objects;

/**
 * Factories for the charts the demos draw, each rendered by XChart to a PNG with a title, axis labels and a legend
 * (the image grid, which shows pixels rather than a chart, is drawn with Java 2D).
 *
 * <pre>{@code
 * Plots.line("Cost", "epoch", "cost").series("GD", gd).series("Adam", adam).logY().savePng(dir.resolve("cost.png"));
 * Plots.scatter("Moons", "x1", "x2").points(xy, labels).savePng(dir.resolve("moons.png"));
 * Plots.histogram("Layer 1 gradients", "gradient").add("epoch 1", g1).savePng(dir.resolve("grad.png"));
 * Plots.contour("Ravine", "w1", "w2").function((a, b) -> a * a + 10 * b * b, -3, 3, -2, 2)
 *      .trajectory("momentum", path).savePng(dir.resolve("ravine.png"));
 * Plots.decisionBoundary("Adam", "x1", "x2").data(xy, labels).classifier(model::predict)
 *      .savePng(dir.resolve("boundary.png"));
 * Plots.confusionMatrix("Test confusion matrix").counts(counts).classNames(names)
 *      .savePng(dir.resolve("confusion.png"));
 * Plots.imageGrid("Misclassified", "true \u2192 predicted", "test images").image(pixels, 28, 28, "Shirt", "\u2192 T-shirt/top", true)
 *      .savePng(dir.resolve("misclassified.png"));
 * }</pre>
 */
public final class Plots {
    private Plots() {
    }

    /** A line chart of one or more series. */
    public static LinePlot line(String title, String xLabel, String yLabel) {
        return new LinePlot(title, xLabel, yLabel);
    }

    /** A scatter plot of 2-D points coloured by class. */
    public static ScatterPlot scatter(String title, String xLabel, String yLabel) {
        return new ScatterPlot(title, xLabel, yLabel);
    }

    /** Histograms of one or more samples over common bins; the y axis counts values. */
    public static HistogramPlot histogram(String title, String xLabel) {
        return new HistogramPlot(title, xLabel, "count");
    }

    /** A filled contour (heat map) of a 2-D function with optional trajectories over it. */
    public static ContourPlot contour(String title, String xLabel, String yLabel) {
        return new ContourPlot(title, xLabel, yLabel);
    }

    /** The decision regions of a 2-D classifier under the data points. */
    public static DecisionBoundaryPlot decisionBoundary(String title, String xLabel, String yLabel) {
        return new DecisionBoundaryPlot(title, xLabel, yLabel);
    }

    /** A confusion matrix: true class down, predicted class across, with the count in each cell. */
    public static ConfusionMatrixPlot confusionMatrix(String title) {
        return new ConfusionMatrixPlot(title, "predicted class", "true class");
    }

    /** A grid of grey-scale images with captions, e.g. misclassified examples. */
    public static ImageGridPlot imageGrid(String title, String xLabel, String yLabel) {
        return new ImageGridPlot(title, xLabel, yLabel);
    }

    /** Panels tiled into one figure, {@code columns} to a row, each with its own title, axes and legend. */
    public static PanelGrid grid(String title, int columns, List<? extends Plot<?>> panels) {
        return new PanelGrid(title, columns, panels);
    }

    static String className(List<String> names, int c) {
        return c < names.size() ? names.get(c) : "class " + c;
    }

    static void checkSeries(String op, String name, double[] x, double[] y, List<String> existing) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (name == null || name.isBlank()) throw new IllegalArgumentException(op + ": blank series name");
        if (existing.contains(name)) throw new IllegalArgumentException(op + ": duplicate series name '" + name + "'");
        if (x.length != y.length) {
            throw new IllegalArgumentException(op + ": series '" + name + "' has " + x.length + " x values and "
                    + y.length + " y values");
        }
        if (x.length == 0) throw new IllegalArgumentException(op + ": series '" + name + "' is empty");
    }

    /** Checks an (n, 2) point array and, when given, n non-negative labels. */
    static void checkPoints(String op, double[][] xy, int[] labels) {
        Objects.requireNonNull(xy, "points");
        if (xy.length == 0) throw new IllegalArgumentException(op + ": no points");
        for (int i = 0; i < xy.length; i++) {
            if (xy[i] == null || xy[i].length != 2) {
                throw new IllegalArgumentException(op + ": expected an (n, 2) array, row " + i + " has "
                        + (xy[i] == null ? "null" : xy[i].length + " values"));
            }
        }
        if (labels == null) return;
        if (labels.length != xy.length) {
            throw new IllegalArgumentException(op + ": " + xy.length + " points but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) throw new IllegalArgumentException(op + ": label " + i + " is negative: " + labels[i]);
        }
    }
}
