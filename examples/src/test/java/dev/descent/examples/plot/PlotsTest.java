package dev.descent.examples.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {
    @TempDir
    Path dir;

    static BufferedImage read(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null, "not a PNG: " + png);
        return img;
    }

    static int count(BufferedImage img, Color c) {
        int n = 0, rgb = c.getRGB() & 0xffffff;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        }
        return n;
    }

    static int distinctColours(BufferedImage img) {
        Set<Integer> s = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) for (int x = 0; x < img.getWidth(); x += 2) s.add(img.getRGB(x, y));
        return s.size();
    }

    /** Smallest and largest x of the pixels of colour {@code c}, or null if none. */
    static int[] columns(BufferedImage img, Color c) {
        int lo = Integer.MAX_VALUE, hi = -1, rgb = c.getRGB() & 0xffffff;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        return hi < 0 ? null : new int[] {lo, hi};
    }

    static double[][] twoBlobs(int n, long seed, int[] labels) {
        Random r = new Random(seed);
        double[][] xy = new double[n][];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            xy[i] = new double[] {(labels[i] == 0 ? -1.5 : 1.5) + 0.4 * r.nextGaussian(), r.nextGaussian()};
        }
        return xy;
    }

    @Test
    void lineChartHasTheRequestedSizeAndEverySeriesColour() throws IOException {
        double[] a = new double[40], b = new double[40];
        for (int i = 0; i < 40; i++) {
            a[i] = Math.exp(-i / 8.0);
            b[i] = i < 20 ? 1.0 / (i + 1) : Double.POSITIVE_INFINITY; // diverged: drawn as a gap
        }
        Path png = Plots.line("Cost", "epoch", "cost").series("slow", a).series("diverges", b).logY().size(640, 480)
                .savePng(dir.resolve("sub/line.png"));
        BufferedImage img = read(png);
        assertEquals(Plot.PNG_SCALE * 640, img.getWidth());
        assertEquals(Plot.PNG_SCALE * 480, img.getHeight());
        assertTrue(count(img, Palette.category(0)) > 200, "first series drawn");
        assertTrue(count(img, Palette.category(1)) > 100, "second series drawn");
        assertTrue(count(img, Color.WHITE) > 640 * 480 / 2, "white background");
    }

    @Test
    void lineChartWithNothingFiniteFails() {
        var plot = Plots.line("Cost", "epoch", "cost").series("nan", new double[] {Double.NaN, Double.NaN});
        var e = assertThrows(IllegalStateException.class, plot::render);
        assertTrue(e.getMessage().contains("no finite value"), e.getMessage());
        var log = Plots.line("Cost", "epoch", "cost").series("neg", new double[] {-1, 0}).logY();
        assertTrue(assertThrows(IllegalStateException.class, log::render).getMessage().contains("positive"));
    }

    @Test
    void badArgumentsAreRejectedWithTheirNames() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Plots.line("t", "x", "y").series("s", new double[] {1, 2}, new double[] {1}));
        assertEquals("LinePlot.series: series 's' has 2 x values and 1 y values", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Plots.line("t", "x", "y").series("s", new double[] {1})
                .series("s", new double[] {2}));
        assertThrows(IllegalArgumentException.class, () -> Plots.line(" ", "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> Plots.line("t", "x", "y").size(50, 600));
        assertThrows(IllegalArgumentException.class,
                () -> Plots.scatter("t", "x", "y").points(new double[][] {{1, 2}, {3}}, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> Plots.scatter("t", "x", "y").points(new double[][] {{1, 2}}, new int[] {-1}));
    }

    @Test
    void scatterColoursPointsByClass() throws IOException {
        int[] labels = new int[300];
        double[][] xy = new double[300][];
        Random r = new Random(3);
        for (int i = 0; i < 300; i++) {
            labels[i] = i % 3;
            xy[i] = new double[] {labels[i] * 3 + r.nextGaussian(), r.nextGaussian()};
        }
        BufferedImage img = read(Plots.scatter("Blobs", "x1", "x2").points(xy, labels).classNames("a", "b", "c")
                .savePng(dir.resolve("scatter.png")));
        assertEquals(Plot.PNG_SCALE * 800, img.getWidth());
        assertEquals(Plot.PNG_SCALE * 600, img.getHeight());
        for (int c = 0; c < 3; c++) assertTrue(count(img, Palette.category(c)) > 300, "class " + c);
        int[] a = columns(img, Palette.category(0)), c = columns(img, Palette.category(2));
        assertTrue(a[0] < c[0], "class 0 (left in data) is drawn left of class 2");
    }

    @Test
    void histogramCountsIntoCommonBins() throws IOException {
        assertArrayEquals(new long[] {2, 1, 0, 2}, HistogramPlot.counts(new double[] {0, 0.2, 0.3, 1, 0.9,
                Double.NaN}, 0, 1, 4));
        Random r = new Random(5);
        double[] start = new double[1000], end = new double[1000];
        for (int i = 0; i < 1000; i++) {
            start[i] = r.nextGaussian();
            end[i] = 2 + 0.5 * r.nextGaussian();
        }
        BufferedImage img = read(Plots.histogram("Weights", "weight").add("start", start).add("end", end)
                .add("zero init", new double[50]).bins(40).size(800, 600).savePng(dir.resolve("hist.png")));
        assertEquals(Plot.PNG_SCALE * 800, img.getWidth());
        assertTrue(count(img, Palette.category(0)) > 100, "outline of the first sample");
        assertTrue(count(img, Palette.category(1)) > 100, "outline of the second sample");
        assertTrue(count(img, Palette.category(2)) > 20, "the constant sample gets a bar");
        assertTrue(distinctColours(img) > 10, "translucent fills blend");
    }

    @Test
    void histogramOfAConstantSampleHasOneBar() throws IOException {
        BufferedImage img = read(Plots.histogram("Zero init", "weight").add("w", new double[100])
                .savePng(dir.resolve("zero.png")));
        assertTrue(count(img, Palette.category(0)) > 100);
    }

    @Test
    void histogramWhoseLastBinEdgeRoundsAboveTheMaximumRenders() throws IOException {
        double lo = -2.41, hi = -1.4520000000000002;
        assertTrue(lo + 30 * ((hi - lo) / 30) > hi, "the case: lo + bins * w rounds above hi");
        double[] g = new double[200];
        for (int i = 0; i < g.length; i++) g[i] = lo + (hi - lo) * i / (g.length - 1);
        g[g.length - 1] = hi;
        BufferedImage img = read(Plots.histogram("Rounding", "value").add("g", g)
                .savePng(dir.resolve("tiny.png")));
        assertTrue(count(img, Palette.category(0)) > 100);
    }

    @Test
    void contourFillsLevelsAndDrawsTheTrajectory() throws IOException {
        double[][] path = new double[20][];
        for (int i = 0; i < 20; i++) path[i] = new double[] {-2.5 + 0.12 * i, 1.5 * Math.pow(0.85, i)};
        path[19] = new double[] {10, 10}; // leaves the window: clipped at its edge
        BufferedImage img = read(Plots.contour("Ravine", "w1", "w2")
                .function((x, y) -> x * x + 10 * y * y, -4, 4, -2, 2).levels(8)
                .trajectory("GD", path).size(800, 600).savePng(dir.resolve("contour.png")));
        assertEquals(Plot.PNG_SCALE * 600, img.getHeight());
        assertTrue(count(img, Palette.viridis(0)) > 1000, "lowest level");
        assertTrue(count(img, Palette.viridis(1)) > 1000, "highest level");
        // Levels at the round values 10, 20, 30, 40, 50 of f in [0, 56]: six bands, the third one viridis(0.4).
        assertTrue(count(img, Palette.viridis(0.4)) > 1000, "third level");
        assertTrue(count(img, Palette.overlay(0)) > 100, "trajectory");
        // The minimum (0, 0) is in the middle: the highest level starts at the left edge, the lowest well inside.
        int[] low = columns(img, Palette.viridis(0));
        int[] high = columns(img, Palette.viridis(1));
        assertTrue(high[0] + 20 < low[0], "lowest level from x=" + low[0] + ", highest from x=" + high[0]);
    }

    @Test
    void bandsAndClip() {
        double[] edges = {1, 2, 3};
        assertArrayEquals(new int[] {0, 1, 3, 3}, java.util.stream.DoubleStream.of(0, 1, 3, 4)
                .mapToInt(v -> ContourPlot.band(v, edges)).toArray());
        double[][] xy = ContourPlot.clip(new double[][] {{0, 0}, {2, 0}, {0.5, 0.5}}, -1, 1, -1, 1);
        assertArrayEquals(new double[] {0, 1, Double.NaN, 1, 0.5}, xy[0], 1e-12);
        assertArrayEquals(new double[] {0, 0, Double.NaN, 1.0 / 3, 0.5}, xy[1], 1e-12);
        assertEquals("0.25", Plot.tickLabel(0.25));
        assertEquals("-3", Plot.tickLabel(-3.0));
        assertEquals("1.52", Plot.tickLabel(1.52232689));
    }

    @Test
    void decisionBoundaryOfALinearClassifierShowsEachClassOnItsSide() throws IOException {
        int[] labels = new int[200];
        double[][] xy = twoBlobs(200, 7, labels);
        GridClassifier linear = points -> {
            double[] out = new double[points.length];
            for (int i = 0; i < out.length; i++) out[i] = points[i][0] > 0 ? 1 : 0;
            return out;
        };
        BufferedImage img = read(Plots.decisionBoundary("Linear", "x1", "x2").data(xy, labels).classifier(linear)
                .region(-3, 3, -3, 3).size(800, 600).savePng(dir.resolve("boundary.png")));
        Color region0 = Palette.tint(Palette.category(0), DecisionBoundaryPlot.REGION_TINT);
        Color region1 = Palette.tint(Palette.category(1), DecisionBoundaryPlot.REGION_TINT);
        assertTrue(count(img, region0) > 50_000, "class 0 region");
        assertTrue(count(img, region1) > 50_000, "class 1 region");
        int[] c0 = columns(img, region0), c1 = columns(img, region1);
        // Beyond the legend swatches (right of the plot), class 0 is left of class 1.
        int legend = Math.max(c0[1], c1[1]) - 30;
        int max0 = -1, min1 = Integer.MAX_VALUE;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < legend; x++) {
                int p = img.getRGB(x, y) & 0xffffff;
                if (p == (region0.getRGB() & 0xffffff)) max0 = Math.max(max0, x);
                if (p == (region1.getRGB() & 0xffffff)) min1 = Math.min(min1, x);
            }
        }
        assertTrue(max0 <= min1 + 1, "class 0 region (up to x=" + max0 + ") left of class 1 (from x=" + min1 + ")");
        assertTrue(count(img, Palette.category(0)) > 200 && count(img, Palette.category(1)) > 200, "data points");
    }

    @Test
    void decisionBoundaryWithProbabilitiesShowsBands() throws IOException {
        int[] labels = new int[100];
        double[][] xy = twoBlobs(100, 9, labels);
        GridClassifier sigmoid = points -> {
            double[] out = new double[points.length];
            for (int i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-3 * points[i][0]));
            return out;
        };
        BufferedImage img = read(Plots.decisionBoundary("Sigmoid", "x1", "x2").data(xy, labels).probabilities()
                .classifier(sigmoid).savePng(dir.resolve("prob.png")));
        assertTrue(count(img, new Color(0xeeeeee)) > 5000, "the uncertain band around the boundary");
        assertTrue(distinctColours(img) > 8);
    }

    @Test
    void decisionBoundaryChecksTheClassifiersOutput() {
        int[] labels = {0, 1};
        double[][] xy = {{-1, 0}, {1, 0}};
        var wrongLength = Plots.decisionBoundary("t", "x", "y").data(xy, labels).classifier(p -> new double[3]);
        assertTrue(assertThrows(IllegalStateException.class, wrongLength::render).getMessage()
                .contains("returned 3 values for"));
        var notClasses = Plots.decisionBoundary("t", "x", "y").data(xy, labels).classifier(p -> {
            double[] out = new double[p.length];
            java.util.Arrays.fill(out, 0.3);
            return out;
        });
        assertTrue(assertThrows(IllegalStateException.class, notClasses::render).getMessage()
                .contains("probabilities()"));
    }
}
