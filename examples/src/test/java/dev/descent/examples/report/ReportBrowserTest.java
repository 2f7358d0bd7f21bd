package dev.descent.examples.report;

import dev.descent.examples.Lecture;
import dev.descent.examples.RunContext;
import dev.descent.examples.demos.GradientDescentDemo;
import dev.descent.examples.demos.OptimizersDemo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The lecture report as a reader's browser shows it: a report from a small configuration of two demos, opened in
 * headless Chromium at 1280 pixels wide. A script added to a copy of the page checks that every image and every SVG
 * loads, that no element reaches past the page's width, and that every contents link has its target; Chromium
 * writes the DOM with the results ({@code --dump-dom}) and then a full-page screenshot to
 * {@code target/report-screenshot.png}. Without Chromium the test fails and says how to install it.
 */
class ReportBrowserTest {
    private static final int WIDTH = 1280;
    private static final long TIMEOUT_SECONDS = 90;

    /** Runs in the page after everything loaded; writes its findings as text into #descent-check. */
    private static final String CHECK = """
            <script>
            window.addEventListener('load', function () { // after every image has loaded or failed
              const out = [];
              const pending = [];
              for (const img of document.images) {
                out.push('img ' + (img.complete && img.naturalWidth > 0 ? 'ok' : 'BROKEN') + ' ' + img.getAttribute('src'));
              }
              for (const a of document.querySelectorAll('a.svg')) {
                pending.push(new Promise(done => {
                  const i = new Image();
                  i.onload = () => { out.push('svg ' + (i.naturalWidth > 0 ? 'ok' : 'BROKEN') + ' ' + a.getAttribute('href')); done(); };
                  i.onerror = () => { out.push('svg BROKEN ' + a.getAttribute('href')); done(); };
                  i.src = a.href;
                }));
              }
              const width = document.documentElement.clientWidth;
              out.push('width ' + width + ' scrollWidth ' + document.documentElement.scrollWidth);
              for (const e of document.body.querySelectorAll('*')) {
                const r = e.getBoundingClientRect();
                if (r.right > width + 1) out.push('overflow <' + e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '> right ' + Math.round(r.right));
              }
              for (const a of document.querySelectorAll('a[href^="#"]')) {
                const id = decodeURIComponent(a.getAttribute('href').slice(1));
                out.push('link ' + (document.getElementById(id) ? 'ok' : 'MISSING') + ' #' + id);
              }
              out.push('height ' + document.documentElement.scrollHeight);
              Promise.all(pending).then(() => {
                const pre = document.createElement('pre');
                pre.id = 'descent-check';
                pre.textContent = '\\n' + out.join('\\n') + '\\nend\\n';
                document.body.appendChild(pre);
              });
            });
            </script>
            """;

    @TempDir
    static Path out;
    static Path index;

    @BeforeAll
    static void writeReport() throws IOException {
        var optimizers = new OptimizersDemo(new OptimizersDemo.Config(List.of("gd", "momentum", "momentum-ema", "adam"),
                List.of("ravine", "rosenbrock"), 5, 32, 40, 100, 50, 0.3));
        var gd = new GradientDescentDemo(new GradientDescentDemo.Config(3, 20, 200, 0.05));
        Lecture.Outcome o = Lecture.run(List.of(gd, optimizers), RunContext.forTest(out, 42));
        assertTrue(o.failed().isEmpty(), "demos failed: " + o.failed());
        index = o.index();
    }

    @Test
    void everyImageLoadsNothingOverflowsAndEveryContentsLinkResolves() throws Exception {
        Path chromium = chromium();
        Path page = index.resolveSibling("browser-check.html");
        String html = Files.readString(index, StandardCharsets.UTF_8);
        Files.writeString(page, html.replace("</body>", CHECK + "</body>"), StandardCharsets.UTF_8);

        String dom = run(chromium, List.of("--window-size=" + WIDTH + ",1000", "--virtual-time-budget=20000",
                "--dump-dom", page.toUri().toString()));
        Matcher m = Pattern.compile("<pre id=\"descent-check\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), "the check script did not finish; Chromium wrote:\n" + tail(dom));
        List<String> lines = m.group(1).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        assertEquals("end", lines.get(lines.size() - 1));

        List<String> problems = new ArrayList<>();
        int images = 0, svgs = 0, links = 0, height = 0;
        for (String line : lines) {
            if (line.startsWith("img ")) images++;
            if (line.startsWith("svg ")) svgs++;
            if (line.startsWith("link ")) links++;
            if (line.startsWith("height ")) height = Integer.parseInt(line.substring(7).strip());
            if (line.contains("BROKEN") || line.contains("MISSING") || line.startsWith("overflow")) problems.add(line);
        }
        Matcher w = Pattern.compile("width (\\d+) scrollWidth (\\d+)").matcher(m.group(1));
        assertTrue(w.find());
        assertTrue(Integer.parseInt(w.group(2)) <= Integer.parseInt(w.group(1)), "the page scrolls sideways: " + w.group());
        assertEquals(List.of(), problems, "in a 1280-pixel window");
        long figures = Files.readString(index).split("<figure ", -1).length - 1;
        assertTrue(figures >= 8, "figures on the page: " + figures);
        assertEquals(figures, images, "every figure's image was checked");
        assertEquals(figures, svgs, "every figure has an SVG that loads");
        assertTrue(links >= figures, "contents links: " + links);

        // The full page, for a person to look at.
        Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        run(chromium, List.of("--window-size=" + WIDTH + "," + Math.min(Math.max(height, 800), 16000),
                "--hide-scrollbars", "--virtual-time-budget=20000", "--screenshot=" + shot, index.toUri().toString()));
        BufferedImage png = ImageIO.read(shot.toFile());
        assertTrue(png != null && png.getWidth() == WIDTH && png.getHeight() >= Math.min(height, 16000) - 1,
                "screenshot " + shot + ": " + (png == null ? "none" : png.getWidth() + " x " + png.getHeight()));
    }

    /** Chromium on the PATH (Debian's {@code chromium}), or the test fails saying how to install it. */
    static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return fail("Chromium is not installed, so the report cannot be checked in a browser: install Debian's "
                + "package (apt-get install -y chromium; .ci/run does so as root) and run the test again");
    }

    /** Runs headless Chromium with a fresh profile; returns its standard output; bounded in time, cleans up. */
    private static String run(Path chromium, List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("descent-chromium");
        Path stdout = Files.createTempFile("descent-chromium", ".out");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--allow-file-access-from-files",
                "--user-data-dir=" + profile));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(stdout);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
}
