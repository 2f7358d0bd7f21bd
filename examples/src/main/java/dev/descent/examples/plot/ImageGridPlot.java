package dev.descent.examples.plot;


import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A grid of small grey-scale images (samples of a data set, misclassified examples), each with a one- or two-line
 * caption under it; a caption can be marked (drawn in red) to flag an error. The title is on top, the x-axis label
 * under the grid says what the captions mean, and the y-axis label runs up the left side. A chart library has
 * nothing to draw pixels with, so this one is drawn with Java 2D, in the same fonts and colours as the charts.
 *
 * <pre>{@code
 * Plots.imageGrid("Misclassified test images", "true \u2192 predicted", "test images")
 *      .image(pixels, 16, 16, "square", "\u2192 circle", true)      // values in [0, 1], row-major
 *      .columns(8)
 *      .savePng(dir.resolve("misclassified.png"));
 * }</pre>
 */
public final class ImageGridPlot extends Plot<ImageGridPlot> {
    private record Tile(double[] pixels, int rows, int cols, String line1, String line2, boolean marked) {
    }

    private static final Color MARK = new Color(0xd62728);
    private static final int MARGIN = 20, GAP = 14;

    private final List<Tile> tiles = new ArrayList<>();
    private int columns = 8;
    private double lo = 0, hi = 1;

    ImageGridPlot(String title, String xLabel, String yLabel) {
        super(title, xLabel, yLabel);
    }

    /**
     * Adds an image of {@code rows x cols} values, row-major, drawn from black ({@link #valueRange lo}) to white
     * ({@code hi}), with a caption of two lines (the second may be empty) drawn in red when {@code marked}.
     */
    public ImageGridPlot image(double[] pixels, int rows, int cols, String line1, String line2, boolean marked) {
        Objects.requireNonNull(pixels, "pixels");
        if (rows < 1 || cols < 1 || pixels.length != rows * cols) {
            throw new IllegalArgumentException("ImageGridPlot.image: expected " + rows + " x " + cols + " = "
                    + rows * cols + " values, got " + pixels.length);
        }
        tiles.add(new Tile(pixels.clone(), rows, cols, line1 == null ? "" : line1, line2 == null ? "" : line2, marked));
        return this;
    }

    /** Images per row (1..50; default 8). */
    public ImageGridPlot columns(int columns) {
        if (columns < 1 || columns > 50) {
            throw new IllegalArgumentException("ImageGridPlot.columns: expected 1..50, got " + columns);
        }
        this.columns = columns;
        return this;
    }

    /** The values drawn black and white (default 0 and 1); values outside are clamped. */
    public ImageGridPlot valueRange(double lo, double hi) {
        checkRange("valueRange", lo, hi);
        this.lo = lo;
        this.hi = hi;
        return this;
    }

    /** The number of images added. */
    public int images() {
        return tiles.size();
    }

    @Override
    public BufferedImage render() {
        if (tiles.isEmpty()) throw new IllegalStateException("ImageGridPlot '" + title() + "': no images were added");
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18), axisFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15),
                captionFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        int cols = Math.min(columns, tiles.size()), rowsOfTiles = (tiles.size() + cols - 1) / cols;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics tm = pg.getFontMetrics(titleFont), am = pg.getFontMetrics(axisFont), cm = pg.getFontMetrics(captionFont);
        pg.dispose();
        int left = MARGIN + am.getHeight() + 8, top = MARGIN + tm.getHeight() + 12;
        int captionHeight = 2 * cm.getHeight() + 4, bottom = MARGIN + am.getHeight() + 8;
        int cell = Math.max(40, Math.min(120, (width() - left - MARGIN - (cols - 1) * GAP) / cols));
        int textWidth = 0;
        for (Tile t : tiles) textWidth = Math.max(textWidth, Math.max(cm.stringWidth(t.line1), cm.stringWidth(t.line2)));
        int slot = Math.max(cell, textWidth + 4);
        int w = Math.max(width(), left + cols * slot + (cols - 1) * GAP + MARGIN);
        int h = top + rowsOfTiles * (cell + captionHeight) + (rowsOfTiles - 1) * GAP + bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            g.drawString(title(), (w - tm.stringWidth(title())) / 2, MARGIN + tm.getAscent());
            int gridWidth = cols * slot + (cols - 1) * GAP, x0 = left + (w - left - MARGIN - gridWidth) / 2;
            for (int i = 0; i < tiles.size(); i++) {
                Tile t = tiles.get(i);
                int x = x0 + (i % cols) * (slot + GAP), y = top + (i / cols) * (cell + captionHeight + GAP);
                int ix = x + (slot - cell) / 2;
                g.drawImage(pixels(t), ix, y, cell, cell, null);
                g.setColor(t.marked ? MARK : Color.DARK_GRAY);
                g.setStroke(new BasicStroke(t.marked ? 2f : 1f));
                g.drawRect(ix, y, cell - 1, cell - 1);
                g.setFont(captionFont);
                g.setColor(t.marked ? MARK : Color.BLACK);
                int cy = y + cell + 2 + cm.getAscent();
                g.drawString(t.line1, x + (slot - cm.stringWidth(t.line1)) / 2, cy);
                g.drawString(t.line2, x + (slot - cm.stringWidth(t.line2)) / 2, cy + cm.getHeight());
            }
            g.setColor(Color.BLACK);
            g.setFont(axisFont);
            g.drawString(xLabel(), (w - am.stringWidth(xLabel())) / 2, h - MARGIN);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            g.drawString(yLabel(), -(top + (h - top - bottom) / 2 + am.stringWidth(yLabel()) / 2), MARGIN + am.getAscent());
            g.setTransform(saved);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The tile as a grey image, one pixel per value. */
    private BufferedImage pixels(Tile t) {
        BufferedImage img = new BufferedImage(t.cols, t.rows, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < t.rows; r++) {
            for (int c = 0; c < t.cols; c++) {
                double v = t.pixels[r * t.cols + c];
                double u = Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
                int grey = (int) Math.round(255 * u);
                img.setRGB(c, r, (grey << 16) | (grey << 8) | grey);
            }
        }
        return img;
    }
}
