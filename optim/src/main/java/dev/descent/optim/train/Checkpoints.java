package dev.descent.optim.train;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.io.Json;
import dev.descent.core.io.Safetensors;
import dev.descent.core.io.TempFiles;
import dev.descent.core.spi.Backend;
import dev.descent.optim.StateDict;
import dev.descent.optim.schedule.LrScheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes and reads training checkpoints. A checkpoint is a directory with {@code model.safetensors},
 * {@code optimizer.safetensors}, {@code best.safetensors} (when early stopping keeps best weights),
 * {@code history.json} and, written last, {@code state.json}: epoch, step, early-stopping state, the state of every
 * random generator and of the learning-rate scheduler, and the size of every other file. A checkpoint is complete
 * when its {@code state.json} is there and every file it lists has that size. The current one is {@code last/};
 * {@code best-model.safetensors} beside it holds the weights whenever the monitored metric improves.
 *
 * <p>A save builds the new checkpoint in a temporary directory {@code .checkpoint-*}, makes it complete, moves
 * {@code last/} aside to {@code .old-*}, moves the new one to {@code last/} and deletes the old one (its
 * {@code state.json} first). A crash at any point therefore leaves at least one complete checkpoint, and
 * {@link #resume} takes the newest complete one among {@code last/} and those directories. A save that fails
 * removes what it wrote (putting {@code last/} back if it had moved it); the next save sweeps what a killed one left.
 *
 * <p>{@link #resume} reads and checks every file against the trainer before it changes anything; any problem is a
 * {@link CheckpointException} naming the file and the field.
 */
final class Checkpoints {
    static final String LAST = "last";
    static final String BEST_MODEL = "best-model.safetensors";
    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String BEST = "best.safetensors";
    static final String HISTORY = "history.json";
    static final String STATE = "state.json";
    static final String TEMPORARY = ".checkpoint-";
    static final String OLD = ".old-";

    /** Called at each step of a save with the step's name, so tests can stop or copy a save there. */
    interface Hook {
        void at(String point) throws IOException;
    }

    /** The points a save passes, in order ({@code retire}, {@code decommit}, {@code discard} only when a last exists). */
    static final List<String> POINTS = List.of("sweep", "begin", MODEL, OPTIMIZER, BEST, HISTORY, STATE, "retire",
            "install", "decommit", "discard", BEST_MODEL);

    private final Path dir;
    private final int every;
    Hook hook = point -> { };

    Checkpoints(Path dir, int every) {
        this.dir = dir;
        this.every = every;
    }

    void afterEpoch(Trainer t, Run r, boolean improved) {
        try {
            Files.createDirectories(dir);
            if (r.epoch % every == 0 || r.history.stopReason() != StopReason.COMPLETED) write(t, r);
            if (improved) {
                hook.at(BEST_MODEL);
                t.model.save(dir.resolve(BEST_MODEL));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint: cannot write to " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- writing

    private void write(Trainer t, Run r) throws IOException {
        hook.at("sweep");
        sweep();
        Path tmp = TempFiles.createTempDirectory(dir, TEMPORARY);
        Path last = dir.resolve(LAST);
        Path old = null;
        boolean installed = false;
        try {
            hook.at("begin");
            Map<String, Long> files = new LinkedHashMap<>();
            t.model.save(tmp.resolve(MODEL));
            done(tmp, MODEL, files);
            StateDict opt = t.optimizer.stateDict();
            Safetensors.write(tmp.resolve(OPTIMIZER), opt.tensors(), opt.metadata());
            done(tmp, OPTIMIZER, files);
            if (r.bestWeights != null) {
                Safetensors.write(tmp.resolve(BEST), r.bestWeights, Map.of());
                done(tmp, BEST, files);
            }
            writeDurably(tmp.resolve(HISTORY), r.history.toJson());
            done(tmp, HISTORY, files);
            writeDurably(tmp.resolve(STATE), stateJson(t, r, files));
            syncDirectory(tmp);
            hook.at(STATE); // the new checkpoint is complete
            if (Files.exists(last)) {
                old = dir.resolve(OLD + tmp.getFileName().toString().substring(TEMPORARY.length()));
                Files.move(last, old, StandardCopyOption.ATOMIC_MOVE);
                hook.at("retire");
            }
            Files.move(tmp, last, StandardCopyOption.ATOMIC_MOVE);
            installed = true;
            syncDirectory(dir);
            hook.at("install");
            if (old != null) {
                deleteTree(old, hook);
                hook.at("discard");
            }
        } catch (IOException | RuntimeException e) {
            undo(e, tmp, old, last, installed);
            throw e;
        }
    }

    private void done(Path tmp, String file, Map<String, Long> files) throws IOException {
        files.put(file, Files.size(tmp.resolve(file)));
        hook.at(file);
    }

    /** After a failed save: {@code last/} as it was (or the new one, if it was already in place), no temporaries. */
    private static void undo(Exception failure, Path tmp, Path old, Path last, boolean installed) {
        try {
            if (!installed && old != null && Files.exists(old) && !Files.exists(last)) {
                Files.move(old, last, StandardCopyOption.ATOMIC_MOVE);
            }
            if (Files.exists(tmp)) deleteTree(tmp, null);
            if (old != null && Files.exists(old)) deleteTree(old, null);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Removes what killed saves left: temporary and old checkpoint directories, and temporary files. */
    private void sweep() throws IOException {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String name = p.getFileName().toString();
                boolean temporaryDir = (name.startsWith(TEMPORARY) || name.startsWith(OLD)) && Files.isDirectory(p);
                boolean temporaryFile = name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p);
                if (temporaryDir || temporaryFile) stale.add(p);
            });
        }
        for (Path p : stale) deleteTree(p, null);
    }

    private String stateJson(Trainer t, Run r, Map<String, Long> files) {
        StringBuilder json = new StringBuilder("{\"epoch\":").append(r.epoch).append(",\"step\":").append(r.step)
                .append(",\"best\":").append(Json.number(r.best)).append(",\"bestEpoch\":").append(r.bestEpoch)
                .append(",\"waited\":").append(r.waited)
                .append(",\"loader\":").append(t.train.rngState() == null ? "null" : longs(t.train.rngState()))
                .append(",\"loaderEpochs\":").append(t.train.epochs()).append(",\"generators\":{");
        int k = 0;
        for (var g : t.model.namedGenerators().entrySet()) {
            json.append(k++ == 0 ? "" : ",").append(Json.quote(g.getKey())).append(':').append(longs(g.getValue().state()));
        }
        json.append('}');
        if (r.scheduler != null) json.append(",\"scheduler\":").append(strings(r.scheduler.stateDict()));
        if (t.plateau != null) json.append(",\"plateau\":").append(strings(t.plateau.stateDict()));
        if (t.checkpointLoop != null) json.append(",\"loop\":").append(strings(new java.util.TreeMap<>(t.checkpointLoop)));
        json.append(",\"files\":{");
        k = 0;
        for (var f : files.entrySet()) json.append(k++ == 0 ? "" : ",").append(Json.quote(f.getKey())).append(':').append(f.getValue());
        return json.append("}}").toString();
    }

    private static String longs(long[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(Json.quote(Long.toString(v[i])));
        return sb.append(']').toString();
    }

    private static String strings(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        int k = 0;
        for (var e : m.entrySet()) sb.append(k++ == 0 ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
        return sb.append('}').toString();
    }

    /** Writes {@code text} to a temporary file, forces it to disk and renames it to {@code file}. */
    private static void writeDurably(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Makes the directory's entries (renames, new files) durable where the platform allows it. */
    private static void syncDirectory(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // NOTE: some platforms cannot open or force a directory; the renames are still atomic there, only
            // their durability across a power loss is the file system's.
        }
    }

    /**
     * Deletes a checkpoint directory (its {@code state.json} first, so that it is never seen complete with files
     * missing) or a file; {@code hook}, when given, is told once the directory is no longer complete.
     */
    private static void deleteTree(Path p, Hook hook) throws IOException {
        if (Files.isDirectory(p)) {
            Files.deleteIfExists(p.resolve(STATE));
            if (hook != null) hook.at("decommit");
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path x : all) Files.deleteIfExists(x);
        } catch (NoSuchFileException gone) {
            // already removed
        }
    }

    // ---------------------------------------------------------------- finding the newest complete checkpoint

    /** A complete checkpoint directory with its parsed state. */
    record Found(Path dir, JsonFields state, int epoch, long step) {
    }

    /**
     * The checkpoint to resume from {@code checkpoint}: that directory itself if it holds a {@code state.json},
     * otherwise the newest complete one among {@code last/} and the directories an interrupted save left.
     */
    static Found newest(Path checkpoint) throws IOException {
        if (Files.exists(checkpoint.resolve(STATE))) return complete(checkpoint);
        List<Path> candidates = new ArrayList<>();
        candidates.add(checkpoint.resolve(LAST));
        if (Files.isDirectory(checkpoint)) {
            try (Stream<Path> s = Files.list(checkpoint)) {
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return (n.startsWith(TEMPORARY) || n.startsWith(OLD)) && Files.isDirectory(p);
                }).sorted().forEach(candidates::add);
            }
        }
        Found best = null;
        List<String> rejected = new ArrayList<>();
        for (Path c : candidates) {
            if (!Files.exists(c.resolve(STATE))) continue;
            try {
                Found f = complete(c);
                if (best == null || f.epoch() > best.epoch() || (f.epoch() == best.epoch() && f.step() > best.step())) best = f;
            } catch (CheckpointException e) {
                rejected.add(e.getMessage());
            }
        }
        if (best == null) {
            throw new CheckpointException(checkpoint, null, "no complete checkpoint (a state.json and every file it lists) "
                    + "in " + LAST + "/ or in a directory an interrupted save left"
                    + (rejected.isEmpty() ? "" : "; incomplete: " + String.join("; ", rejected)));
        }
        return best;
    }

    /** The checkpoint in {@code d}, if its state parses and every file it lists is there with its size. */
    private static Found complete(Path d) throws IOException {
        Path stateFile = d.resolve(STATE);
        JsonFields state = read(stateFile, () -> JsonFields.parse(readText(stateFile)));
        int epoch = read(stateFile, () -> JsonFields.integer(state.whole("epoch", 0), "epoch", 0));
        long step = read(stateFile, () -> state.whole("step", 0));
        JsonFields files = read(stateFile, () -> state.object("files"));
        for (String required : List.of(MODEL, OPTIMIZER, HISTORY)) {
            if (!files.has(required)) throw new CheckpointException(stateFile, "files." + required, "is missing");
        }
        for (String name : files.names()) {
            if (!List.of(MODEL, OPTIMIZER, HISTORY, BEST).contains(name)) {
                throw new CheckpointException(stateFile, "files." + name, "is not a checkpoint file");
            }
            long size = read(stateFile, () -> files.whole(name, 0));
            Path f = d.resolve(name);
            if (!Files.isRegularFile(f)) throw new CheckpointException(f, null, "is missing (state.json lists it)");
            long actual = Files.size(f);
            if (actual != size) {
                throw new CheckpointException(f, null, "has " + actual + " bytes, state.json says " + size + " (truncated?)");
            }
        }
        return new Found(d, state, epoch, step);
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one read of {@code file}, turning a bad field or an unreadable file into a {@link CheckpointException}. */
    private static <T> T read(Path file, Supplier<T> reading) throws CheckpointException {
        try {
            return reading.get();
        } catch (JsonFields.Bad e) {
            throw new CheckpointException(file, e.field, e.problem, e);
        } catch (UncheckedIOException e) {
            throw new CheckpointException(file, null, "cannot be read: " + e.getCause().getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- resuming

    /** Restores everything saved in {@code checkpoint} (a checkpoint directory or its parent) and continues. */
    static History resume(Trainer t, Path checkpoint) throws IOException {
        return restore(t, checkpoint).run();
    }

    /** Restores everything saved in {@code checkpoint}; the run that continues from there. */
    static Run restore(Trainer t, Path checkpoint) throws IOException {
        Found found = newest(checkpoint);
        Path d = found.dir();
        Path stateFile = d.resolve(STATE);
        JsonFields s = found.state();

        // 1. Read and check everything; nothing has changed yet.
        double best = read(stateFile, () -> s.real("best"));
        int bestEpoch = read(stateFile, () -> JsonFields.integer(s.whole("bestEpoch", -1), "bestEpoch", -1));
        int waited = read(stateFile, () -> JsonFields.integer(s.whole("waited", 0), "waited", 0));
        long[] loader = read(stateFile, () -> s.isNull("loader") ? null : s.longs("loader", 4));
        int loaderEpochs = read(stateFile, () -> JsonFields.integer(s.whole("loaderEpochs", 0), "loaderEpochs", 0));
        if ((loader == null) != (t.train.rngState() == null)) {
            throw new CheckpointException(stateFile, "loader", "the saved training loader " + (loader == null ? "did not"
                    : "did") + " shuffle, this trainer's " + (t.train.rngState() == null ? "does not" : "does"));
        }
        if (loader != null) checkRng(stateFile, "loader", loader);
        Map<String, long[]> generators = generators(t, stateFile, s);
        Map<String, String> scheduler = entries(stateFile, s, "scheduler", t.scheduler != null || t.schedule != null);
        Map<String, String> plateau = entries(stateFile, s, "plateau", t.plateau != null);
        if (s.has("loop") != (t.checkpointLoop != null)) {
            throw new CheckpointException(stateFile, "loop", s.has("loop")
                    ? "the checkpoint was written by an outside loop " + read(stateFile, () -> s.object("loop").names())
                    + ", this trainer runs its own loop"
                    : "is missing: the checkpoint was written by the trainer's own loop, this trainer's are written by "
                    + "an outside loop " + new java.util.TreeMap<>(t.checkpointLoop));
        }
        Map<String, String> loop = entries(stateFile, s, "loop", t.checkpointLoop != null);
        if (loop != null && !loop.equals(t.checkpointLoop)) {
            for (var e : t.checkpointLoop.entrySet()) {
                if (!e.getValue().equals(loop.get(e.getKey()))) {
                    throw new CheckpointException(stateFile, "loop." + e.getKey(), "is " + (loop.containsKey(e.getKey())
                            ? "'" + loop.get(e.getKey()) + "'" : "missing") + ", this trainer's is '" + e.getValue() + "'");
                }
            }
            throw new CheckpointException(stateFile, "loop", "is " + loop + ", this trainer's is " + t.checkpointLoop);
        }

        Path historyFile = d.resolve(HISTORY);
        History history = read(historyFile, () -> History.fromJson(readText(historyFile)));
        if (history.epochs().size() != found.epoch()) {
            throw new CheckpointException(historyFile, "epochs", "holds " + history.epochs().size()
                    + " epochs, state.json says " + found.epoch());
        }
        if (history.steps().size() != found.step()) {
            throw new CheckpointException(historyFile, "steps", "holds " + history.steps().size()
                    + " steps, state.json says " + found.step());
        }
        Backend backend = t.model.parameters().get(0).value().backend();
        Map<String, Tensor> model = weights(t, d.resolve(MODEL), backend);
        Map<String, Tensor> bestWeights = Files.exists(d.resolve(BEST)) ? weights(t, d.resolve(BEST), backend) : null;
        Path optimizerFile = d.resolve(OPTIMIZER);
        Safetensors.Contents opt = readSafetensors(optimizerFile, backend);
        String kind = opt.metadata().get("optimizer");
        if (!t.optimizer.name().equals(kind)) {
            throw new CheckpointException(optimizerFile, "__metadata__.optimizer", "is for optimizer "
                    + (kind == null ? "(none)" : "'" + kind + "'") + ", this trainer's is " + t.optimizer.name());
        }

        // 2. Apply. The optimiser checks its whole state before it changes; the schedulers likewise, and a failure
        // there puts the optimiser back. What follows was checked above and cannot fail.
        StateDict optimizerBefore = t.optimizer.stateDict();
        try {
            t.optimizer.loadStateDict(new StateDict(opt.tensors(), opt.metadata()));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(optimizerFile, quoted(e.getMessage()), e.getMessage(), e);
        }
        Run run;
        Map<String, String> schedulerBefore = t.scheduler == null ? null : t.scheduler.stateDict();
        try {
            run = new Run(t, history, found.epoch(), found.step());
            load(stateFile, "scheduler", run.scheduler, scheduler);
            if (t.plateau != null) {
                try {
                    t.plateau.loadStateDict(plateau);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointException(stateFile, "plateau." + quoted(e.getMessage()), e.getMessage(), e);
                }
            }
        } catch (CheckpointException e) {
            t.optimizer.loadStateDict(optimizerBefore);
            if (schedulerBefore != null) t.scheduler.loadStateDict(schedulerBefore);
            throw e;
        }
        t.model.loadStateDict(model);
        t.train.restore(loader, loaderEpochs);
        for (var g : t.model.namedGenerators().entrySet()) g.getValue().restore(generators.get(g.getKey()));
        run.best = best;
        run.bestEpoch = bestEpoch;
        run.waited = waited;
        run.bestWeights = bestWeights;
        history.stop(StopReason.COMPLETED, "");
        return run;
    }

    private static void load(Path stateFile, String field, LrScheduler scheduler, Map<String, String> state)
            throws CheckpointException {
        if (scheduler == null) return;
        try {
            scheduler.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(stateFile, field + "." + quoted(e.getMessage()), e.getMessage(), e);
        }
    }

    private static Map<String, long[]> generators(Trainer t, Path stateFile, JsonFields s) throws CheckpointException {
        JsonFields saved = read(stateFile, () -> s.object("generators"));
        Map<String, Rng> mine = t.model.namedGenerators();
        for (String name : saved.names()) {
            if (!mine.containsKey(name)) {
                throw new CheckpointException(stateFile, "generators." + name, "is not a generator of this model (it has "
                        + mine.keySet() + ")");
            }
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String name : mine.keySet()) {
            if (!saved.has(name)) {
                throw new CheckpointException(stateFile, "generators." + name, "is missing: the checkpoint has no state "
                        + "for this model's generator '" + name + "'");
            }
            long[] state = read(stateFile, () -> saved.longs(name, 4));
            checkRng(stateFile, "generators." + name, state);
            out.put(name, state);
        }
        return out;
    }

    private static void checkRng(Path stateFile, String field, long[] state) throws CheckpointException {
        try {
            Rng.fromState(state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(stateFile, field, e.getMessage(), e);
        }
    }

    /** A scheduler's saved entries: present exactly when the trainer has that scheduler. */
    private static Map<String, String> entries(Path stateFile, JsonFields s, String field, boolean expected)
            throws CheckpointException {
        if (!expected) {
            if (s.has(field)) {
                throw new CheckpointException(stateFile, field, "the checkpoint was saved with a " + field
                        + " state, and this trainer has no " + field);
            }
            return null;
        }
        if (!s.has(field)) {
            throw new CheckpointException(stateFile, field, "is missing: this trainer has a " + field
                    + ", the checkpoint was saved without one");
        }
        JsonFields o = read(stateFile, () -> s.object(field));
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : o.names()) out.put(k, read(stateFile, () -> o.string(k)));
        return out;
    }

    /** The weights in {@code file}, checked against the trainer's model. */
    private static Map<String, Tensor> weights(Trainer t, Path file, Backend backend) throws CheckpointException {
        Map<String, Tensor> w = readSafetensors(file, backend).tensors();
        try {
            t.model.checkStateDict(w);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, firstMismatch(t.model.namedParameters(), w), e.getMessage(), e);
        }
        return w;
    }

    private static String firstMismatch(Map<String, Variable> mine, Map<String, Tensor> given) {
        for (var e : mine.entrySet()) {
            Tensor g = given.get(e.getKey());
            if (g == null || !g.shape().equals(e.getValue().shape()) || g.dtype() != e.getValue().dtype()) return e.getKey();
        }
        for (String name : given.keySet()) if (!mine.containsKey(name)) return name;
        return null;
    }

    private static Safetensors.Contents readSafetensors(Path file, Backend backend) throws CheckpointException {
        try {
            return Safetensors.read(file, backend);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file, null, "is not a readable safetensors file: " + e.getMessage(), e);
        }
    }

    private static final Pattern QUOTED = Pattern.compile("'([^']+)'");

    /** The first name quoted in a message (the optimiser and the schedulers quote the entry at fault). */
    private static String quoted(String message) {
        Matcher m = QUOTED.matcher(message == null ? "" : message);
        return m.find() ? m.group(1) : null;
    }
}
