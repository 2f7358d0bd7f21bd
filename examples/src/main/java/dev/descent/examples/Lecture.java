package dev.descent.examples;

import dev.descent.examples.report.HtmlReport;
import dev.descent.examples.report.Report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs demos one after the other and writes the report: each demo's figures go to {@code out/report/NAME/} and
 * {@code out/report/index.html} gets an overview (what ran, what did not and why), then a section per demo (its lead, measurements and figures with captions, or why it
 * did not run), the run's settings and the time each demo took.
 *
 * <pre>{@code
 * Lecture.Outcome o = Lecture.run(List.of(new InitDemo(...), new LearningRateDemo(...)), ctx);
 * System.out.println("report: " + o.index());
 * }</pre>
 */
public final class Lecture {
    /** The report's title. */
    public static final String TITLE = "Descent: the lecture's demos";

    private Lecture() {
    }

    /**
     * What happened: the page written, the demos that ran, and, by name, why the others did not.
     *
     * @param ran        demos that ran to the end
     * @param notBuilt   demos not in this build (message by name)
     * @param missingData demos skipped for missing data (message by name)
     * @param failed     demos that threw (message by name)
     */
    public record Outcome(Path index, List<String> ran, Map<String, String> notBuilt, Map<String, String> missingData,
                          Map<String, String> failed) {
        /** 0 when every demo ran or was skipped for missing data, else 1. */
        public int exitCode() {
            return failed.isEmpty() && notBuilt.isEmpty() ? 0 : 1;
        }
    }

    /** Runs {@code demos} in order with {@code ctx}'s settings and writes {@code ctx.outDir()/report/index.html}. */
    public static Outcome run(List<Demo> demos, RunContext ctx) throws IOException {
        RunContext reportCtx = ctx.inDirectory("report");
        Report report = new Report(TITLE);
        ctx.settings().forEach(report::setting);
        Report.Section overview = report.section("Overview");
        overview.paragraph("Each section below is one of the lecture's demos, run by the library itself on the "
                + "settings above. Every figure's caption states the lecture's point first, then what this run "
                + "measured; the table of each section holds the numbers behind the lecture's claims.");
        List<String> ran = new java.util.ArrayList<>();
        Map<String, String> notBuilt = new LinkedHashMap<>(), missing = new LinkedHashMap<>(),
                failed = new LinkedHashMap<>();
        for (Demo demo : demos) {
            Report.Section section = report.section(demo.title());
            ctx.say("== %s: %s", demo.name(), demo.title());
            long t0 = System.nanoTime();
            try {
                DemoResult r = demo.run(reportCtx.inDirectory(demo.name()));
                if (!r.lead().isEmpty()) section.paragraph(r.lead());
                r.measurements().forEach(section::measurement);
                r.figures().forEach(section::figure);
                r.summary().forEach(line -> ctx.say("  %s", line));
                ran.add(demo.name());
            } catch (DemoUnavailableException e) {
                section.note("Not run: " + e.getMessage() + ".");
                (e.reason() == DemoUnavailableException.Reason.MISSING_DATA ? missing : notBuilt)
                        .put(demo.name(), e.getMessage());
                ctx.err().println("descent lecture: skipped " + demo.name() + ": " + e.getMessage());
            } catch (Exception e) {
                String message = Errors.message(e);
                section.note("Failed: " + message);
                failed.put(demo.name(), message);
                ctx.err().println("descent lecture: " + demo.name() + " failed: " + message);
                if (ctx.verbose()) e.printStackTrace(ctx.err());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            report.timing(demo.name(), took);
            overview.measurement(demo.name(), outcome(demo.name(), took, ran, notBuilt, missing, failed));
            ctx.detail("  (%s took %.1f s)", demo.name(), took.toNanos() / 1e9);
        }
        Path index = HtmlReport.write(report, reportCtx.outDir());
        return new Outcome(index, List.copyOf(ran), notBuilt, missing, failed);
    }

    /** The overview's line for one demo: ran and how long, or why not. */
    private static String outcome(String name, Duration took, List<String> ran, Map<String, String> notBuilt,
                                  Map<String, String> missing, Map<String, String> failed) {
        if (ran.contains(name)) return String.format(java.util.Locale.ROOT, "ran (%.1f s)", took.toNanos() / 1e9);
        if (missing.containsKey(name)) return "not run: missing data";
        if (notBuilt.containsKey(name)) return "not available in this build";
        return "failed: " + failed.get(name);
    }
}
