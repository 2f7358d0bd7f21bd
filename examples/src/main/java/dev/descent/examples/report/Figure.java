package dev.descent.examples.report;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A figure of the report: a PNG file, its title, the lecture's point that it illustrates, and what this run
 * measured. The caption reads "point — measured".
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
 */
public record Figure(Path png, String title, String point, String measured) {
    public Figure {
        Objects.requireNonNull(png, "png");
        if (title == null || title.isBlank()) throw new IllegalArgumentException("Figure: blank title for " + png);
        point = point == null ? "" : point;
        measured = measured == null ? "" : measured;
    }

    /** The caption: the point, then what was measured. */
    public String caption() {
        if (point.isEmpty()) return measured;
        if (measured.isEmpty()) return point;
        return point + " \u2014 " + measured;
    }
}
