package dev.descent.examples.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The content of an HTML report: a title, the run's settings, sections with text, figures and measurements, and
 * timings. {@link HtmlReport} writes it.
 *
 * <pre>{@code
 * Report r = new Report("Descent: the lecture's demos");
 * r.setting("backend", "jblas").setting("seed", 42);
 * Report.Section s = r.section("Weight initialisation");
 * s.paragraph("Four initialisations of the same network on the circles data.");
 * s.figure(new Figure(png, "Cost", "Zero init never breaks symmetry.", "final cost 0.69"));
 * s.measurement("test accuracy (He)", "0.96");
 * r.timing("init", Duration.ofSeconds(12));
 * HtmlReport.write(r, outDir.resolve("report"));
 * }</pre>
 */
public final class Report {
    /** A section: a heading, then paragraphs, notes, a table of measurements and figures, in that order. */
    public static final class Section {
        private final String title;
        private final List<String> paragraphs = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final Map<String, String> measurements = new LinkedHashMap<>();
        private final List<Figure> figures = new ArrayList<>();

        Section(String title) {
            this.title = title;
        }

        public Section paragraph(String text) {
            paragraphs.add(Objects.requireNonNull(text, "text"));
            return this;
        }

        /** A highlighted remark, e.g. that the demo was skipped and why. */
        public Section note(String text) {
            notes.add(Objects.requireNonNull(text, "text"));
            return this;
        }

        public Section measurement(String name, Object value) {
            measurements.put(Objects.requireNonNull(name, "name"), String.valueOf(value));
            return this;
        }

        public Section figure(Figure figure) {
            figures.add(Objects.requireNonNull(figure, "figure"));
            return this;
        }

        public String title() {
            return title;
        }

        public List<String> paragraphs() {
            return Collections.unmodifiableList(paragraphs);
        }

        public List<String> notes() {
            return Collections.unmodifiableList(notes);
        }

        public Map<String, String> measurements() {
            return Collections.unmodifiableMap(measurements);
        }

        public List<Figure> figures() {
            return Collections.unmodifiableList(figures);
        }
    }

    private final String title;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, Duration> timings = new LinkedHashMap<>();

    public Report(String title) {
        if (title == null || title.isBlank()) throw new IllegalArgumentException("Report: blank title");
        this.title = title;
    }

    /** A row of the settings table (backend, dtype, seed, ...); a repeated name replaces the value. */
    public Report setting(String name, Object value) {
        settings.put(Objects.requireNonNull(name, "name"), String.valueOf(value));
        return this;
    }

    /** Appends a new section and returns it. */
    public Section section(String title) {
        if (title == null || title.isBlank()) throw new IllegalArgumentException("Report.section: blank title");
        Section s = new Section(title);
        sections.add(s);
        return s;
    }

    /** A row of the timing table. */
    public Report timing(String what, Duration duration) {
        timings.put(Objects.requireNonNull(what, "what"), Objects.requireNonNull(duration, "duration"));
        return this;
    }

    public String title() {
        return title;
    }

    public Map<String, String> settings() {
        return Collections.unmodifiableMap(settings);
    }

    public List<Section> sections() {
        return Collections.unmodifiableList(sections);
    }

    public Map<String, Duration> timings() {
        return Collections.unmodifiableMap(timings);
    }

    /** Every figure of every section, in order. */
    public List<Figure> figures() {
        return sections.stream().flatMap(s -> s.figures().stream()).toList();
    }
}
