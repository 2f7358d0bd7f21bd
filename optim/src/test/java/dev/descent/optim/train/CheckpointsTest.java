package dev.descent.optim.train;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.io.Safetensors;
import dev.descent.core.spi.Backend;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import dev.descent.optim.SGD;
import dev.descent.optim.StateDict;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.ReduceOnPlateau;
import dev.descent.optim.schedule.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety of checkpoint rotation (a crash injected at every step of every save, then resumed), clean-up of
 * failed and killed saves, and resume's validation of every file before anything changes.
 */
class CheckpointsTest {
    private static final Backend DEFAULT = Backends.get();
    private static final int EPOCHS = 4;
    private static final Tensor[] DATA = TrainerTest.moonsLike(DEFAULT, 30, 5);

    static Sequential model(long seed) {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(f, 2, 12, true, null, null, rng), new Tanh(), new Dropout(0.2, new Rng(seed + 1)),
                new Linear(f, 12, 1, true, null, null, rng), new Sigmoid());
    }

    /** The run every test interrupts: shuffled mini-batches, dropout, Adam, a schedule, best weights kept. */
    static Trainer.Builder setup(Sequential model) {
        return Trainer.builder(model, Losses.binaryCrossEntropy(), new Adam(model.parameters(), Adam.options().withLr(0.02)))
                .trainData(DataLoader.over(DATA[0], DATA[1]).mode(BatchMode.miniBatch(7)).shuffle(new Rng(11)).build())
                .schedule(Schedules.step(0.02, 2, 0.5), Trainer.ScheduleUnit.EPOCH)
                .earlyStopping(EarlyStopping.monitor("loss").patience(100).restoreBestWeights())
                .epochs(EPOCHS);
    }

    record Outcome(Map<String, Tensor> params, double[] losses) {
    }

    static Outcome uninterrupted() {
        Sequential m = model(13);
        History h = setup(m).build().fit();
        return new Outcome(m.stateDict(), h.stepLosses());
    }

    static void assertSameRun(Outcome want, Sequential model, History got, String what) {
        assertArrayEquals(want.losses(), got.stepLosses(), what + ": step losses");
        for (var e : want.params().entrySet()) {
            assertTrue(e.getValue().equal(model.namedParameters().get(e.getKey()).value()), what + ": " + e.getKey());
        }
    }

    static void assertSameOutcome(Outcome want, Outcome got, String what) {
        assertArrayEquals(want.losses(), got.losses(), what + ": step losses");
        for (var e : want.params().entrySet()) {
            assertTrue(e.getValue().equal(got.params().get(e.getKey())), what + ": " + e.getKey());
        }
    }

    static Outcome resumeFrom(Path dir) throws IOException {
        Sequential m = model(99); // other initial weights: everything must come from the checkpoint
        History h = setup(m).build().resume(dir);
        return new Outcome(m.stateDict(), h.stepLosses());
    }

    // ------------------------------------------------------------------ crashes

    @Test
    void aCrashAtAnyStepOfAnySaveLeavesTheNewestCompleteCheckpointResumable(@TempDir Path tmp) throws IOException {
        Outcome want = uninterrupted();
        Path dir = tmp.resolve("run"), snapshots = tmp.resolve("snapshots");
        Sequential m = model(13);
        Trainer trainer = setup(m).checkpoints(dir, 1).build();
        List<Path> taken = new ArrayList<>();
        List<Integer> committed = new ArrayList<>();
        int[] saves = {0};
        boolean[] stateWritten = {false};
        Set<String> seen = new LinkedHashSet<>();
        trainer.checkpoints.hook = point -> {
            if (point.equals("sweep")) {
                saves[0]++;
                stateWritten[0] = false;
            }
            if (point.equals(Checkpoints.STATE)) stateWritten[0] = true;
            seen.add(point);
            // what a process killed here leaves on disk
            Path copy = snapshots.resolve(taken.size() + "-save" + saves[0] + "-" + point);
            copyTree(dir, copy);
            taken.add(copy);
            committed.add(stateWritten[0] || point.equals(Checkpoints.BEST_MODEL) ? saves[0] : saves[0] - 1);
        };
        assertSameRun(want, m, trainer.fit(), "the run with checkpoints");
        assertEquals(new LinkedHashSet<>(Checkpoints.POINTS), seen, "every step of a save was crashed at");
        assertEquals(EPOCHS, saves[0]);

        int resumed = 0;
        for (int i = 0; i < taken.size(); i++) {
            Path snapshot = taken.get(i);
            int newest = committed.get(i);
            if (newest == 0) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> resumeFrom(snapshot));
                assertTrue(e.getMessage().contains("no complete checkpoint"), e.getMessage());
                continue;
            }
            assertEquals(newest, Checkpoints.newest(snapshot).epoch(), snapshot.getFileName() + ": the newest complete one");
            assertSameOutcome(want, resumeFrom(snapshot), snapshot.getFileName().toString());
            resumed++;
        }
        assertTrue(resumed > 30, "resumed " + resumed + " crashes");
    }

    // ------------------------------------------------------------------ failed and killed saves

    @Test
    void aSaveThatFailsAtAnyStepRemovesItsTemporariesAndLeavesAResumableCheckpoint(@TempDir Path tmp) throws IOException {
        Outcome want = uninterrupted();
        List<String> points = new ArrayList<>(Checkpoints.POINTS);
        for (String failAt : points) {
            Path dir = tmp.resolve("fail-" + failAt);
            Trainer trainer = setup(model(13)).checkpoints(dir, 1).build();
            int[] saves = {0};
            trainer.checkpoints.hook = point -> {
                if (point.equals("sweep")) saves[0]++;
                if (saves[0] == 2 && point.equals(failAt)) throw new IOException("injected failure at " + point);
            };
            UncheckedIOException e = assertThrows(UncheckedIOException.class, trainer::fit, failAt);
            assertTrue(e.getMessage().contains("injected failure at " + failAt), e.getMessage());
            assertEquals(List.of(), temporaries(dir), "after a failure at " + failAt);
            int after = List.of("install", "decommit", "discard", Checkpoints.BEST_MODEL).contains(failAt) ? 2 : 1;
            assertEquals(after, Checkpoints.newest(dir).epoch(), failAt);
            assertSameOutcome(want, resumeFrom(dir), "resumed after a failure at " + failAt);
        }
    }

    @Test
    void theNextSaveSweepsWhatKilledSavesLeft(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve(".checkpoint-1234/sub"));
        Files.writeString(dir.resolve(".checkpoint-1234/model.safetensors"), "half a file");
        Files.createDirectories(dir.resolve(".old-99"));
        Files.writeString(dir.resolve(".old-99/state.json"), "{}");
        Files.write(dir.resolve(".best-model.safetensors.5551.tmp"), new byte[1000]);
        Files.writeString(dir.resolve("notes.txt"), "the user's own file stays");
        setup(model(13)).epochs(1).checkpoints(dir, 1).build().fit();
        assertEquals(List.of(), temporaries(dir));
        assertEquals(List.of(Checkpoints.BEST_MODEL, Checkpoints.LAST, "notes.txt"), names(dir));
    }

    static List<String> temporaries(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).forEach(out::add);
        }
        return out;
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ an outside loop's checkpoints

    @Test
    void anOutsideLoopRestoresOnlyItsOwnCheckpointsAndTheTrainersOwnLoopOnlyItsOwn(@TempDir Path tmp) throws IOException {
        Map<String, String> loop = Map.of("stepsPerJob", "3");
        Path own = saved(tmp.resolve("own"));
        Path outside = tmp.resolve("outside");
        Sequential written = model(13);
        History h = setup(written).epochs(2).checkpoints(outside, 1).checkpointLoop(loop).build().fit();
        Path last = outside.resolve(Checkpoints.LAST);

        Sequential restored = model(99);
        Trainer.Restored r = setup(restored).checkpointLoop(Map.of("stepsPerJob", "3")).build().restore(last);
        assertEquals(2, r.epoch());
        assertEquals(h.stepLosses().length, r.step());
        assertArrayEquals(h.stepLosses(), r.history().stepLosses());
        for (var e : written.namedParameters().entrySet()) {
            assertTrue(e.getValue().value().equal(restored.namedParameters().get(e.getKey()).value()), e.getKey());
        }

        Sequential untouched = model(99);
        Map<String, Tensor> before = untouched.stateDict();
        var other = assertThrows(CheckpointException.class,
                () -> setup(untouched).checkpointLoop(Map.of("stepsPerJob", "4")).build().restore(last));
        assertEquals("loop.stepsPerJob", other.field(), other.getMessage());
        assertTrue(other.getMessage().contains("is '3', this trainer's is '4'"), other.getMessage());
        var ownLoop = assertThrows(CheckpointException.class, () -> setup(untouched).build().resume(last));
        assertTrue(ownLoop.getMessage().contains("written by an outside loop"), ownLoop.getMessage());
        var fromOwn = assertThrows(CheckpointException.class,
                () -> setup(untouched).checkpointLoop(loop).build().restore(own));
        assertTrue(fromOwn.getMessage().contains("written by the trainer's own loop"), fromOwn.getMessage());
        var resume = assertThrows(IllegalStateException.class, () -> setup(untouched).checkpointLoop(loop).build().resume(last));
        assertTrue(resume.getMessage().startsWith("Trainer.resume: this trainer's checkpoints are written by an outside loop"),
                resume.getMessage());
        for (var e : before.entrySet()) {
            assertTrue(e.getValue().equal(untouched.namedParameters().get(e.getKey()).value()), "unchanged: " + e.getKey());
        }
    }

    // ------------------------------------------------------------------ corrupt checkpoints

    /** A checkpoint of 2 epochs of the run, to be damaged. */
    static Path saved(Path dir) {
        setup(model(13)).epochs(2).checkpoints(dir, 1).build().fit();
        return dir.resolve(Checkpoints.LAST);
    }

    record Corruption(String name, String file, String field, Damage damage) {
    }

    interface Damage {
        void apply(Path last) throws IOException;
    }

    static void editState(Path last, Function<String, String> edit) throws IOException {
        Path state = last.resolve(Checkpoints.STATE);
        Files.writeString(state, edit.apply(Files.readString(state)), StandardCharsets.UTF_8);
    }

    /** Replaces a file and records its new size in state.json, so the checkpoint stays complete. */
    static void replace(Path last, String file, Consumer<Path> write) throws IOException {
        Path f = last.resolve(file);
        Files.delete(f);
        write.accept(f);
        long size = Files.size(f);
        editState(last, s -> s.replaceFirst(Pattern.quote("\"" + file + "\":") + "\\d+",
                Matcher.quoteReplacement("\"" + file + "\":" + size)));
    }

    static void safetensors(Path f, Map<String, Tensor> tensors, Map<String, String> meta) {
        try {
            Safetensors.write(f, tensors, meta);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Corruption> corruptions() {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        List<Corruption> c = new ArrayList<>();
        c.add(new Corruption("epoch is a string", Checkpoints.STATE, "epoch",
                last -> editState(last, s -> s.replaceFirst("\\{\"epoch\":2", "{\"epoch\":\"x\""))));
        c.add(new Corruption("state.json is not JSON", Checkpoints.STATE, "(document)",
                last -> editState(last, s -> s.substring(0, s.length() / 2))));
        c.add(new Corruption("a generator's state is missing", Checkpoints.STATE, "generators.2.rng",
                last -> editState(last, s -> s.replaceFirst("\"2\\.rng\":\\[[^\\]]*\\]", ""))));
        c.add(new Corruption("the loader's state is null", Checkpoints.STATE, "loader",
                last -> editState(last, s -> s.replaceFirst("\"loader\":\\[[^\\]]*\\]", "\"loader\":null"))));
        c.add(new Corruption("the loader's epochs are negative", Checkpoints.STATE, "loaderEpochs",
                last -> editState(last, s -> s.replaceFirst("\"loaderEpochs\":\\d+", "\"loaderEpochs\":-3"))));
        c.add(new Corruption("the scheduler's state is missing", Checkpoints.STATE, "scheduler",
                last -> editState(last, s -> s.replaceFirst(",\"scheduler\":\\{[^}]*\\}", ""))));
        c.add(new Corruption("the scheduler's step is not a number", Checkpoints.STATE, "scheduler.last_epoch",
                last -> editState(last, s -> s.replaceFirst("\"last_epoch\":\"\\d+\"", "\"last_epoch\":\"two\""))));
        c.add(new Corruption("a history step is not a number", Checkpoints.HISTORY, "steps[0][1]",
                last -> replace(last, Checkpoints.HISTORY, p -> {
                    try {
                        Files.writeString(p, new String(Files.readAllBytes(last.resolveSibling("history.bak"))));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })));
        c.add(new Corruption("the model file holds another shape", Checkpoints.MODEL, "0.weight",
                last -> replace(last, Checkpoints.MODEL, p -> safetensors(p, model(1).stateDict().entrySet().stream()
                        .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getKey().equals("0.weight")
                                ? f.zeros(3, 12) : e.getValue()), Map::putAll), Map.of()))));
        c.add(new Corruption("best.safetensors holds another shape", Checkpoints.BEST, "3.weight",
                last -> replace(last, Checkpoints.BEST, p -> safetensors(p, model(1).stateDict().entrySet().stream()
                        .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getKey().equals("3.weight")
                                ? f.zeros(12, 2) : e.getValue()), Map::putAll), Map.of()))));
        c.add(new Corruption("the optimizer file is another optimizer's", Checkpoints.OPTIMIZER, "__metadata__.optimizer",
                last -> replace(last, Checkpoints.OPTIMIZER, p -> {
                    Sequential m = model(1);
                    StateDict d = new SGD(m.parameters(), SGD.options(0.1)).stateDict();
                    safetensors(p, d.tensors(), d.metadata());
                })));
        c.add(new Corruption("the optimizer file lacks a moment", Checkpoints.OPTIMIZER, "state.0.exp_avg",
                last -> replace(last, Checkpoints.OPTIMIZER, p -> {
                    try {
                        var saved = Safetensors.read(last.resolveSibling("optimizer.bak"), DEFAULT);
                        Map<String, Tensor> t = new LinkedHashMap<>(saved.tensors());
                        t.remove("state.0.exp_avg");
                        safetensors(p, t, saved.metadata());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })));
        c.add(new Corruption("the model file is truncated", Checkpoints.MODEL, null, last -> {
            Path m = last.resolve(Checkpoints.MODEL);
            byte[] b = Files.readAllBytes(m);
            Files.write(m, Arrays.copyOf(b, b.length - 8));
        }));
        c.add(new Corruption("the history file is missing", Checkpoints.HISTORY, null,
                last -> Files.delete(last.resolve(Checkpoints.HISTORY))));
        return c;
    }

    @Test
    void everyCorruptionIsOneExceptionNamingFileAndFieldAndChangesNothing(@TempDir Path tmp) throws IOException {
        Path good = saved(tmp.resolve("good"));
        for (Corruption c : corruptions()) {
            Path dir = tmp.resolve(c.name().replace(' ', '-'));
            copyTree(good.getParent(), dir);
            Path last = dir.resolve(Checkpoints.LAST);
            // originals a damage may build on, beside last/
            String history = Files.readString(last.resolve(Checkpoints.HISTORY));
            Files.writeString(dir.resolve("history.bak"), history.replaceFirst("\\[\\[1,1,", "[[1,\"x\","));
            Files.copy(last.resolve(Checkpoints.OPTIMIZER), dir.resolve("optimizer.bak"));
            c.damage().apply(last);

            Sequential m = model(99);
            Trainer trainer = setup(m).build();
            Map<String, Tensor> weights = m.stateDict();
            StateDict optimizer = trainer.optimizer.stateDict();
            long[] loader = trainer.train.rngState();
            Map<String, long[]> generators = new LinkedHashMap<>();
            m.namedGenerators().forEach((n, r) -> generators.put(n, r.state()));
            double lr = trainer.optimizer.lr();

            CheckpointException e = assertThrows(CheckpointException.class, () -> trainer.resume(last), c.name());
            assertEquals(c.file(), e.file().getFileName().toString(), c.name() + ": " + e.getMessage());
            assertEquals(c.field(), e.field(), c.name() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("resume: ") && e.getMessage().contains(c.file()), e.getMessage());

            for (var w : weights.entrySet()) {
                assertTrue(w.getValue().equal(m.namedParameters().get(w.getKey()).value()), c.name() + ": model changed");
            }
            StateDict after = trainer.optimizer.stateDict();
            assertEquals(optimizer.metadata(), after.metadata(), c.name() + ": optimizer changed");
            assertEquals(optimizer.tensors().keySet(), after.tensors().keySet(), c.name());
            assertEquals(lr, trainer.optimizer.lr(), c.name());
            assertArrayEquals(loader, trainer.train.rngState(), c.name() + ": loader changed");
            assertEquals(0, trainer.train.epochs(), c.name());
            m.namedGenerators().forEach((n, r) -> assertArrayEquals(generators.get(n), r.state(), c.name() + ": " + n));
        }
        // and the undamaged checkpoint resumes
        Sequential m = model(99);
        assertEquals(EPOCHS, setup(m).build().resume(good).epochs().size());
    }

    // ------------------------------------------------------------------ schedulers in checkpoints

    @Test
    void aRunWithALrSchedulerAndOneCycleMomentumResumesBitForBit(@TempDir Path dir) throws IOException {
        int steps = EPOCHS * 5;
        Function<Sequential, Trainer.Builder> withScheduler = m -> {
            Adam adam = new Adam(m.parameters(), Adam.options());
            return Trainer.builder(m, Losses.binaryCrossEntropy(), adam)
                    .trainData(DataLoader.over(DATA[0], DATA[1]).mode(BatchMode.miniBatch(7)).shuffle(new Rng(11)).build())
                    .scheduler(new LrScheduler(adam, Schedules.oneCycle(0.05, steps)), Trainer.ScheduleUnit.STEP)
                    .epochs(EPOCHS);
        };
        Sequential full = model(13);
        Trainer t = withScheduler.apply(full).build();
        History uninterrupted = t.fit();
        assertTrue(((Adam.Options) t.optimizer.groupOptions(0)).beta1() > 0.94, "beta1 cycled back up");
        Sequential first = model(13);
        withScheduler.apply(first).epochs(2).checkpoints(dir, 1).build().fit();
        Sequential second = model(99);
        Trainer resumed = withScheduler.apply(second).build();
        History h = resumed.resume(dir);
        assertSameOutcome(new Outcome(full.stateDict(), uninterrupted.stepLosses()), new Outcome(second.stateDict(),
                h.stepLosses()), "one-cycle");
        assertEquals(steps, resumed.scheduler.stepCount());
        assertArrayEquals(uninterrupted.metric("loss"), h.metric("loss"));
    }

    @Test
    void aRunWithReduceOnPlateauResumesBitForBit(@TempDir Path dir) throws IOException {
        int epochs = 6;
        Function<Sequential, Trainer.Builder> withPlateau = m -> {
            SGD sgd = new SGD(m.parameters(), SGD.options(0.5).withMomentum(0.9));
            return Trainer.builder(m, Losses.binaryCrossEntropy(), sgd)
                    .trainData(DataLoader.over(DATA[0], DATA[1]).mode(BatchMode.miniBatch(7)).shuffle(new Rng(11)).build())
                    .reduceOnPlateau(new ReduceOnPlateau(sgd, ReduceOnPlateau.options().withPatience(0)
                            .withThreshold(0.2, true).withFactor(0.5)), "loss")
                    .epochs(epochs);
        };
        Sequential full = model(13);
        Trainer t = withPlateau.apply(full).build();
        History uninterrupted = t.fit();
        assertTrue(t.plateau.reductions() >= 2, "the rule lowered the rate: " + t.plateau.reductions());
        withPlateau.apply(model(13)).epochs(3).checkpoints(dir, 1).build().fit();
        Sequential second = model(99);
        Trainer resumed = withPlateau.apply(second).build();
        History h = resumed.resume(dir);
        assertSameOutcome(new Outcome(full.stateDict(), uninterrupted.stepLosses()), new Outcome(second.stateDict(),
                h.stepLosses()), "plateau");
        assertEquals(t.plateau.stateDict(), resumed.plateau.stateDict());
        double[] lrs = uninterrupted.steps().stream().mapToDouble(History.Step::learningRate).toArray();
        assertArrayEquals(lrs, h.steps().stream().mapToDouble(History.Step::learningRate).toArray());
    }


    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        if (!Files.exists(from)) return;
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
