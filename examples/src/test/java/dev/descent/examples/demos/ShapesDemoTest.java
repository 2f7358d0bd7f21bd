package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.report.Figure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapesDemoTest {
    /** A configuration that trains in a few seconds: the default images, larger batches, fewer epochs. */
    static final ShapesDemo.Settings FAST = new ShapesDemo.Settings(3000, 16, 0.05, List.of(64, 32), 15, 128, 3e-3);

    static double percent(String value) {
        assertTrue(value.endsWith("%"), value);
        return Double.parseDouble(value.substring(0, value.length() - 1));
    }

    @Test
    void identifiesAtLeast95PercentOfHeldOutShapes(@TempDir Path out) throws Exception {
        DemoResult r = new ShapesDemo(FAST).run(RunContext.forTest(out, 42));
        double accuracy = percent(r.measurements().get("test accuracy"));
        assertTrue(accuracy >= ShapesDemo.CLAIM_PERCENT, "held-out accuracy " + accuracy + "%");
        assertEquals("met", r.measurements().get("claim: test accuracy \u2265 95%"));
        for (String shape : List.of("circle", "square", "triangle")) {
            assertTrue(percent(r.measurements().get("test accuracy, " + shape)) >= 85, shape + ": " + r.measurements());
        }
        assertEquals(List.of("inputs.png", "cost.png", "accuracy.png", "confusion.png", "misclassified.png"),
                r.figures().stream().map(f -> f.png().getFileName().toString()).toList());
        for (Figure f : r.figures()) {
            assertEquals(out, f.png().getParent());
            BufferedImage img = ImageIO.read(f.png().toFile());
            assertNotNull(img, f.png() + " is not a PNG");
            assertTrue(img.getWidth() >= 600 && img.getHeight() >= 300, f.png() + ": " + img.getWidth() + " x " + img.getHeight());
            assertTrue(!f.point().isEmpty() && !f.measured().isEmpty(), "caption of " + f.title());
        }
        assertTrue(r.lead().contains("Working of Simple NN"), r.lead());
        assertTrue(Files.isRegularFile(out.resolve("confusion.png")));
    }
}
