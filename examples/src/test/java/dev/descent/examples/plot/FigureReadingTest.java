package dev.descent.examples.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reader relies on in each kind of figure, checked on small examples. */
class FigureReadingTest {
    @TempDir
    Path dir;

    static double rosenbrock(double x, double y) {
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }

    // ---------------------------------------------------------------- contours

    @Test
    void theFrameContainsTheMinimumAndEveryPathsEnd() {
        double[][] short1 = {{-1.5, 2}, {-1.2, 1.5}, {-0.5, 0.3}};
        double[][] beyond = {{-1.5, 2}, {0, 1}, {1.6, 3.4}}; // ends right of and above the rectangle
        ContourPlot p = Plots.contour("Rosenbrock", "x", "y").function(FigureReadingTest::rosenbrock, -2, 0, -1, 2.5)
                .minimum(1, 1).trajectory("a", short1).trajectory("b", beyond);
        double[] r = p.frame();
        for (double[] q : List.of(new double[] {1, 1}, short1[2], beyond[2])) {
            assertTrue(q[0] > r[0] && q[0] < r[1] && q[1] > r[2] && q[1] < r[3],
                    "(" + q[0] + ", " + q[1] + ") inside " + java.util.Arrays.toString(r));
        }
        assertEquals(-2, r[0]); // grown only where needed
        assertEquals(-1, r[2]);
        assertTrue(p.notes().isEmpty(), p.notes().toString());
    }

    @Test
    void aPathThatRunsAwayKeepsTheFrameAndIsNamed() {
        double[][] away = {{0, 0}, {5, 5}, {1e6, -1e6}};
        ContourPlot p = Plots.contour("Bowl", "x", "y").function((x, y) -> x * x + y * y, -1, 1, -1, 1)
                .trajectory("diverges", away);
        assertArrayEquals(new double[] {-1, 1, -1, 1}, p.frame());
        assertEquals(1, p.notes().size());
        assertTrue(p.notes().get(0).startsWith("diverges runs out of the frame"), p.notes().get(0));
    }

    @Test
    void coincidingPathsAreNamedForTheCaptionAndZigZagsOnlyWhenAsked() {
        double[][] a = new double[30][], b = new double[30][];
        for (int k = 0; k < 30; k++) {
            a[k] = new double[] {-8 + 0.02 * k, 1.5 * Math.pow(-0.95, k)}; // across the valley and back
            b[k] = new double[] {a[k][0] + 1e-4, a[k][1]};
        }
        ContourPlot p = Plots.contour("Ravine", "x", "y").function((x, y) -> 0.5 * x * x + 25 * y * y, -9, 2, -2, 2)
                .trajectory("momentum", a).trajectory("EMA", b);
        assertEquals(List.of("The paths of momentum and EMA coincide (the second is drawn dashed on top of the first)."),
                p.notes());
        assertTrue(ContourPlot.zigzags(a));
        assertEquals(3, p.zigzagMidlines().notes().size());
        double[][] c = b.clone();
        c[29] = new double[] {0, 1};
        assertFalse(ContourPlot.coincide(a, c, 0.01));
    }

