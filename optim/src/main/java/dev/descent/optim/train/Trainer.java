package dev.descent.optim.train;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.UnaryOp;
import dev.descent.nn.InferenceMode;
import dev.descent.nn.Module;
import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.regularization.Regularizer;
import dev.descent.optim.Optimizer;
import dev.descent.optim.clip.Norms;
import dev.descent.optim.schedule.LrScheduler;
import dev.descent.optim.schedule.MomentumSchedule;
import dev.descent.optim.schedule.ReduceOnPlateau;
import dev.descent.optim.schedule.Schedule;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop, as Keras' {@code fit}: for each epoch, for each batch of the training loader, forward, loss
 * (plus penalties), backward, optimiser step; then every metric on the training and validation data, evaluated
 * in {@link InferenceMode} (as in eval mode, under no-grad, without touching the model's flag). The loader's mode
 * makes it batch, mini-batch or stochastic gradient descent.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), new Adam(model.parameters(), Adam.options()))
 *         .trainData(DataLoader.over(xTrain, yTrain).mode(BatchMode.miniBatch(64)).shuffle(rng.split()).build())
 *         .validationData(DataLoader.over(xVal, yVal).mode(BatchMode.miniBatch(512)).build())
 *         .epochs(20).metrics(Metrics.accuracy())
 *         .earlyStopping(EarlyStopping.monitor("val_loss").patience(3).restoreBestWeights())
 *         .listener(new ConsoleProgress())
 *         .build();
 * History history = trainer.fit();
 * }</pre>
 *
 * <p>{@link Builder#build()} checks everything before the first step: the optimiser holds exactly the model's
 * parameters, the model and loss fit the data, and every sample of the training and validation data is finite and
 * has labels the loss accepts; a bad sample is named by its index in the dataset.
 *
 * <p>It stops at once when the loss or a gradient becomes NaN or infinite, with a message naming the epoch, the
 * step and the cause: a non-finite sample of the batch (by its dataset index), else the first non-finite
 * parameter, else the first parameter whose gradient is not finite; the parameters are then at their last finite
 * state (a step that would make them non-finite is undone) and {@link History#stopReason()} is
 * {@link StopReason#DIVERGED}. Everything is deterministic for a given seed and backend; {@link #resume} continues
 * from a checkpoint so that an interrupted and an uninterrupted run end with bit-identical parameters.
 *
 * <p>Each optimiser step runs in a scope of a {@link dev.descent.core.BufferPool} of the run, so that the steps
 * reuse each other's buffers (the same values bit for bit): a tensor created during a step, by a forward hook for
 * example, is recycled when the step ends unless it is kept ({@code BufferPool.keep}); parameters,
 * gradients, the optimiser's state and module buffers always outlive it. Evaluation and {@link #predict} are not
 * pooled; {@link Builder#reuseBuffers(boolean) reuseBuffers(false)} turns the pool off.
 */
public final class Trainer {
    /** When a learning-rate schedule advances. */
    public enum ScheduleUnit { STEP, EPOCH }

    final Module model;
    final Loss loss;
    final Optimizer<?> optimizer;
    final DataLoader train;
    final DataLoader validation;
    final int epochs;
    final List<Metric> metrics;
    final Schedule schedule;
    final LrScheduler scheduler;
    final ScheduleUnit scheduleUnit;
    final ReduceOnPlateau plateau;
    final String plateauMonitor;
    final Regularizer regularizer;
    final List<Variable> regularized;
    final int accumulation;
    final EarlyStopping earlyStopping;
    final List<TrainingListener> listeners;
    final Checkpoints checkpoints;
    final DataParallel parallel;
    final boolean reuseBuffers;
    /** What an outside loop records in its checkpoints ({@link Builder#checkpointLoop}); null for this loop's own. */
    final Map<String, String> checkpointLoop;
    private final Map<String, Variable> named;

    private Trainer(Builder b) {
        this.model = b.model;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.train = b.train;
        this.validation = b.validation;
        this.epochs = b.epochs;
        this.metrics = List.copyOf(b.metrics);
        this.schedule = b.schedule;
        this.scheduler = b.scheduler;
        this.scheduleUnit = b.scheduleUnit;
        this.plateau = b.plateau;
        this.plateauMonitor = b.plateauMonitor;
        this.regularizer = b.regularizer;
        this.regularized = b.regularized == null ? model.parameters() : List.copyOf(b.regularized);
        this.accumulation = b.accumulation;
        this.earlyStopping = b.earlyStopping;
        this.listeners = List.copyOf(b.listeners);
        this.checkpoints = b.checkpointDir == null ? null : new Checkpoints(b.checkpointDir, b.checkpointEvery);
        this.checkpointLoop = b.checkpointLoop;
        this.parallel = b.parallel;
        this.reuseBuffers = b.reuseBuffers;
        this.named = model.namedParameters();
    }

    public static Builder builder(Module model, Loss loss, Optimizer<?> optimizer) {
        return new Builder(model, loss, optimizer);
    }

    /** Trains from the first epoch. */
    public History fit() {
        return new Run(this, new History(describe(train)), 0, 0).run();
    }

    /**
     * Continues the run saved by the checkpoints of a trainer like this one: {@code checkpoint} is the directory given
     * to {@link Builder#checkpoints} (its newest complete checkpoint is taken, also after a crash in the middle of a
     * save) or one checkpoint directory. Every file is read and checked before anything changes.
     *
     * @throws CheckpointException when no checkpoint is complete or a file is corrupt or does not fit this trainer;
     *                             it names the file and the field, and the trainer is unchanged
     */
    public History resume(Path checkpoint) throws IOException {
        if (checkpointLoop != null) {
            throw new IllegalStateException("Trainer.resume: this trainer's checkpoints are written by an outside loop "
                    + checkpointLoop + "; resume " + checkpoint + " with that loop");
        }
        return Checkpoints.resume(this, checkpoint);
    }

    /** Where a checkpoint left a run: its history (stop reason reset), epochs completed and steps taken. */
    public record Restored(History history, int epoch, long step) {
    }

    /**
     * For a loop that runs this trainer's steps itself (the {@code spark} module's barrier mode): restores the
     * model, the optimiser state and the training loader's shuffling state from a checkpoint as {@link #resume} does,
     * checking every file first (a {@link CheckpointException} leaves everything unchanged), and returns where the
     * run stood; the caller continues from there.
     */
    public Restored restore(Path checkpoint) throws IOException {
        Run r = Checkpoints.restore(this, checkpoint);
        return new Restored(r.history, r.epoch, r.step);
    }

    /**
     * For a loop that runs this trainer's steps itself: the end of epoch {@code epoch} (after {@code step} steps,
     * recorded in {@code history}), where this trainer's own loop writes its checkpoints; writes one as that loop
     * would (every {@link Builder#checkpoints} interval, and when the history has stopped), and nothing without
     * checkpoints.
     */
    public void checkpointEpoch(History history, int epoch, long step) {
        if (checkpoints == null) return;
        checkpoints.afterEpoch(this, new Run(this, history, epoch, step), false);
    }

    /** Which descent the training loader makes: {@code batch}, {@code mini-batch (batch size b)} or {@code stochastic}. */
    static String describe(DataLoader loader) {
        return loader.mode().description();
    }

    // ---------------------------------------------------------------- evaluation

    /**
     * The model's outputs for {@code features}, in batches of {@code batchSize}, computed in {@link InferenceMode}
     * (as in eval mode, under no-grad) without changing the model's train/eval flag: any number of threads may
     * predict with one trainer at once.
     */
    public Tensor predict(Tensor features, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("predict: batchSize must be >= 1, got " + batchSize);
        try (InferenceMode scope = InferenceMode.enter()) {
            List<Tensor> parts = new ArrayList<>();
            int n = features.dim(0);
            for (int start = 0; start < n; start += batchSize) {
                parts.add(model.apply(Variable.constant(features.slice(0, start, Math.min(n, start + batchSize)))).value());
            }
            return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts);
        }
    }

    /**
     * The loss and every metric over {@code data}, in {@link InferenceMode} (the model's flag is not changed); keys
     * as in the history. Safe for concurrent callers; calls take turns while the trainer's metrics accumulate,
     * since a metric accumulates in place.
     */
    public Map<String, Double> evaluate(DataLoader data) {
        return evaluate(data, "");
    }

    Map<String, Double> evaluate(DataLoader data, String prefix) {
        if (parallel != null) return parallel.evaluate(data, metrics, prefix);
        if (metrics.isEmpty()) return evaluateWithMetrics(data, prefix);
        synchronized (metrics) {
            return evaluateWithMetrics(data, prefix);
        }
    }

    private Map<String, Double> evaluateWithMetrics(DataLoader data, String prefix) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (InferenceMode scope = InferenceMode.enter()) {
            for (Metric m : metrics) m.reset();
            double lossSum = 0;
            long samples = 0;
            for (Batch b : data.inOrder()) {
                Variable prediction = model.apply(Variable.constant(b.features()));
                double l = loss.apply(prediction, Variable.constant(b.labels())).value().item();
                lossSum += l * b.size();
                samples += b.size();
                for (Metric m : metrics) m.update(prediction.value(), b.labels());
            }
            out.put(prefix + "loss", lossSum / samples);
            for (Metric m : metrics) out.put(prefix + m.name(), m.result());
        }
        return out;
    }

    // ---------------------------------------------------------------- steps

    /** The name of the first parameter whose gradient has a NaN or infinite element, or null. */
    String firstNonFiniteGradient() {
        for (var e : named.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g != null && !Norms.isFinite(g)) return e.getKey();
        }
        return null;
    }

    String firstNonFiniteParameter() {
        for (var e : named.entrySet()) {
            if (!Norms.isFinite(e.getValue().value())) return e.getKey();
        }
        return null;
    }

    /** Multiplies every gradient by {@code factor} in place (the average over accumulated micro-batches). */
    static void scaleGradients(List<Variable> params, double factor) {
        try (NoGrad g = NoGrad.enter()) {
            for (Variable p : params) {
                Tensor grad = p.grad();
                if (grad != null) InPlace.map(UnaryOp.AFFINE, grad, factor, 0, grad);
            }
        }
    }

    Map<String, Variable> named() {
        return named;
    }

    // ---------------------------------------------------------------- builder

    /** Configures a {@link Trainer}; {@link #build()} checks everything before any training happens. */
    public static final class Builder {
        private final Module model;
        private final Loss loss;
        private final Optimizer<?> optimizer;
        private DataLoader train, validation;
        private int epochs = 1;
        private final List<Metric> metrics = new ArrayList<>();
        private Schedule schedule;
        private LrScheduler scheduler;
        private ScheduleUnit scheduleUnit = ScheduleUnit.EPOCH;
        private ReduceOnPlateau plateau;
        private String plateauMonitor;
        private boolean parameterMismatchAllowed;
        private Regularizer regularizer;
        private List<Variable> regularized;
        private int accumulation = 1;
        private EarlyStopping earlyStopping;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path checkpointDir;
        private int checkpointEvery = 1;
        private DataParallel parallel;
        private boolean reuseBuffers = true;
        private Map<String, String> checkpointLoop;

        private Builder(Module model, Loss loss, Optimizer<?> optimizer) {
            if (model == null || loss == null || optimizer == null) {
                throw new IllegalArgumentException("Trainer: model, loss and optimizer are required");
            }
            this.model = model;
            this.loss = loss;
            this.optimizer = optimizer;
        }

        public Builder trainData(DataLoader loader) {
            this.train = loader;
            return this;
        }

        public Builder validationData(DataLoader loader) {
            this.validation = loader;
            return this;
        }

        public Builder epochs(int epochs) {
            if (epochs < 1) throw new IllegalArgumentException("Trainer: epochs must be >= 1, got " + epochs);
            this.epochs = epochs;
            return this;
        }

        /** Metrics computed each epoch on the training and the validation data (the loss always is). */
        public Builder metrics(Metric... metrics) {
            this.metrics.addAll(List.of(metrics));
            return this;
        }

        /**
         * Sets the optimiser's learning rate from {@code schedule} before every step or every epoch (through an
         * {@link LrScheduler} made for each run, whose state checkpoints keep). A {@link MomentumSchedule} (the
         * one-cycle policy) sets the momentum too.
         */
        public Builder schedule(Schedule schedule, ScheduleUnit unit) {
            if (schedule == null || unit == null) throw new IllegalArgumentException("Trainer: schedule and unit are required");
            this.schedule = schedule;
            this.scheduleUnit = unit;
            return this;
        }

        /**
         * Steps {@code scheduler} (which must drive this trainer's optimiser) after every optimiser step or every
         * epoch; checkpoints save and restore its state.
         */
        public Builder scheduler(LrScheduler scheduler, ScheduleUnit unit) {
            if (scheduler == null || unit == null) throw new IllegalArgumentException("Trainer: scheduler and unit are required");
            this.scheduler = scheduler;
            this.scheduleUnit = unit;
            return this;
        }

        /**
         * After every epoch, gives {@code rule} (which must drive this trainer's optimiser) the metric
         * {@code monitor} of the history ({@code "val_loss"}, {@code "loss"}, ...), as Keras' callback of the same
         * name; checkpoints save and restore its state.
         */
        public Builder reduceOnPlateau(ReduceOnPlateau rule, String monitor) {
            if (rule == null || monitor == null) throw new IllegalArgumentException("Trainer: rule and monitor are required");
            this.plateau = rule;
            this.plateauMonitor = monitor;
            return this;
        }

        /**
         * Lets the optimiser hold other parameters than exactly the model's: some of them (layers left frozen) or
         * parameters outside the model. Without it, {@link #build()} rejects such an optimiser, which would
         * otherwise train nothing or something else.
         */
        public Builder allowParameterMismatch() {
            this.parameterMismatchAllowed = true;
            return this;
        }

        /** Adds {@code regularizer}'s penalty over every parameter of the model to the loss. */
        public Builder regularizer(Regularizer regularizer) {
            return regularizer(regularizer, null);
        }

        /** Adds {@code regularizer}'s penalty over {@code parameters} to the loss. */
        public Builder regularizer(Regularizer regularizer, List<Variable> parameters) {
            this.regularizer = regularizer;
            this.regularized = parameters;
            return this;
        }

        /**
         * Accumulates the gradients of {@code k} consecutive batches before each optimiser step, weighting each by
         * its share of the samples, so a step equals one step on their union (batch descent on data that does not
         * fit one batch).
         */
        public Builder accumulateGradients(int k) {
            if (k < 1) throw new IllegalArgumentException("Trainer: accumulation must be >= 1, got " + k);
            this.accumulation = k;
            return this;
        }

        public Builder earlyStopping(EarlyStopping rule) {
            this.earlyStopping = rule;
            return this;
        }

        public Builder listener(TrainingListener listener) {
            this.listeners.add(listener);
            return this;
        }

        /**
         * Writes a checkpoint (model, optimiser state, epoch, random generator states, history) into
         * {@code directory} every {@code everyEpochs} epochs, and the best weights whenever the early-stopping
         * metric improves.
         */
        public Builder checkpoints(Path directory, int everyEpochs) {
            if (everyEpochs < 1) throw new IllegalArgumentException("Trainer: checkpoint interval must be >= 1, got " + everyEpochs);
            this.checkpointDir = directory;
            this.checkpointEvery = everyEpochs;
            return this;
        }

        /**
         * Marks the checkpoints as written by a loop other than this trainer's own ({@link #checkpointEpoch}), with
         * its settings: they go into {@code state.json} as {@code loop}, and {@link #restore} requires them equal,
         * while {@link #resume} refuses such checkpoints (and the outside loop those of this trainer's own loop).
         */
        public Builder checkpointLoop(Map<String, String> loop) {
            this.checkpointLoop = loop == null ? null : Map.copyOf(new java.util.TreeMap<>(loop));
            return this;
        }

        /**
         * Computes losses, gradients and evaluations with {@code parallel} instead of the local model (data-parallel
         * training); the training loader then only chooses which samples make each batch.
         */
        public Builder dataParallel(DataParallel parallel) {
            this.parallel = parallel;
            return this;
        }

        /**
         * Whether each step runs in a {@link dev.descent.core.BufferPool} scope (the default, true). With false every
         * step allocates fresh tensors, as outside any scope, so a listener or forward hook may hold on to any tensor
         * a step made without {@code BufferPool.keep}; the results are bit for bit the same either way.
         */
        public Builder reuseBuffers(boolean reuse) {
            this.reuseBuffers = reuse;
            return this;
        }

        public Trainer build() {
            if (train == null) throw new IllegalArgumentException("Trainer: trainData is required");
            if (train.size() == 0) throw new IllegalArgumentException("Trainer: the training data is empty");
            if (validation != null && validation.size() == 0) {
                throw new IllegalArgumentException("Trainer: the validation data is empty");
            }
            if (earlyStopping != null && earlyStopping.monitor().startsWith("val_") && validation == null) {
                throw new IllegalArgumentException("Trainer: early stopping monitors " + earlyStopping.monitor()
                        + " but no validationData is given");
            }
            if (model.parameters().isEmpty()) throw new IllegalArgumentException("Trainer: the model has no parameters");
            checkLearningRateDrivers();
            if (!parameterMismatchAllowed) checkParameters();
            if (parallel != null) {
                parallel.probe(train);
            } else {
                Tensor output = probe();
                DataChecks.beforeTraining(train, "training", loss, output);
                if (validation != null) DataChecks.beforeTraining(validation, "validation", loss, output);
            }
            return new Trainer(this);
        }

        private void checkLearningRateDrivers() {
            int drivers = (schedule != null ? 1 : 0) + (scheduler != null ? 1 : 0) + (plateau != null ? 1 : 0);
            if (drivers > 1) {
                throw new IllegalArgumentException("Trainer: schedule, scheduler and reduceOnPlateau each set the "
                        + "learning rate; give one of them");
            }
            if (scheduler != null && scheduler.optimizer() != optimizer) {
                throw new IllegalArgumentException("Trainer: the scheduler drives another optimizer ("
                        + scheduler.optimizer().name() + ") than the trainer's");
            }
            if (plateau != null && plateau.optimizer() != optimizer) {
                throw new IllegalArgumentException("Trainer: reduceOnPlateau drives another optimizer ("
                        + plateau.optimizer().name() + ") than the trainer's");
            }
            if (plateau != null && plateauMonitor.startsWith("val_") && validation == null) {
                throw new IllegalArgumentException("Trainer: reduceOnPlateau monitors " + plateauMonitor
                        + " but no validationData is given");
            }
        }

        /** The optimiser must hold exactly the model's parameters, each once. */
        private void checkParameters() {
            Map<Variable, String> mine = new IdentityHashMap<>();
            model.namedParameters().forEach((n, p) -> mine.put(p, n));
            Map<Variable, Boolean> held = new IdentityHashMap<>();
            List<String> foreign = new ArrayList<>();
            List<Variable> theirs = optimizer.params();
            for (int i = 0; i < theirs.size(); i++) {
                held.put(theirs.get(i), true);
                if (!mine.containsKey(theirs.get(i))) foreign.add(optimizer.paramName(i) + " " + theirs.get(i).shape());
            }
            List<String> missing = new ArrayList<>();
            model.namedParameters().forEach((n, p) -> {
                if (!held.containsKey(p)) missing.add("'" + n + "'");
            });
            if (missing.isEmpty() && foreign.isEmpty()) return;
            throw new IllegalArgumentException("Trainer: the optimizer " + optimizer.name() + " does not hold exactly "
                    + "the model's trainable parameters: "
                    + (missing.isEmpty() ? "" : "it lacks " + String.join(", ", missing) + (foreign.isEmpty() ? "" : "; "))
                    + (foreign.isEmpty() ? "" : "its parameters " + String.join(", ", foreign) + " are not the model's")
                    + " (for frozen layers or extra parameters, use allowParameterMismatch())");
        }

        /**
         * Runs the model and the loss on one sample of the training data, so that shape errors surface now; returns
         * the model's output for it.
         */
        private Tensor probe() {
            try (InferenceMode scope = InferenceMode.enter()) {
                Batch first = train.inOrder().iterator().next();
                Tensor x = first.features().slice(0, 0, 1), y = first.labels().slice(0, 0, 1);
                Variable output = model.apply(Variable.constant(x));
                loss.apply(output, Variable.constant(y));
                return output.value();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Trainer: the model and loss do not fit the training data: "
                        + e.getMessage(), e);
            }
        }
    }
}
