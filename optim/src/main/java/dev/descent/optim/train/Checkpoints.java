package dev.descent.optim.train;

import dev.descent.core.Tensor;
import dev.descent.core.io.Json;
import dev.descent.core.io.Safetensors;
import dev.descent.core.io.TempFiles;
import dev.descent.optim.StateDict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes and reads training checkpoints: a directory {@code last/} with {@code model.safetensors},
 * {@code optimizer.safetensors}, {@code best.safetensors} (when early stopping keeps best weights) and
 * {@code state.json} (epoch, step, early-stopping state, the state of every random generator) with
 * {@code history.json}, and
 * {@code best-model.safetensors} whenever the monitored metric improves. A checkpoint is written into a temporary
 * directory and renamed into place, so a crash mid-write leaves the previous one intact.
 */
final class Checkpoints {
    static final String LAST = "last";
    static final String BEST_MODEL = "best-model.safetensors";

    private final Path dir;
    private final int every;

    Checkpoints(Path dir, int every) {
        this.dir = dir;
        this.every = every;
    }

    void afterEpoch(Trainer t, Run r, boolean improved) {
        try {
            Files.createDirectories(dir);
            if (r.epoch % every == 0 || r.history.stopReason() != StopReason.COMPLETED) write(t, r);
            if (improved) t.model.save(dir.resolve(BEST_MODEL));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("checkpoint: cannot write to " + dir + ": " + e.getMessage(), e);
        }
    }

    private void write(Trainer t, Run r) throws IOException {
        Path tmp = TempFiles.createTempDirectory(dir, ".checkpoint-");
        t.model.save(tmp.resolve("model.safetensors"));
        StateDict opt = t.optimizer.stateDict();
        Safetensors.write(tmp.resolve("optimizer.safetensors"), opt.tensors(), opt.metadata());
        if (r.bestWeights != null) Safetensors.write(tmp.resolve("best.safetensors"), r.bestWeights, Map.of());
        StringBuilder json = new StringBuilder("{\"epoch\":").append(r.epoch).append(",\"step\":").append(r.step)
                .append(",\"best\":").append(Json.number(r.best)).append(",\"bestEpoch\":").append(r.bestEpoch)
                .append(",\"waited\":").append(r.waited).append(",\"loader\":").append(t.train.rngState() == null ? "null" : longs(t.train.rngState()))
                .append(",\"loaderEpochs\":").append(t.train.epochs()).append(",\"generators\":{");
        int k = 0;
        for (var g : t.model.namedGenerators().entrySet()) {
            json.append(k++ == 0 ? "" : ",").append(Json.quote(g.getKey())).append(':').append(longs(g.getValue().state()));
        }
        json.append("}}");
        Files.writeString(tmp.resolve("state.json"), json, StandardCharsets.UTF_8);
        r.history.writeJson(tmp.resolve("history.json"));
        Path last = dir.resolve(LAST);
        Path old = null;
        if (Files.exists(last)) {
            old = dir.resolve(".old-" + System.nanoTime());
            Files.move(last, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, last, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) deleteTree(old);
    }

    /** Restores everything saved in {@code checkpoint} (a {@code last/} directory or its parent) and continues. */
    @SuppressWarnings("unchecked")
    static History resume(Trainer t, Path checkpoint) throws IOException {
        Path d = Files.exists(checkpoint.resolve("state.json")) ? checkpoint : checkpoint.resolve(LAST);
        if (!Files.exists(d.resolve("state.json"))) {
            throw new IOException("resume: no checkpoint in " + checkpoint + " (expected state.json there or in last/)");
        }
        Map<String, Object> state = (Map<String, Object>) Json.parse(Files.readString(d.resolve("state.json")));
        History history = History.readJson(d.resolve("history.json"));
        var backend = t.model.parameters().get(0).value().backend();
        // validate and load everything before touching the trainer's state
        var model = Safetensors.read(d.resolve("model.safetensors"), backend).tensors();
        var opt = Safetensors.read(d.resolve("optimizer.safetensors"), backend);
        Map<String, Tensor> best = Files.exists(d.resolve("best.safetensors"))
                ? Safetensors.read(d.resolve("best.safetensors"), backend).tensors() : null;
        t.model.loadStateDict(model);
        t.optimizer.loadStateDict(new StateDict(opt.tensors(), opt.metadata()));
        t.train.restore(state.get("loader") == null ? null : toLongs(state.get("loader")),
                ((Number) state.get("loaderEpochs")).intValue());
        Map<String, Object> gens = (Map<String, Object>) state.get("generators");
        for (var g : t.model.namedGenerators().entrySet()) {
            Object saved = gens.get(g.getKey());
            if (saved == null) throw new IOException("resume: the checkpoint has no state for generator '" + g.getKey() + "'");
            g.getValue().restore(toLongs(saved));
        }
        Run run = new Run(t, history, ((Number) state.get("epoch")).intValue(), ((Number) state.get("step")).longValue());
        run.best = Json.toDouble(state.get("best"));
        run.bestEpoch = ((Number) state.get("bestEpoch")).intValue();
        run.waited = ((Number) state.get("waited")).intValue();
        run.bestWeights = best;
        history.stop(StopReason.COMPLETED, "");
        return run.run();
    }

    private static String longs(long[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(Json.quote(Long.toString(v[i])));
        return sb.append(']').toString();
    }

    @SuppressWarnings("unchecked")
    private static long[] toLongs(Object o) {
        List<Object> list = (List<Object>) o;
        long[] v = new long[list.size()];
        for (int i = 0; i < v.length; i++) v[i] = Long.parseLong((String) list.get(i));
        return v;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path x : all) Files.deleteIfExists(x);
        }
    }
}
