package dev.descent.examples;

import dev.descent.examples.report.Figure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a demo produced: its figures, its measurements (the numbers behind the lecture's claims), a few summary lines
 * for the terminal and a lead paragraph for the report.
 *
 * <pre>{@code
 * return DemoResult.builder("Weight initialisation")
 *         .lead("A 2-10-5-1 ReLU network on circles, trained with four initialisations.")
 *         .figure(costFigure).figure(boundaryFigure)
 *         .measurement("test accuracy, APPROPRIATE", "0.96")
 *         .summary("APPROPRIATE reached 96% test accuracy; ZERO stayed at 50%")
 *         .build();
 * }</pre>
 */
public record DemoResult(String title, String lead, List<Figure> figures, Map<String, String> measurements,
                         List<String> summary) {
    public DemoResult {
        Objects.requireNonNull(title, "title");
        lead = lead == null ? "" : lead;
        figures = List.copyOf(figures);
        measurements = Collections.unmodifiableMap(new LinkedHashMap<>(measurements));
        summary = List.copyOf(summary);
    }

    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** Collects a result step by step. */
    public static final class Builder {
        private final String title;
        private String lead = "";
        private final List<Figure> figures = new ArrayList<>();
        private final Map<String, String> measurements = new LinkedHashMap<>();
        private final List<String> summary = new ArrayList<>();

        private Builder(String title) {
            this.title = Objects.requireNonNull(title, "title");
        }

        /** The paragraph that opens the demo's report section: the setup and the lecture's point. */
        public Builder lead(String text) {
            this.lead = Objects.requireNonNull(text, "text");
            return this;
        }

        public Builder figure(Figure figure) {
            figures.add(Objects.requireNonNull(figure, "figure"));
            return this;
        }

        /** A measured number, shown in the report's table; {@code value} is formatted by {@code String.valueOf}. */
        public Builder measurement(String name, Object value) {
            measurements.put(Objects.requireNonNull(name, "name"), String.valueOf(value));
            return this;
        }

        /** A line printed on the terminal after the demo (unless --quiet). */
        public Builder summary(String line) {
            summary.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        public DemoResult build() {
            return new DemoResult(title, lead, figures, measurements, summary);
        }
    }
}
