package dev.descent.examples.report;

import dev.descent.examples.plot.Plots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.descent.core.testing.FilePermissions.assertLikeANewFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    @TempDir
    Path dir;

    private Path png(String relative) {
        return Plots.line("Curve " + relative, "x", "y").series("s", new double[] {1, 2, 3}).size(200, 150)
                .savePng(dir.resolve(relative));
    }

    @Test
    void linksEveryFigureRelativelyAndEscapesText() throws IOException {
        Report r = new Report("Run <1> & \"friends\"");
        r.setting("backend", "ejml").setting("seed", 42);
        Report.Section a = r.section("Init");
        a.paragraph("Four <init> schemes.");
        a.measurement("accuracy", "0.96");
        a.figure(new Figure(png("report/init/cost.png"), "Cost", "<script>alert('x')</script>", "a & b"));
        a.figure(new Figure(png("report/init/with space.png"), "Boundary", "point", ""));
        Report.Section b = r.section("Elsewhere");
        b.note("skipped: data missing");
        b.figure(new Figure(png("other/hist.png"), "Outside", "", "measured 3 > 2"));
        r.timing("init", Duration.ofMillis(1500)).timing("lecture", Duration.ofMillis(500));

        Path reportDir = dir.resolve("report");
        Path index = HtmlReport.write(r, reportDir);
        assertEquals(reportDir.resolve("index.html"), index);
        assertLikeANewFile(index);
        HtmlReport.write(r, reportDir);
        assertLikeANewFile(index); // replaced, still like any new file
        String html = Files.readString(index);

        List<String> srcs = new ArrayList<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]*)\"").matcher(html);
        while (m.find()) srcs.add(m.group(1));
        assertEquals(List.of("init/cost.png", "init/with%20space.png", "../other/hist.png"), srcs);
        for (String s : srcs) {
            Path target = Path.of(reportDir.toUri().resolve(URI.create(s)));
            assertTrue(Files.isRegularFile(target), s + " -> " + target);
        }
        assertEquals(r.figures().size(), srcs.size(), "every figure linked once");

        assertFalse(html.contains("<script>"), "caption escaped");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; \u2014 a &amp; b"), html);
        assertTrue(html.contains("<title>Run &lt;1&gt; &amp; &quot;friends&quot;</title>"), html);
        assertTrue(html.contains("<p>Four &lt;init&gt; schemes.</p>"));
        assertTrue(html.contains("measured 3 &gt; 2"));
        assertTrue(html.contains("<td>backend</td><td>ejml</td>"));
        assertTrue(html.contains("<td>accuracy</td><td class=\"num\">0.96</td>"));
        assertTrue(html.contains("<p class=\"note\">skipped: data missing</p>"));
        assertTrue(html.contains("<td>init</td><td class=\"num\">1.5 s</td>"));
        assertTrue(html.contains("<td>total</td><td class=\"num\">2.0 s</td>"));
        assertTrue(html.contains("<a href=\"#s2\">Elsewhere</a>"));
    }

    @Test
    void aMissingImageIsAnErrorAndNoPageIsWritten() {
        Report r = new Report("t");
        r.section("s").figure(new Figure(dir.resolve("nope.png"), "Gone", "", ""));
        IOException e = assertThrows(IOException.class, () -> HtmlReport.write(r, dir.resolve("report")));
        assertTrue(e.getMessage().contains("'Gone' has no image file"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("report/index.html")));
    }

    @Test
    void escapeAndCaption() {
        assertEquals("a&lt;b&gt;&amp;&quot;&#39;", Html.escape("a<b>&\"'"));
        assertEquals("", Html.escape(null));
        assertEquals("p \u2014 m", new Figure(Path.of("x.png"), "t", "p", "m").caption());
        assertEquals("m", new Figure(Path.of("x.png"), "t", null, "m").caption());
    }
}
