package dev.descent.examples.demos;

import dev.descent.examples.RunContext;
import dev.descent.examples.plot.Plot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;

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

    /**
     * Renders {@code panels} into a grid of {@code columns} columns, writes it to {@code outDir/fileName} (PNG at twice
     * the size, and SVG).
     */
    static Figure save(RunContext ctx, String fileName, String title, int columns, List<? extends Plot<?>> panels,
                       String point, String measured) {
        return ctx.figure(Plots.grid(title, columns, panels), fileName, point, measured);
    }
}
