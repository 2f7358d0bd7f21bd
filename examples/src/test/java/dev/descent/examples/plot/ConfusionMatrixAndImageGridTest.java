package dev.descent.examples.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfusionMatrixAndImageGridTest {
    @TempDir
    Path dir;

    @Test
    void confusionMatrixFillsTheLargestCountsWithTheDarkestColour() throws Exception {
        Path png = Plots.confusionMatrix("Confusion").counts(new int[][] {{50, 0, 0}, {0, 50, 0}, {0, 0, 50}})
                .classNames(List.of("circle", "square", "triangle")).savePng(dir.resolve("cm.png"));
        BufferedImage img = PlotsTest.read(png);
        assertEquals(Plot.PNG_SCALE * (Plot.DEFAULT_HEIGHT + 140), img.getWidth());
        int dark = PlotsTest.count(img, new Color(0x4292c6));
        // Three diagonal cells of roughly a ninth of the plot area each, in the top colour of the scale.
        assertTrue(dark > 3 * 100 * 100, "dark pixels: " + dark);
    }

    @Test
    void confusionMatrixChecksItsInput() {
        assertThrows(IllegalArgumentException.class, () -> Plots.confusionMatrix("x").counts(new int[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> Plots.confusionMatrix("x").counts(new int[][] {{1, -2}, {3, 4}}));
        assertThrows(IllegalStateException.class, () -> Plots.confusionMatrix("x").render());
    }

    @Test
    void imageGridDrawsEachImageScaledUpWithItsCaption() throws Exception {
        double[] white = new double[16], black = new double[16];
        java.util.Arrays.fill(white, 1);
        ImageGridPlot grid = Plots.imageGrid("Shapes", "true \u2192 predicted", "images")
                .image(white, 4, 4, "square", "\u2192 circle", true).image(black, 4, 4, "circle", "", false).columns(8);
        assertEquals(2, grid.images());
        BufferedImage img = PlotsTest.read(grid.savePng(dir.resolve("grid.png")));
        assertTrue(PlotsTest.count(img, Color.BLACK) > 40 * 40, "the black image, scaled up");
        assertTrue(PlotsTest.count(img, new Color(0xd62728)) > 50, "the marked caption and frame in red");
        assertThrows(IllegalArgumentException.class, () -> grid.image(new double[3], 2, 2, "a", "b", false));
        assertThrows(IllegalStateException.class, () -> Plots.imageGrid("t", "x", "y").render());
    }
}
