package dev.descent.examples.report;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A figure of the report: a PNG file, its title, the lecture's point that it illustrates, and what this run
 * measured. The caption reads "point — measured". The report numbers its figures; a caption refers to another figure
 * with {@link #ref(String)}, which becomes "Figure N". Consecutive figures of the same {@link #group()} are set side
 * by side.
 *
 * <pre>{@code
 * Figure f = new Figure(png, "Cost per epoch",
 *         "Too small a learning rate converges slowly; too large overshoots.",
 *         "After 100 epochs: cost 0.61 (lr 0.001), 0.05 (lr 0.1), diverged at epoch 4 (lr 5).");
 * }</pre>
 *
 * @param png      the image file
 * @param title    a short title (shown above the caption)
 * @param point    what the lecture says the figure shows
 * @param measured what this run measured (may be empty)
 * @param group    figures set side by side with their neighbours of the same group (empty: alone)
 */
public record Figure(Path png, String title, String point, String measured, String group) {
    public Figure {
        Objects.requireNonNull(png, "png");
        if (title == null || title.isBlank()) throw new IllegalArgumentException("Figure: blank title for " + png);
        point = point == null ? "" : point;
        measured = measured == null ? "" : measured;
        group = group == null ? "" : group;
    }

    /** A figure shown on its own. */
    public Figure(Path png, String title, String point, String measured) {
        this(png, title, point, measured, "");
    }

    /** This figure set side by side with its neighbours of group {@code group}. */
    public Figure inGroup(String group) {
        return new Figure(png, title, point, measured, group);
    }

    /**
     * A reference to the figure whose image is named {@code pngName} in the same directory, for a caption; the report
     * writes it as "Figure N" linked to that figure.
     */
    public static String ref(String pngName) {
        if (pngName == null || pngName.isBlank() || pngName.contains("}")) {
            throw new IllegalArgumentException("Figure.ref: expected a file name, got '" + pngName + "'");
        }
        return "{{figure:" + pngName + "}}";
    }

    /** The SVG beside a PNG: the same name ending in {@code .svg}. */
    public static Path svgOf(Path png) {
        String name = png.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return png.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".svg");
    }

    /** The SVG version of this figure, when one was written beside the PNG. */
    public java.util.Optional<Path> svg() {
        Path svg = svgOf(png);
        return java.nio.file.Files.isRegularFile(svg) ? java.util.Optional.of(svg) : java.util.Optional.empty();
    }

    /** The caption: the point, then what was measured. */
    public String caption() {
        if (point.isEmpty()) return measured;
        if (measured.isEmpty()) return point;
        return point + " \u2014 " + measured;
    }
}
