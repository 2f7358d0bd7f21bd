package dev.descent.examples.plot;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A chart with a title, axis labels and a legend, rendered by XChart to a PNG. Subclasses add the data and render
 * it ({@link XyPlot} for the XY charts); this class holds the common settings (size, fonts, axis ranges) and the
 * PNG output. Rendering needs no display.
 *
 * <pre>{@code
 * Path png = Plots.line("Cost", "epoch", "cost").series("Adam", adamCost).logY().size(800, 600)
 *         .savePng(dir.resolve("cost.png"));
 * }</pre>
 *
 * @param <P> the concrete plot type, returned by the fluent setters
 */
public abstract class Plot<P extends Plot<P>> {
    /** The default size, readable when the report shows it at full width. */
    public static final int DEFAULT_WIDTH = 800, DEFAULT_HEIGHT = 600;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private int width = DEFAULT_WIDTH;
    private int height = DEFAULT_HEIGHT;
    private Double xMin, xMax, yMin, yMax;

    Plot(String title, String xLabel, String yLabel) {
        this.title = requireText(title, "title");
        this.xLabel = requireText(xLabel, "x-axis label");
        this.yLabel = requireText(yLabel, "y-axis label");
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("Plot: the " + what + " must not be blank");
        return s;
    }

    @SuppressWarnings("unchecked")
    private P self() {
        return (P) this;
    }

    /** The image size in pixels (each at least 100). */
    public P size(int width, int height) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("Plot.size: expected at least 100 x 100 pixels, got " + width + " x "
                    + height);
        }
        this.width = width;
        this.height = height;
        return self();
    }

    /** Fixes the x-axis range instead of fitting it to the data. */
    public P xRange(double min, double max) {
        checkRange("xRange", min, max);
        xMin = min;
        xMax = max;
        return self();
    }

    /** Fixes the y-axis range instead of fitting it to the data. */
    public P yRange(double min, double max) {
        checkRange("yRange", min, max);
        yMin = min;
        yMax = max;
        return self();
    }

    static void checkRange(String op, double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("Plot." + op + ": expected finite min < max, got " + min + ", " + max);
        }
    }

    public String title() {
        return title;
    }

    /** The x-axis label. */
    String xLabel() {
        return xLabel;
    }

    /** The y-axis label. */
    String yLabel() {
        return yLabel;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Renders the chart to an image of {@link #width()} x {@link #height()} pixels. */
    public abstract BufferedImage render();

    /** Renders the chart and writes it as a PNG to {@code file} (creating its directory); returns {@code file}. */
    public Path savePng(Path file) {
        Objects.requireNonNull(file, "file");
        BufferedImage image = render();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (!ImageIO.write(image, "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the figure " + file + ": " + dev.descent.examples.Errors.message(e), e);
        }
        return file;
    }

    void style(XYStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.DARK_GRAY);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setChartTitleBoxVisible(false);
        s.setMarkerSize(6);
        s.setXAxisMin(xMin);
        s.setXAxisMax(xMax);
        s.setYAxisMin(yMin);
        s.setYAxisMax(yMax);
    }

    /** A short tick label: integers as such, other values with three significant digits. */
    static String tickLabel(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return Long.toString((long) v);
        String s = Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? String.format(Locale.ROOT, "%.2e", v)
                : String.format(Locale.ROOT, "%.3g", v);
        return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** A copy of {@code values} with infinities replaced by NaN, which the chart draws as a gap. */
    static double[] finiteOrGap(double[] values) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) if (Double.isInfinite(out[i])) out[i] = Double.NaN;
        return out;
    }
}
