package dev.descent.optim.train;

import dev.descent.core.testing.TestBackends;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.GoldenCases;
import dev.descent.nn.Module;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adadelta;
import dev.descent.optim.Adagrad;
import dev.descent.optim.Adam;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.optim.RMSProp;
import dev.descent.optim.SGD;
import dev.descent.optim.schedule.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final Backend DEFAULT = Backends.get();

    // ------------------------------------------------------------------ the PyTorch reference runs

    record Golden(Map<String, Tensor> data, Map<String, Tensor> init, Map<String, double[]> losses,
                  Map<String, Map<String, Tensor>> params) {
    }

    static Golden golden(Backend b) throws IOException {
        Map<String, Tensor> data = new HashMap<>(), init = new LinkedHashMap<>();
        Map<String, double[]> losses = new HashMap<>();
        Map<String, Map<String, Tensor>> params = new HashMap<>();
        String run = null;
        for (String line : Files.readAllLines(Path.of("src/test/resources/training/goldens.txt"))) {
            String[] t = line.split(" ");
            switch (t[0]) {
                case "data" -> data.put(t[1], tensor(b, t, 2));
                case "init" -> init.put(t[1], tensor(b, t, 2));
                case "run" -> {
                    run = t[1];
                    params.put(run, new LinkedHashMap<>());
                }
                case "losses" -> {
                    double[] v = new double[Integer.parseInt(t[1])];
                    for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(t[2 + i]);
                    losses.put(run, v);
                }
                case "param" -> params.get(run).put(t[1], tensor(b, t, 2));
                default -> { }
            }
        }
        return new Golden(data, init, losses, params);
    }

    private static Tensor tensor(Backend b, String[] t, int at) {
        return GoldenCases.tensor(b, t, at, false);
    }

    static Sequential mlp(Backend b, Map<String, Tensor> init) {
        TensorFactory f = Tensor.on(b, DType.FLOAT64);
        Sequential m = new Sequential(new Linear(f, 3, 5, true, null, null, new Rng(0)), new Tanh(),
                new Linear(f, 5, 1, true, null, null, new Rng(0)), new Sigmoid());
        m.loadStateDict(init);
        return m;
    }

    static final Map<String, Function<List<Variable>, Optimizer<?>>> OPTIMIZERS = new LinkedHashMap<>();

    static {
        OPTIMIZERS.put("sgd", p -> new SGD(p, SGD.options(0.5)));
        OPTIMIZERS.put("momentum", p -> new SGD(p, SGD.options(0.2).withMomentum(0.9)));
        OPTIMIZERS.put("nesterov", p -> new SGD(p, SGD.options(0.2).withMomentum(0.9).withNesterov(true).withWeightDecay(1e-3)));
        OPTIMIZERS.put("adam", p -> new Adam(p, Adam.options().withLr(0.05)));
        OPTIMIZERS.put("adamw", p -> new AdamW(p, AdamW.options().withLr(0.05).withWeightDecay(0.1)));
        OPTIMIZERS.put("rmsprop", p -> new RMSProp(p, RMSProp.options().withLr(0.01)));
        OPTIMIZERS.put("adagrad", p -> new Adagrad(p, Adagrad.options().withLr(0.3)));
        OPTIMIZERS.put("adadelta", p -> new Adadelta(p, Adadelta.options().withLr(1.0)));
        OPTIMIZERS.put("minibatch_adam", p -> new Adam(p, Adam.options().withLr(0.05)));
    }

    private static void assertRelative(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
            assertTrue(err <= 1e-10, what + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "minibatch_adam"})
    void matchesPytorchOnBothBackends(String run) throws IOException {
        for (Backend b : TestBackends.all()) {
            Golden g = golden(b);
            Sequential model = mlp(b, g.init());
            boolean mini = run.startsWith("minibatch");
            DataLoader loader = DataLoader.over(g.data().get("X"), g.data().get("Y"))
                    .mode(mini ? BatchMode.miniBatch(3) : BatchMode.batch()).shuffle(new Rng(7)).build();
            Trainer trainer = Trainer.builder(model, Losses.binaryCrossEntropy(), OPTIMIZERS.get(run).apply(model.parameters()))
                    .trainData(loader).epochs(mini ? 4 : 20).build();
            History h = trainer.fit();
            assertEquals(mini ? "mini-batch gradient descent (batch size 3)" : "batch gradient descent", h.batchMode());
            assertRelative(g.losses().get(run), h.stepLosses(), run + " losses on " + b.name());
            for (var e : g.params().get(run).entrySet()) {
                assertRelative(e.getValue().toDoubleArray(), model.namedParameters().get(e.getKey()).value().toDoubleArray(),
                        run + " " + e.getKey() + " on " + b.name());
            }
        }
    }

    // ------------------------------------------------------------------ the loop itself

    static Tensor[] moonsLike(Backend b, int n, long seed) {
        Rng rng = new Rng(seed);
        TensorFactory f = Tensor.on(b, DType.FLOAT64);
        Tensor x = f.normal(rng, 0, 1, n, 2);
        Tensor y = x.slice(1, 0, 1).mul(x.slice(1, 1, 2)).gt(0.0);
        return new Tensor[] {x, y};
    }

    @Test
    void theLoopEqualsAHandWrittenLoop() {
        Tensor[] d = moonsLike(DEFAULT, 40, 1);
        Golden init = null;
        Sequential a = small(DEFAULT, 5), b = small(DEFAULT, 5);
        Loss loss = Losses.binaryCrossEntropy();
        Optimizer<?> optA = new Adam(a.parameters(), Adam.options().withLr(0.01));
        DataLoader loader = DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(8)).shuffle(new Rng(3)).build();
        Trainer.builder(a, loss, optA).trainData(loader).epochs(3).build().fit();
        Optimizer<?> optB = new Adam(b.parameters(), Adam.options().withLr(0.01));
        DataLoader loaderB = DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(8)).shuffle(new Rng(3)).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            for (var batch : loaderB) {
                optB.zeroGrad();
                loss.apply(b.apply(Variable.constant(batch.features())), Variable.constant(batch.labels())).backward();
                optB.step();
            }
        }
        assertEquals(null, init);
        for (String name : a.namedParameters().keySet()) {
            assertTrue(a.namedParameters().get(name).value().equal(b.namedParameters().get(name).value()), name);
        }
    }

    static Sequential small(Backend b, long seed) {
        TensorFactory f = Tensor.on(b, DType.FLOAT64);
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(f, 2, 8, true, null, null, rng), new Tanh(),
                new Linear(f, 8, 1, true, null, null, rng), new Sigmoid());
    }

    @Test
    void gradientAccumulationEqualsOneStepOnTheWholeBatch() {
        Tensor[] d = moonsLike(DEFAULT, 10, 2);
        Sequential a = small(DEFAULT, 6), b = small(DEFAULT, 6);
        Trainer.builder(a, Losses.binaryCrossEntropy(), new SGD(a.parameters(), SGD.options(0.3)))
                .trainData(DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(4)).build())
                .accumulateGradients(3).epochs(2).build().fit();
        Trainer.builder(b, Losses.binaryCrossEntropy(), new SGD(b.parameters(), SGD.options(0.3)))
                .trainData(DataLoader.over(d[0], d[1]).mode(BatchMode.batch()).build()).epochs(2).build().fit();
        for (String name : a.namedParameters().keySet()) {
            assertTrue(a.namedParameters().get(name).value().allClose(b.namedParameters().get(name).value(), 1e-13, 1e-14), name);
        }
    }

    /** A metric that replays a scripted curve, one value per validation evaluation. */
    static final class Scripted implements Metric {
        final double[] curve;
        int calls;

        Scripted(double... curve) {
            this.curve = curve;
        }

        public String name() {
            return "scripted";
        }

        public void reset() {
        }

        public void update(Tensor prediction, Tensor target) {
        }

        public double result() {
            // evaluated twice per epoch: on the training data, then on the validation data
            return curve[Math.min(curve.length - 1, calls++ / 2)];
        }
    }

    @Test
    void earlyStoppingStopsAtTheRightEpochAndRestoresTheBestWeights() {
        Tensor[] d = moonsLike(DEFAULT, 20, 3);
        Sequential model = small(DEFAULT, 7);
        List<Map<String, Tensor>> snapshots = new ArrayList<>();
        Trainer trainer = Trainer.builder(model, Losses.binaryCrossEntropy(), new SGD(model.parameters(), SGD.options(0.5)))
                .trainData(DataLoader.over(d[0], d[1]).mode(BatchMode.batch()).build())
                .validationData(DataLoader.over(d[0], d[1]).mode(BatchMode.batch()).build())
                .metrics(new Scripted(0.9, 0.5, 0.45, 0.3, 0.31, 0.35, 0.29, 0.1))
                .earlyStopping(EarlyStopping.monitor("val_scripted").minDelta(0.05).patience(2).restoreBestWeights())
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(History.Epoch e) {
                        snapshots.add(model.stateDict());
                    }
                })
                .epochs(20).build();
        History h = trainer.fit();
        // improvements by more than 0.05: epochs 1 (0.9), 2 (0.5), 4 (0.3); 0.29 at epoch 7 is not enough; the
        // third epoch without improvement after 4 is 7, where it stops
        assertEquals(StopReason.EARLY_STOPPED, h.stopReason());
        assertEquals(7, h.epochs().size());
        assertTrue(h.stopMessage().contains("best 0.3 at epoch 4"), h.stopMessage());
        for (var e : snapshots.get(3).entrySet()) {
            assertTrue(e.getValue().equal(model.namedParameters().get(e.getKey()).value()), e.getKey());
        }
    }

    @Test
    void aDivergentRunStopsWithAClearMessageAndFiniteParameters() {
        Tensor[] d = moonsLike(DEFAULT, 20, 4);
        Sequential model = new Sequential(new Linear(Tensor.on(DEFAULT, DType.FLOAT64), 2, 8, true, null, null, new Rng(1)),
                new Linear(Tensor.on(DEFAULT, DType.FLOAT64), 8, 1, true, null, null, new Rng(2)));
        Trainer trainer = Trainer.builder(model, Losses.mse(), new SGD(model.parameters(), SGD.options(1e6)))
                .trainData(DataLoader.over(d[0], d[1]).mode(BatchMode.batch()).build()).epochs(50).build();
        History h = trainer.fit();
        assertEquals(StopReason.DIVERGED, h.stopReason());
        assertTrue(h.stopMessage().startsWith("training diverged at epoch "), h.stopMessage());
        assertTrue(h.epochs().size() < 50);
        for (Variable p : model.parameters()) assertTrue(dev.descent.optim.clip.Norms.isFinite(p.value()));
    }

    @Test
    void resumingFromACheckpointEqualsTheUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        Tensor[] d = moonsLike(DEFAULT, 30, 5);
        Function<Sequential, Trainer.Builder> setup = model -> Trainer.builder(model, Losses.binaryCrossEntropy(),
                        new Adam(model.parameters(), Adam.options().withLr(0.02)))
                .trainData(DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(7)).shuffle(new Rng(11)).build())
                .schedule(Schedules.step(0.02, 2, 0.5), Trainer.ScheduleUnit.EPOCH);
        Sequential full = withDropout(13);
        History uninterrupted = setup.apply(full).epochs(6).build().fit();

        Sequential first = withDropout(13);
        setup.apply(first).epochs(3).checkpoints(dir, 1).build().fit();
        Sequential second = withDropout(99); // different initial weights: everything must come from the checkpoint
        History resumed = setup.apply(second).epochs(6).build().resume(dir);
        for (String name : full.namedParameters().keySet()) {
            assertTrue(full.namedParameters().get(name).value().equal(second.namedParameters().get(name).value()), name);
        }
        assertArrayEquals(uninterrupted.stepLosses(), resumed.stepLosses());
        assertEquals(6, resumed.epochs().size());
    }

    static Sequential withDropout(long seed) {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(f, 2, 16, true, null, null, rng), new Tanh(), new Dropout(0.2, new Rng(seed + 1)),
                new Linear(f, 16, 1, true, null, null, rng), new Sigmoid());
    }

    @Test
    void badInputFailsBeforeTraining() {
        Tensor[] d = moonsLike(DEFAULT, 10, 6);
        Sequential model = small(DEFAULT, 1);
        Optimizer<?> opt = new SGD(model.parameters(), SGD.options(0.1));
        DataLoader ok = DataLoader.over(d[0], d[1]).mode(BatchMode.batch()).build();
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model, Losses.mse(), opt).trainData(ok).epochs(0));
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model, Losses.mse(), opt).build());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.over(d[0], d[1].slice(0, 0, 5)));
        assertThrows(IllegalArgumentException.class, () -> BatchMode.miniBatch(0));
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(model, Losses.mse(), opt)
                        .trainData(DataLoader.over(d[0], Tensor.on(DEFAULT, DType.FLOAT64).zeros(10, 3)).mode(BatchMode.batch()).build())
                        .build());
        assertTrue(labels.getMessage().startsWith("Trainer: the model and loss do not fit the training data"), labels.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(model, Losses.mse(), opt)
                        .trainData(DataLoader.over(d[0].slice(0, 0, 0), d[1].slice(0, 0, 0)).mode(BatchMode.batch()).build())
                        .build());
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model, Losses.mse(), opt).trainData(ok)
                .earlyStopping(EarlyStopping.monitor("val_loss")).build());
        for (Variable p : model.parameters()) assertEquals(null, p.grad());
    }

    @Test
    void metricsHistoryPredictAndEvaluate() {
        Tensor[] d = moonsLike(DEFAULT, 64, 8);
        Sequential model = small(DEFAULT, 2);
        Trainer trainer = Trainer.builder(model, Losses.binaryCrossEntropy(), new Adam(model.parameters(), Adam.options().withLr(0.05)))
                .trainData(DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(16)).shuffle(new Rng(1)).build())
                .validationData(DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(64)).build())
                .metrics(Metrics.binaryAccuracy(0.5)).epochs(30).build();
        History h = trainer.fit();
        assertEquals(30 * 4, h.steps().size());
        assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(h.epochs().get(0).metrics().keySet()));
        double[] loss = h.metric("loss");
        assertTrue(loss[29] < loss[0] * 0.8, "the loss falls: " + loss[0] + " -> " + loss[29]);
        assertEquals(h.epochs().get(29).get("loss"), h.epochs().get(29).get("val_loss"), 1e-12, "same data, same loss");
        Map<String, Double> eval = trainer.evaluate(DataLoader.over(d[0], d[1]).mode(BatchMode.batch()).build());
        assertEquals(h.epochs().get(29).get("accuracy"), eval.get("accuracy"), 1e-12);
        Tensor p = trainer.predict(d[0], 10);
        assertEquals(Shape.of(64, 1), p.shape());
        try (NoGrad g = NoGrad.enter()) {
            // NOTE: batches of 10 run GEMMs of another size, which a BLAS may sum in another order: equal to rounding.
            assertTrue(p.allClose(model.apply(Variable.constant(d[0])).value(), 1e-12, 1e-12));
        }
        for (History.Step s : h.steps()) assertTrue(s.gradNorm() > 0 && s.learningRate() == 0.05);
    }
}
