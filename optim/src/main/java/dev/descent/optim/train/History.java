package dev.descent.optim.train;

import dev.descent.core.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a training run did: one record per optimiser step (loss, learning rate, global gradient norm, time) and
 * one per epoch (every metric on training and validation data), the batch mode, and why it stopped. Exports to
 * CSV (one file for steps, one for epochs) and to JSON, and reads its JSON back.
 *
 * <pre>{@code
 * History h = trainer.fit();
 * h.epochs().get(h.epochs().size() - 1).metrics().get("val_accuracy");
 * h.writeEpochsCsv(Path.of("epochs.csv"));
 * }</pre>
 */
public final class History {
    /** One optimiser step. */
    public record Step(int epoch, long step, double loss, double learningRate, double gradNorm, long nanos) {
    }

    /** One epoch's metrics ({@code loss}, {@code accuracy}, {@code val_loss}, ...) and its duration. */
    public record Epoch(int epoch, Map<String, Double> metrics, long nanos) {
        public Epoch {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        /** The metric's value, or NaN when absent. */
        public double get(String name) {
            return metrics.getOrDefault(name, Double.NaN);
        }
    }

    private final String batchMode;
    private final List<Step> steps = new ArrayList<>();
    private final List<Epoch> epochs = new ArrayList<>();
    private StopReason stopReason = StopReason.COMPLETED;
    private String stopMessage = "";

    public History(String batchMode) {
        this.batchMode = batchMode;
    }

    /** Which descent the run was: {@code batch}, {@code mini-batch} or {@code stochastic}. */
    public String batchMode() {
        return batchMode;
    }

    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public StopReason stopReason() {
        return stopReason;
    }

    /** Why the run stopped, in words (empty when it completed). */
    public String stopMessage() {
        return stopMessage;
    }

    /** The values of one metric, epoch by epoch. */
    public double[] metric(String name) {
        return epochs.stream().mapToDouble(e -> e.get(name)).toArray();
    }

    /** The loss of every step. */
    public double[] stepLosses() {
        return steps.stream().mapToDouble(Step::loss).toArray();
    }

    void add(Step s) {
        steps.add(s);
    }

    void add(Epoch e) {
        epochs.add(e);
    }

    void stop(StopReason reason, String message) {
        stopReason = reason;
        stopMessage = message;
    }

    /** Drops what comes after {@code epoch} (used when resuming from a checkpoint). */
    void truncateAfter(int epoch) {
        epochs.removeIf(e -> e.epoch() > epoch);
        steps.removeIf(s -> s.epoch() > epoch);
    }

    // ---------------------------------------------------------------- export

    /** Steps as CSV: {@code epoch,step,loss,learning_rate,grad_norm,nanos}. */
    public void writeStepsCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,step,loss,learning_rate,grad_norm,nanos\n");
        for (Step s : steps) {
            sb.append(s.epoch()).append(',').append(s.step()).append(',').append(num(s.loss())).append(',')
                    .append(num(s.learningRate())).append(',').append(num(s.gradNorm())).append(',').append(s.nanos())
                    .append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /** Epochs as CSV: {@code epoch,<metric>...,nanos}, one column per metric seen in any epoch. */
    public void writeEpochsCsv(Path file) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Epoch e : epochs) names.addAll(e.metrics().keySet());
        StringBuilder sb = new StringBuilder("epoch");
        for (String n : names) sb.append(',').append(n);
        sb.append(",nanos\n");
        for (Epoch e : epochs) {
            sb.append(e.epoch());
            for (String n : names) sb.append(',').append(num(e.get(n)));
            sb.append(',').append(e.nanos()).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /** The whole history as JSON; {@link #readJson} reads it back. Non-finite values are written as strings. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\"batchMode\":").append(Json.quote(batchMode))
                .append(",\"stopReason\":").append(Json.quote(stopReason.name()))
                .append(",\"stopMessage\":").append(Json.quote(stopMessage)).append(",\"steps\":[");
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            sb.append(i == 0 ? "" : ",").append('[').append(s.epoch()).append(',').append(s.step()).append(',')
                    .append(Json.number(s.loss())).append(',').append(Json.number(s.learningRate())).append(',')
                    .append(Json.number(s.gradNorm())).append(',').append(s.nanos()).append(']');
        }
        sb.append("],\"epochs\":[");
        for (int i = 0; i < epochs.size(); i++) {
            Epoch e = epochs.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"epoch\":").append(e.epoch()).append(",\"nanos\":").append(e.nanos())
                    .append(",\"metrics\":{");
            int k = 0;
            for (var m : e.metrics().entrySet()) {
                sb.append(k++ == 0 ? "" : ",").append(Json.quote(m.getKey())).append(':').append(Json.number(m.getValue()));
            }
            sb.append("}}");
        }
        return sb.append("]}").toString();
    }

    public void writeJson(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a history written by {@link #toJson()}; anything else is an {@link IllegalArgumentException} that names
     * the field ({@code steps[3][1]}, {@code epochs[0].metrics.loss}).
     */
    public static History fromJson(String json) {
        JsonFields root = JsonFields.parse(json);
        History h = new History(root.string("batchMode"));
        String reason = root.string("stopReason");
        try {
            h.stop(StopReason.valueOf(reason), root.string("stopMessage"));
        } catch (IllegalArgumentException e) {
            if (e instanceof JsonFields.Bad) throw e;
            throw new JsonFields.Bad("stopReason", "must be one of " + java.util.Arrays.toString(StopReason.values())
                    + ", got " + Json.quote(reason));
        }
        List<Object> steps = root.array("steps");
        for (int i = 0; i < steps.size(); i++) {
            String at = "steps[" + i + "]";
            List<Object> s = JsonFields.array(steps.get(i), at);
            if (s.size() != 6) throw new JsonFields.Bad(at, "must hold 6 values, got " + s.size());
            h.add(new Step(JsonFields.integer(s.get(0), at + "[0]", 1), JsonFields.whole(s.get(1), at + "[1]", 1),
                    JsonFields.real(s.get(2), at + "[2]"), JsonFields.real(s.get(3), at + "[3]"),
                    JsonFields.real(s.get(4), at + "[4]"), JsonFields.whole(s.get(5), at + "[5]", 0)));
        }
        List<Object> epochs = root.array("epochs");
        for (int i = 0; i < epochs.size(); i++) {
            String at = "epochs[" + i + "]";
            Map<String, Object> e = JsonFields.object(epochs.get(i), at);
            Map<String, Object> m = JsonFields.object(e.get("metrics"), at + ".metrics");
            Map<String, Double> metrics = new LinkedHashMap<>();
            m.forEach((k, v) -> metrics.put(k, JsonFields.real(v, at + ".metrics." + k)));
            h.add(new Epoch(JsonFields.integer(e.get("epoch"), at + ".epoch", 1), metrics,
                    JsonFields.whole(e.get("nanos"), at + ".nanos", 0)));
        }
        return h;
    }

    public static History readJson(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static String num(double v) {
        return Double.toString(v);
    }
}
