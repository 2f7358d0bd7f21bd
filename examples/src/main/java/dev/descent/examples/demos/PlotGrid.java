package dev.descent.examples.demos;

import dev.descent.examples.RunContext;
import dev.descent.examples.plot.Plot;
import dev.descent.examples.report.Figure;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Several charts tiled into one PNG, row by row, so that panels the lecture compares side by side (four
 * initialisations, the layers of a network) appear as one report figure. Each panel keeps its own title, axes and
 * legend.
 *
 * <pre>{@code
 * Figure f = PlotGrid.save(ctx, "boundaries.png", "Decision boundaries", 2, List.of(zero, small, good, large),
 *         "Only a good initialisation separates the circles.", "test accuracy 50% / 51% / 97% / 95%");
 * }</pre>
 */
final class PlotGrid {
    private PlotGrid() {
    }

    /** Renders {@code panels} into a grid of {@code columns} columns, writes it to {@code outDir/fileName}. */
    static Figure save(RunContext ctx, String fileName, String title, int columns, List<? extends Plot<?>> panels,
                       String point, String measured) {
        if (panels.isEmpty()) throw new IllegalArgumentException("PlotGrid.save: no panels for " + fileName);
        int cols = Math.min(columns, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        int w = 0, h = 0;
        for (Plot<?> p : panels) {
            w = Math.max(w, p.width());
            h = Math.max(h, p.height());
        }
        BufferedImage grid = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(panels.get(i).render(), (i % cols) * w, (i / cols) * h, null);
            }
        } finally {
            g.dispose();
        }
        Path png = ctx.file(fileName);
        try {
            if (!ImageIO.write(grid, "png", png.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + dev.descent.examples.Errors.message(e), e);
        }
        ctx.detail("wrote %s", png);
        return new Figure(png, title, point, measured);
    }
}
