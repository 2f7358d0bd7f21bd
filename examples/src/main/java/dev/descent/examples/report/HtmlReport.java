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
import java.util.List;
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
            body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
                   color: #222; line-height: 1.45; }
            * { box-sizing: border-box; }
            h1 { border-bottom: 2px solid #1f77b4; padding-bottom: .3rem; }
            h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 1rem 0; max-width: 100%; }
            th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; vertical-align: top;
                     overflow-wrap: anywhere; }
            th { background: #f3f6fa; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            figure { margin: 1.5rem 0; min-width: 0; }
            figure img { display: block; max-width: 100%; height: auto; border: 1px solid #ddd; }
            figcaption { font-size: .95rem; color: #333; overflow-wrap: anywhere; }
            .side-by-side { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0 1.2rem; }
            .side-by-side figure { margin: .8rem 0; }
            nav ol ol { font-size: .9rem; columns: 2; }
            p { overflow-wrap: anywhere; }
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
        Map<Figure, Integer> numbers = numbers(report);
        if (!report.sections().isEmpty()) {
            h.append("<nav id=\"contents\"><h2>Contents</h2>\n<ol>\n");
            for (int i = 0; i < report.sections().size(); i++) {
                Report.Section s = report.sections().get(i);
                h.append("<li><a href=\"#s").append(i + 1).append("\">").append(Html.escape(s.title())).append("</a>");
                if (!s.figures().isEmpty()) {
                    h.append("\n<ol>\n");
                    for (Figure f : s.figures()) {
                        int n = numbers.get(f);
                        h.append("<li value=\"").append(n).append("\"><a href=\"#").append(anchor(n)).append("\">")
                                .append(Html.escape(f.title())).append("</a></li>\n");
                    }
                    h.append("</ol>\n");
                }
                h.append("</li>\n");
            }
            h.append("</ol></nav>\n");
        }
        if (!report.settings().isEmpty()) {
            h.append("<h2 id=\"settings\">Settings</h2>\n");
            table(h, "setting", "value", report.settings(), false);
        }
        for (int i = 0; i < report.sections().size(); i++) section(h, report.sections().get(i), i + 1, dir, numbers);
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

    /** Every figure's number, 1, 2, ... in the order of the page. */
    static Map<Figure, Integer> numbers(Report report) {
        Map<Figure, Integer> m = new java.util.IdentityHashMap<>();
        for (Figure f : report.figures()) m.put(f, m.size() + 1);
        return m;
    }

    /** The id of figure {@code n} on the page. */
    static String anchor(int n) {
        return "figure-" + n;
    }

    private static void section(StringBuilder h, Report.Section s, int number, Path dir, Map<Figure, Integer> numbers) {
        h.append("<section id=\"s").append(number).append("\">\n<h2>").append(Html.escape(s.title())).append("</h2>\n");
        for (String p : s.paragraphs()) h.append("<p>").append(Html.escape(p)).append("</p>\n");
        for (String n : s.notes()) h.append("<p class=\"note\">").append(Html.escape(n)).append("</p>\n");
        if (!s.measurements().isEmpty()) table(h, "measured", "value", s.measurements(), true);
        List<Figure> figures = s.figures();
        for (int i = 0; i < figures.size(); ) {
            String group = figures.get(i).group();
            int j = i + 1;
            while (!group.isEmpty() && j < figures.size() && figures.get(j).group().equals(group)) j++;
            if (j - i > 1) h.append("<div class=\"side-by-side\">\n");
            for (int k = i; k < j; k++) figure(h, figures.get(k), dir, numbers, figures);
            if (j - i > 1) h.append("</div>\n");
            i = j;
        }
        h.append("</section>\n");
    }

    private static void figure(StringBuilder h, Figure f, Path dir, Map<Figure, Integer> numbers, List<Figure> section) {
        int n = numbers.get(f);
        h.append("<figure id=\"").append(anchor(n)).append("\">\n<img src=\"").append(Html.escape(link(dir, f.png())))
                .append("\" alt=\"").append(Html.escape(f.title())).append("\">\n<figcaption><strong>Figure ").append(n)
                .append(". ").append(Html.escape(f.title())).append(".</strong> ")
                .append(references(Html.escape(f.caption()), f, numbers, section));
        f.svg().ifPresent(svg -> h.append(" <a class=\"svg\" href=\"").append(Html.escape(link(dir, svg)))
                .append("\">SVG</a>"));
        h.append("</figcaption>\n</figure>\n");
    }

    private static final java.util.regex.Pattern REF = java.util.regex.Pattern.compile("\\{\\{figure:([^}]+)}}");

    /**
     * The caption with each {@link Figure#ref} replaced by a link "Figure N" to the figure of that file name beside
     * {@code f} (searched in its section first, then anywhere); an unknown name fails.
     */
    static String references(String caption, Figure f, Map<Figure, Integer> numbers, List<Figure> section) {
        java.util.regex.Matcher m = REF.matcher(caption);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Path target = f.png().resolveSibling(m.group(1));
            Figure hit = section.stream().filter(g -> g.png().equals(target)).findFirst()
                    .orElseGet(() -> numbers.keySet().stream().filter(g -> g.png().equals(target)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("HtmlReport: figure '" + f.title()
                                    + "' refers to " + m.group(1) + ", which is not in the report")));
            int n = numbers.get(hit);
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("<a href=\"#" + anchor(n) + "\">Figure "
                    + n + "</a>"));
        }
        m.appendTail(out);
        return out.toString();
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
