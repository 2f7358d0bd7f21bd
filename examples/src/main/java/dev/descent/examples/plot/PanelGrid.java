package dev.descent.examples.plot;

import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Several charts tiled into one figure, row by row, each keeping its own title, axes and legend: panels the lecture
 * compares side by side (four initialisations, three batch sizes). Painted panel by panel, so that the PNG at twice
 * the size and the SVG are as sharp as a single chart.
 *
 * <pre>{@code
 * Plots.grid("Decision boundaries", 2, List.of(zero, small, good, large)).savePng(dir.resolve("boundaries.png"));
 * }</pre>
 */
public final class PanelGrid extends Plot<PanelGrid> {
    private final int columns;
    private final List<? extends Plot<?>> panels;
    private final int cellWidth, cellHeight;

    PanelGrid(String title, int columns, List<? extends Plot<?>> panels) {
        super(title, title, title);
        if (panels == null || panels.isEmpty()) throw new IllegalArgumentException("Plots.grid: no panels for '" + title + "'");
        if (columns < 1) throw new IllegalArgumentException("Plots.grid: expected at least 1 column, got " + columns);
        this.panels = List.copyOf(panels);
        this.columns = Math.min(columns, panels.size());
        int w = 0, h = 0;
        for (Plot<?> p : panels) {
            Dimension d = p.canvasSize();
            w = Math.max(w, d.width);
            h = Math.max(h, d.height);
        }
        cellWidth = w;
        cellHeight = h;
        size(columns() * w, rows() * h);
    }

    /** The number of columns. */
    public int columns() {
        return columns;
    }

    /** The number of rows. */
    public int rows() {
        return (panels.size() + columns - 1) / columns;
    }

    @Override
    boolean paintsVectors() {
        return panels.stream().allMatch(Plot::paintsVectors);
    }

    @Override
    Dimension paint(Graphics2D g) {
        AffineTransform base = g.getTransform();
        for (int i = 0; i < panels.size(); i++) {
            g.setTransform(base);
            g.translate((i % columns) * cellWidth, (i / columns) * cellHeight);
            panels.get(i).paint(g);
        }
        g.setTransform(base);
        return new Dimension(width(), height());
    }

    @Override
    Dimension canvasSize() {
        return new Dimension(width(), height());
    }

    @Override
    public BufferedImage render() {
        return render(1);
    }
}
