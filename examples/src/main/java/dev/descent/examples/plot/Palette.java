package dev.descent.examples.plot;

import java.awt.Color;

/**
 * The colours every chart uses: a qualitative palette for classes and series (matplotlib's {@code tab10}), lighter
 * tints of it for class regions, and a perceptually uniform sequential map (viridis) for heat maps.
 *
 * <pre>{@code
 * Color c = Palette.category(2);         // green
 * Color region = Palette.tint(c, 0.6);   // 60% of the way to white
 * Color level = Palette.viridis(0.25);
 * }</pre>
 */
public final class Palette {
    private static final Color[] CATEGORY = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    /** Trajectory colours chosen to stand out on viridis and on a white legend: none is blue, green, yellow or white. */
    private static final Color[] OVERLAY = {
            new Color(0xd62728), new Color(0x000000), new Color(0xff7f0e), new Color(0xe377c2), new Color(0x5a5a5a),
            new Color(0x8c564b), new Color(0x9467bd), new Color(0xbcbd22)};

    // NOTE: five control points of matplotlib's viridis, interpolated linearly; close enough for filled levels.
    private static final int[][] VIRIDIS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

    private Palette() {
    }

    /** The colour of class or series {@code i} (cycling after ten). */
    public static Color category(int i) {
        return CATEGORY[Math.floorMod(i, CATEGORY.length)];
    }

    /** The colour of trajectory {@code i} drawn over a heat map (cycling). */
    public static Color overlay(int i) {
        return OVERLAY[Math.floorMod(i, OVERLAY.length)];
    }

    /** {@code c} moved a fraction {@code amount} (0..1) of the way towards white. */
    public static Color tint(Color c, double amount) {
        return mix(c, Color.WHITE, amount);
    }

    /** The colour a fraction {@code t} (0..1) of the way from {@code a} to {@code b}. */
    public static Color mix(Color a, Color b, double t) {
        double u = Math.max(0, Math.min(1, t));
        return new Color((int) Math.round(a.getRed() + u * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + u * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + u * (b.getBlue() - a.getBlue())));
    }

    /** {@code c} with the given opacity (0..1). */
    public static Color alpha(Color c, double opacity) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(255 * Math.max(0, Math.min(1, opacity))));
    }

    /** The viridis colour at {@code t} in [0, 1] (dark violet at 0, yellow at 1). */
    public static Color viridis(double t) {
        double u = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (VIRIDIS.length - 1);
        int i = Math.min((int) u, VIRIDIS.length - 2);
        double f = u - i;
        int[] a = VIRIDIS[i], b = VIRIDIS[i + 1];
        return new Color((int) Math.round(a[0] + f * (b[0] - a[0])), (int) Math.round(a[1] + f * (b[1] - a[1])),
                (int) Math.round(a[2] + f * (b[2] - a[2])));
    }
}
