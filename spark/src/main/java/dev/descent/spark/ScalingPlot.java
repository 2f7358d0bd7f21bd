package dev.descent.spark;

import java.util.List;
import java.util.Locale;

/**
 * The scaling sweep's plot as SVG: each mode's measured cost per step over its compute against the parameters
 * (log–log), with its fitted line {@code f + a × parameters}.
 */
final class ScalingPlot {
    private static final int W = 640, H = 420, L = 70, R = 20, T = 30, B = 50;

    private ScalingPlot() {
    }

    static String svg(List<ScalingSweep.Cell> cells, ScalingSweep.Fit perStep, ScalingSweep.Fit barrier, int k) {
        double minP = Double.MAX_VALUE, maxP = 1, minY = Double.MAX_VALUE, maxY = 1e-3;
        for (ScalingSweep.Cell c : cells) {
            minP = Math.min(minP, c.parameters());
            maxP = Math.max(maxP, c.parameters());
            for (double y : new double[] {c.perStep().costNanos() / 1e6, c.barrier().costNanos() / 1e6}) {
                if (y > 0) {
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (cells.isEmpty()) {
            minP = 1e3;
            maxP = 1e7;
            minY = 0.1;
            maxY = 100;
        }
        double x0 = Math.floor(Math.log10(minP)), x1 = Math.max(x0 + 1, Math.ceil(Math.log10(maxP)));
        double y0 = Math.floor(Math.log10(minY)), y1 = Math.max(y0 + 1, Math.ceil(Math.log10(maxY)));
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\">Cost per step over the compute (ms) against parameters</text>%n", L));
        for (double e = x0; e <= x1; e++) {
            double x = px(e, x0, x1);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1e%d</text>%n", x, T, x, H - B, x, H - B + 18, (int) e));
        }
        for (double e = y0; e <= y1; e++) {
            double y = py(e, y0, y1);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", L, y, W - R, y, L - 6, y + 4, label(e)));
        }
        series(s, cells, perStep, true, "#1f77b4", "one job per step", x0, x1, y0, y1, 0);
        series(s, cells, barrier, false, "#d62728", k + " steps per barrier job", x0, x1, y0, y1, 1);
        return s.append("</svg>\n").toString();
    }

    private static void series(StringBuilder s, List<ScalingSweep.Cell> cells, ScalingSweep.Fit fit, boolean perStep,
                               String colour, String name, double x0, double x1, double y0, double y1, int legend) {
        for (ScalingSweep.Cell c : cells) {
            double y = (perStep ? c.perStep() : c.barrier()).costNanos() / 1e6;
            if (y <= 0) continue;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>%n",
                    px(Math.log10(c.parameters()), x0, x1), py(Math.log10(y), y0, y1), colour));
        }
        StringBuilder path = new StringBuilder();
        for (int i = 0; i <= 60; i++) {
            double e = x0 + (x1 - x0) * i / 60, y = fit.at(Math.pow(10, e)) / 1e6;
            if (y <= 0) continue;
            double ly = Math.max(y0, Math.min(y1, Math.log10(y)));
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px(e, x0, x1), py(ly, y0, y1)));
        }
        s.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\"/>%n", path, colour));
        int ly = T + 16 + 16 * legend;
        s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s: "
                        + "%.2f ms + %.2f ms per million parameters</text>%n", L + 14, ly - 4, colour, L + 24, ly, name,
                fit.fixed() / 1e6, fit.perParameter()));
    }

    private static String label(double e) {
        double v = Math.pow(10, e);
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
    }

    private static double px(double e, double x0, double x1) {
        return L + (W - L - R) * (e - x0) / (x1 - x0);
    }

    private static double py(double e, double y0, double y1) {
        return H - B - (H - T - B) * (e - y0) / (y1 - y0);
    }
}
