package dev.descent.examples.report;

import dev.descent.core.io.TempFiles;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Report} as one self-describing HTML page, {@code index.html}, that links its figures by relative
 * paths (so the directory can be moved or served as it is). Every text is HTML-escaped.
 *
 * <pre>{@code
 * Path index = HtmlReport.write(report, Path.of("descent-out/report"));
 * }</pre>
 */
public final class HtmlReport {
    /** The file name of the page. */
    public static final String INDEX = "index.html";

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
                   color: #222; line-height: 1.45; }
            h1 { border-bottom: 2px solid #1f77b4; padding-bottom: .3rem; }
            h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 1rem 0; }
            th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; vertical-align: top; }
            th { background: #f3f6fa; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            figure { margin: 1.5rem 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
            figcaption { font-size: .95rem; color: #333; }
            .note { background: #fff6e0; border-left: 4px solid #ff7f0e; padding: .4rem .8rem; }
            """;

    private HtmlReport() {
    }

    /**
     * Writes {@code dir/index.html} (creating {@code dir}); replaces an existing page atomically. Every figure must
     * exist. Returns the page's path.
     */
    public static Path write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Figure f : report.figures()) {
            if (!Files.isRegularFile(f.png())) {
                throw new IOException("HtmlReport: figure '" + f.title() + "' has no image file: " + f.png());
            }
        }
        Path index = dir.resolve(INDEX);
        Path tmp = TempFiles.createTempFile(dir, ".index", ".html.tmp");
        try {
            Files.writeString(tmp, render(report, dir), StandardCharsets.UTF_8);
            Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return index;
    }

    /** The page's HTML, with figure links relative to {@code dir}. */
    public static String render(Report report, Path dir) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(report.title())).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(Html.escape(report.title())).append("</h1>\n");
        if (!report.sections().isEmpty()) {
            h.append("<nav><ol>\n");
            for (int i = 0; i < report.sections().size(); i++) {
                h.append("<li><a href=\"#s").append(i + 1).append("\">")
                        .append(Html.escape(report.sections().get(i).title())).append("</a></li>\n");
            }
            h.append("</ol></nav>\n");
        }
        if (!report.settings().isEmpty()) {
            h.append("<h2 id=\"settings\">Settings</h2>\n");
            table(h, "setting", "value", report.settings(), false);
        }
        for (int i = 0; i < report.sections().size(); i++) section(h, report.sections().get(i), i + 1, dir);
        if (!report.timings().isEmpty()) {
            h.append("<h2 id=\"timing\">Timing</h2>\n");
            Map<String, String> rows = new java.util.LinkedHashMap<>();
            Duration total = Duration.ZERO;
            for (var e : report.timings().entrySet()) {
                rows.put(e.getKey(), seconds(e.getValue()));
                total = total.plus(e.getValue());
            }
            if (report.timings().size() > 1) rows.put("total", seconds(total));
            table(h, "part", "time", rows, true);
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void section(StringBuilder h, Report.Section s, int number, Path dir) {
        h.append("<section id=\"s").append(number).append("\">\n<h2>").append(Html.escape(s.title())).append("</h2>\n");
        for (String p : s.paragraphs()) h.append("<p>").append(Html.escape(p)).append("</p>\n");
        for (String n : s.notes()) h.append("<p class=\"note\">").append(Html.escape(n)).append("</p>\n");
        if (!s.measurements().isEmpty()) table(h, "measured", "value", s.measurements(), true);
        for (Figure f : s.figures()) {
            h.append("<figure>\n<img src=\"").append(Html.escape(link(dir, f.png()))).append("\" alt=\"")
                    .append(Html.escape(f.title())).append("\">\n<figcaption><strong>")
                    .append(Html.escape(f.title())).append(".</strong> ").append(Html.escape(f.caption()))
                    .append("</figcaption>\n</figure>\n");
        }
        h.append("</section>\n");
    }

    private static void table(StringBuilder h, String key, String value, Map<String, String> rows, boolean numeric) {
        h.append("<table>\n<tr><th>").append(key).append("</th><th>").append(value).append("</th></tr>\n");
        for (var e : rows.entrySet()) {
            h.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td")
                    .append(numeric ? " class=\"num\"" : "").append('>').append(Html.escape(e.getValue()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The figure's path relative to the page, '/'-separated and percent-encoded as a URI path. */
    static String link(Path dir, Path png) {
        Path rel;
        try {
            rel = dir.toAbsolutePath().normalize().relativize(png.toAbsolutePath().normalize());
        } catch (IllegalArgumentException e) { // different roots: link absolutely
            return png.toAbsolutePath().toUri().toString();
        }
        String path = rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
        if (path.split("/", 2)[0].contains(":")) path = "./" + path; // not to be read as a URI scheme
        try {
            return new URI(null, null, path, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("HtmlReport: cannot link " + png + ": " + e.getMessage(), e);
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }
}
