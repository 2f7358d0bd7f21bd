package dev.descent.examples.plot;

import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A confusion matrix as an XChart heat map: row {@code i} (the true class, first class at the top) and column
 * {@code j} (the predicted class) show how many samples of class {@code i} were predicted as {@code j}; the count is
 * written in each cell and the colour scale is the legend. A perfect classifier has everything on the diagonal.
 *
 * <pre>{@code
 * int[][] counts = ...;                                   // counts[true][predicted]
 * Plots.confusionMatrix("Shapes: test confusion matrix")
 *      .counts(counts).classNames(List.of("circle", "square", "triangle"))
 *      .savePng(dir.resolve("confusion.png"));
 * }</pre>
 */
public final class ConfusionMatrixPlot extends Plot<ConfusionMatrixPlot> {
    // NOTE: white to a mid blue, light enough at the top that the black counts stay readable in every cell.
    private static final Color[] SCALE = {Color.WHITE, new Color(0xdeebf7), new Color(0x9ecae1), new Color(0x4292c6)};

    private int[][] counts;
    private List<String> classNames = List.of();

    ConfusionMatrixPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
        size(DEFAULT_HEIGHT + 140, DEFAULT_HEIGHT);
    }

    /** The square matrix of counts, {@code counts[true class][predicted class]}, each >= 0. */
    public ConfusionMatrixPlot counts(int[][] counts) {
        Objects.requireNonNull(counts, "counts");
        int k = counts.length;
        if (k == 0) throw new IllegalArgumentException("ConfusionMatrixPlot.counts: no classes");
        int[][] copy = new int[k][];
        for (int i = 0; i < k; i++) {
            if (counts[i] == null || counts[i].length != k) {
                throw new IllegalArgumentException("ConfusionMatrixPlot.counts: expected a " + k + " x " + k
                        + " matrix, row " + i + " has " + (counts[i] == null ? "null" : counts[i].length + " values"));
            }
            for (int j = 0; j < k; j++) {
                if (counts[i][j] < 0) {
                    throw new IllegalArgumentException("ConfusionMatrixPlot.counts: negative count " + counts[i][j]
                            + " at (" + i + ", " + j + ")");
                }
            }
            copy[i] = counts[i].clone();
        }
        this.counts = copy;
        return this;
    }

    /** Names of classes 0, 1, ... on both axes (default "class 0", "class 1", ...). */
    public ConfusionMatrixPlot classNames(List<String> names) {
        this.classNames = List.copyOf(names);
        return this;
    }

    @Override
    public BufferedImage render() {
        return render(1);
    }

    @Override
    boolean paintsVectors() {
        return true;
    }

    @Override
    Dimension paint(Graphics2D g) {
        chart().paint(g, width(), height());
        return new Dimension(width(), height());
    }

    private HeatMapChart chart() {
        if (counts == null) throw new IllegalStateException("ConfusionMatrixPlot '" + title() + "': no counts were given");
        int k = counts.length;
        HeatMapChart chart = new HeatMapChartBuilder().width(width()).height(height()).title(title())
                .xAxisTitle(xLabel()).yAxisTitle(yLabel()).build();
        HeatMapStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setChartTitleBoxVisible(false);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setRangeColors(SCALE);
        s.setShowValue(true);
        s.setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, k > 6 ? 12 : 16));
        s.setValueFontColor(Color.BLACK);
        s.setHeatMapDecimalValueFormatter(v -> Long.toString(Math.round(v)));
        s.setDrawBorder(true);
        s.setPlotGridLinesVisible(false);
        int longest = 0;
        for (int c = 0; c < k; c++) longest = Math.max(longest, Plots.className(classNames, c).length());
        if (k * Math.max(longest, 4) * 8 > width() - 250) s.setXAxisLabelRotation(45);
        int max = 0;
        for (int[] row : counts) for (int v : row) max = Math.max(max, v);
        s.setMin(0);
        s.setMax(Math.max(1, max));
        List<String> predicted = new ArrayList<>(), truth = new ArrayList<>();
        for (int c = 0; c < k; c++) predicted.add(Plots.className(classNames, c));
        // The y axis counts upwards: list the true classes last to first so that class 0 is the top row.
        for (int c = k - 1; c >= 0; c--) truth.add(Plots.className(classNames, c));
        List<Number[]> cells = new ArrayList<>(k * k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) cells.add(new Number[] {j, k - 1 - i, counts[i][j]});
        }
        chart.addSeries("count", predicted, truth, cells);
        return chart;
    }
}