    @Test
    void levelsAreLogSpacedWhereTheSurfaceSpansDecadesAndRoundEitherWay() {
        double[] rb = sample(FigureReadingTest::rosenbrock, -2, 2, -1, 3);
        double[] bowl = sample((x, y) -> x * x + y * y, -2, 2, -2, 2);
        assertTrue(ContourPlot.spansDecades(rb), "Rosenbrock");
        assertFalse(ContourPlot.spansDecades(bowl), "a bowl");
        // Rosenbrock's grid minimum is near 0: the log levels are 1 or 3 times powers of ten.
        double[] log = ContourPlot.levelEdges(6e-4, 2509, 10, true);
        assertArrayEquals(new double[] {0.3, 1, 3, 10, 30, 100, 300, 1000}, log, 1e-12);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7}, ContourPlot.levelEdges(0, 8, 8, false), 1e-12);
        double[] ravine = ContourPlot.levelEdges(0.01, 141, 10, false);
        for (double e : ravine) assertEquals(0, e % 20, 1e-9, "linear level " + e);
    }

    @Test
    void marchingSquaresTracesTheLevelSet() {
        double[] xs = GridLayer.linspace(-2, 2, 41), ys = GridLayer.linspace(-2, 2, 41);
        double[][] z = new double[41][41];
        for (int j = 0; j < 41; j++) for (int i = 0; i < 41; i++) z[j][i] = xs[i] * xs[i] + ys[j] * ys[j];
        double[][] seg = ContourPlot.contourSegments(xs, ys, z, 1.0);
        int points = 0;
        for (int k = 0; k < seg[0].length; k++) {
            if (Double.isNaN(seg[0][k])) continue;
            points++;
            assertEquals(1.0, Math.hypot(seg[0][k], seg[1][k]), 0.01, "on the unit circle");
        }
        assertTrue(points > 60, "segments around the circle: " + points / 2);
    }

    @Test
    void aContourIsWrittenAtTwiceItsSizeAndAsSvg() throws IOException {
        ContourPlot p = Plots.contour("Rosenbrock", "x", "y").function(FigureReadingTest::rosenbrock, -2, 2, -1, 3)
                .minimum(1, 1).trajectory("path", new double[][] {{-1.5, 2}, {0, 0}, {0.9, 0.8}}).size(500, 400).grid(60, 50);
        BufferedImage png = ImageIO.read(p.savePng(dir.resolve("c.png")).toFile());
        assertEquals(1000, png.getWidth());
        assertEquals(800, png.getHeight());
        String svg = Files.readString(p.saveSvg(dir.resolve("c.svg")));
        assertTrue(svg.contains("<svg") && svg.contains("width=\"500"), svg.substring(0, Math.min(300, svg.length())));
        assertTrue(svg.contains("<image"), "the filled levels are an embedded image");
        assertTrue(svg.split("<path", -1).length + svg.split("<line", -1).length > 50, "lines and markers are vectors");
    }

    private static double[] sample(java.util.function.DoubleBinaryOperator f, double x0, double x1, double y0, double y1) {
        double[] z = new double[50 * 50];
        for (int j = 0; j < 50; j++) {
            for (int i = 0; i < 50; i++) z[j * 50 + i] = f.applyAsDouble(x0 + (x1 - x0) * i / 49, y0 + (y1 - y0) * j / 49);
        }
        return z;
    }

    // ---------------------------------------------------------------- curves

    @Test
    void aLogAxisIsChosenWhenTheValuesSpanMoreThanTwoDecades() {
        double[] tooLarge = {1360, 400, 55, 3.1, 0.9, 0.4};
        double[] calm = {0.69, 0.5, 0.3, 0.2};
        assertTrue(Plots.line("c", "step", "cost").series("too large", tooLarge).isLogY());
        assertFalse(Plots.line("c", "step", "cost").series("calm", calm).isLogY());
        assertFalse(Plots.line("c", "step", "cost").series("too large", tooLarge).linearY().isLogY());
        assertFalse(Plots.line("c", "step", "f").series("saddle", new double[] {1000, 1, -0.25}).isLogY(), "negative");
        assertTrue(Plots.line("c", "step", "cost").series("calm", calm).series("too large", tooLarge).isLogY(),
                "over all series");
    }

    @Test
    void theRunningMeanIsTheMeanOfItsWindow() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            double[] y = new double[1 + rnd.nextInt(300)];
            for (int i = 0; i < y.length; i++) y[i] = rnd.nextDouble() * 6;
            int w = 2 + rnd.nextInt(50);
            double[] m = LinePlot.runningMean(y, w);
            for (int i = 0; i < y.length; i++) {
                double s = 0;
                int n = 0;
                for (int k = Math.max(0, i - w + 1); k <= i; k++, n++) s += y[k];
                assertEquals(s / n, m[i], 1e-9, "index " + i + " window " + w);
            }
        }
        assertArrayEquals(new double[] {1, 1, 3, 3}, LinePlot.runningMean(new double[] {1, Double.NaN, 3, 3}, 2), 1e-12);
    }

    @Test
    void aNoisyCurveDrawsItsMeanOverTheFadedRawValues() throws IOException {
        double[] y = new double[3000];
        Random rnd = new Random(3);
        for (int i = 0; i < y.length; i++) y[i] = Math.exp(-i / 800.0) + 3 * rnd.nextDouble() * rnd.nextDouble();
        BufferedImage img = ImageIO.read(Plots.line("SGD", "update", "cost").series("sgd", y).runningMean(100).linearY()
                .size(600, 400).savePng(dir.resolve("sgd.png")).toFile());
        int solid = 0;
        for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, yy) & 0xffffff) == (Palette.category(0).getRGB() & 0xffffff)) solid++;
        }
        assertTrue(solid > 500, "the mean is drawn in the series' full colour: " + solid + " pixels");
    }

    @Test
    void ticksFallOnRoundValues() {
        assertArrayEquals(new double[] {5, 10, 15, 20, 25, 30}, Ticks.nice(0.03125, 30, 8), 1e-12);
        Random rnd = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            double lo = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(9) - 4);
            double hi = lo + Math.pow(10, rnd.nextInt(9) - 4) * (0.1 + rnd.nextDouble());
            double[] t = Ticks.nice(lo, hi, 6);
            assertTrue(t.length >= 2 && t.length <= 12, lo + ".." + hi + ": " + t.length + " ticks");
            double step = t[1] - t[0];
            double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
            assertTrue(List.of(1.0, 2.0, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-6), "step " + step);
            for (double v : t) {
                double k = v / step;
                assertEquals(0, Math.abs(k - Math.rint(k)), 1e-6 * Math.max(1, Math.abs(k)), "tick " + v + " of step " + step);
            }
        }
    }
}
