package dev.descent.data;

import dev.descent.core.Rng;

/** Draws one shape of {@link Datasets#shapes} into a block of pixels. */
final class ShapeRenderer {
    static final int CIRCLE = 0;
    static final int SQUARE = 1;
    static final int TRIANGLE = 2;

    /** Sub-samples per pixel side: coverage is measured on a 4 x 4 grid of points inside each pixel. */
    private static final int SUB = 4;

    private ShapeRenderer() {
    }

    /** A random half-extent in {@code [0.15, 0.4] * size} and a center keeping the shape inside: {h, cx, cy}. */
    static double[] place(Rng rng, int size) {
        double h = size * (0.15 + 0.25 * rng.nextDouble());
        double cx = h + (size - 2 * h) * rng.nextDouble();
        double cy = h + (size - 2 * h) * rng.nextDouble();
        return new double[] {h, cx, cy};
    }

    /**
     * Writes a {@code size x size} image of {@code kind} placed at {@code place} into {@code out[offset ...]}: the
     * covered fraction of each pixel plus Gaussian noise from {@code rng} (none drawn when {@code noise} is 0),
     * clamped to [0, 1].
     */
    static void draw(int kind, double[] place, int size, double noise, Rng rng, float[] out, int offset) {
        double h = place[0], cx = place[1], cy = place[2];
        for (int py = 0; py < size; py++) {
            for (int px = 0; px < size; px++) {
                int hits = 0;
                for (int sy = 0; sy < SUB; sy++) {
                    double y = py + (sy + 0.5) / SUB;
                    for (int sx = 0; sx < SUB; sx++) {
                        double x = px + (sx + 0.5) / SUB;
                        if (inside(kind, x - cx, y - cy, h)) hits++;
                    }
                }
                double v = (double) hits / (SUB * SUB);
                if (noise > 0) v += noise * rng.nextGaussian();
                out[offset + py * size + px] = (float) Math.min(1, Math.max(0, v));
            }
        }
    }

    /** Whether the point {@code (dx, dy)} from the center lies in the shape of half-extent {@code h} (y grows downward). */
    private static boolean inside(int kind, double dx, double dy, double h) {
        return switch (kind) {
            case CIRCLE -> dx * dx + dy * dy <= h * h;
            case SQUARE -> Math.abs(dx) <= h && Math.abs(dy) <= h;
            // apex at (0, -h), base from (-h, h) to (h, h): the half-width grows from 0 to h over the height 2h
            case TRIANGLE -> dy <= h && Math.abs(dx) <= (dy + h) / 2;
            default -> throw new IllegalStateException("unknown shape " + kind);
        };
    }
}
