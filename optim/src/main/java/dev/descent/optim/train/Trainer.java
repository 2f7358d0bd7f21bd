package dev.descent.optim.train;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.UnaryOp;
import dev.descent.nn.Module;
import dev.descent.nn.data.Batch;
import dev.descent.nn.data.DataLoader;
import dev.descent.nn.losses.Loss;
import dev.descent.nn.regularization.Regularizer;
import dev.descent.optim.Optimizer;
import dev.descent.optim.clip.Norms;
import dev.descent.optim.schedule.Schedule;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop, as Keras' {@code fit}: for each epoch, for each batch of the training loader, forward, loss
 * (plus penalties), backward, optimiser step; then every metric on the training and validation data, evaluated
 * under {@link NoGrad} in eval mode. The loader's mode makes it batch, mini-batch or stochastic gradient descent.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), new Adam(model.parameters(), Adam.defaults()))
 *         .trainData(DataLoader.over(xTrain, yTrain).mode(BatchMode.miniBatch(64)).shuffle(rng.split()).build())
 *         .validationData(DataLoader.over(xVal, yVal).mode(BatchMode.miniBatch(512)).build())
 *         .epochs(20).metrics(Metrics.accuracy())
 *         .earlyStopping(EarlyStopping.monitor("val_loss").patience(3).restoreBestWeights())
 *         .listener(new ConsoleProgress())
 *         .build();
 * History history = trainer.fit();
 * }</pre>
 *
 * <p>It stops at once when the loss or a gradient becomes NaN or infinite, with a message naming the epoch, the
 * step and the first offending parameter; the parameters are then at their last finite state (a step that would
 * make them non-finite is undone) and {@link History#stopReason()} is {@link StopReason#DIVERGED}. Everything is
 * deterministic for a given seed and backend; {@link #resume} continues from a checkpoint so that an interrupted
 * and an uninterrupted run end with bit-identical parameters.
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
    final ScheduleUnit scheduleUnit;
    final Regularizer regularizer;
    final List<Variable> regularized;
    final int accumulation;
    final EarlyStopping earlyStopping;
    final List<TrainingListener> listeners;
    final Checkpoints checkpoints;
    final TrainingEngine engine;
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
        this.scheduleUnit = b.scheduleUnit;
        this.regularizer = b.regularizer;
        this.regularized = b.regularized == null ? model.parameters() : List.copyOf(b.regularized);
        this.accumulation = b.accumulation;
        this.earlyStopping = b.earlyStopping;
        this.listeners = List.copyOf(b.listeners);
        this.checkpoints = b.checkpointDir == null ? null : new Checkpoints(b.checkpointDir, b.checkpointEvery);
        this.engine = b.engine;
        this.named = model.namedParameters();
    }

    public static Builder builder(Module model, Loss loss, Optimizer<?> optimizer) {
        return new Builder(model, loss, optimizer);
    }

    /** Trains from the first epoch. */
    public History fit() {
        return new Run(this, new History(describe(train)), 0, 0).run();
    }

    /** Continues the run saved in {@code checkpoint} (a directory written by the checkpoints of a trainer like this). */
    public History resume(Path checkpoint) throws IOException {
        return Checkpoints.resume(this, checkpoint);
    }

    /** Which descent the training loader makes: {@code batch}, {@code mini-batch (batch size b)} or {@code stochastic}. */
    static String describe(DataLoader loader) {
        return loader.mode().description();
    }

    // ---------------------------------------------------------------- evaluation

    /** The model's outputs for {@code features}, in eval mode under no-grad, in batches of {@code batchSize}. */
    public Tensor predict(Tensor features, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("predict: batchSize must be >= 1, got " + batchSize);
        boolean wasTraining = model.isTraining();
        model.eval();
        try (NoGrad g = NoGrad.enter()) {
            List<Tensor> parts = new ArrayList<>();
            int n = features.dim(0);
            for (int start = 0; start < n; start += batchSize) {
                parts.add(model.apply(Variable.constant(features.slice(0, start, Math.min(n, start + batchSize)))).value());
            }
            return parts.size() == 1 ? parts.get(0) : Tensor.concat(0, parts);
        } finally {
            if (wasTraining) model.train();
        }
    }

    /** The loss and every metric over {@code data}, in eval mode under no-grad; keys as in the history. */
    public Map<String, Double> evaluate(DataLoader data) {
        return evaluate(data, "");
    }

    Map<String, Double> evaluate(DataLoader data, String prefix) {
        if (engine != null) return engine.evaluate(data, metrics, prefix);
        boolean wasTraining = model.isTraining();
        model.eval();
        Map<String, Double> out = new LinkedHashMap<>();
        try (NoGrad g = NoGrad.enter()) {
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
        } finally {
            if (wasTraining) model.train();
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
        private ScheduleUnit scheduleUnit = ScheduleUnit.EPOCH;
        private Regularizer regularizer;
        private List<Variable> regularized;
        private int accumulation = 1;
        private EarlyStopping earlyStopping;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path checkpointDir;
        private int checkpointEvery = 1;
        private TrainingEngine engine;

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

        /** Sets the optimiser's learning rate from {@code schedule} before every step or every epoch. */
        public Builder schedule(Schedule schedule, ScheduleUnit unit) {
            this.schedule = schedule;
            this.scheduleUnit = unit;
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
         * Computes losses, gradients and evaluations with {@code engine} instead of the local model (data-parallel
         * training); the training loader then only chooses which samples make each batch.
         */
        public Builder engine(TrainingEngine engine) {
            this.engine = engine;
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
            if (engine != null) engine.probe(train);
            else probe();
            return new Trainer(this);
        }

        /** Runs the model and the loss on one sample of the training data, so that shape errors surface now. */
        private void probe() {
            boolean wasTraining = model.isTraining();
            try (NoGrad g = NoGrad.enter()) {
                Batch first = train.inOrder().iterator().next();
                Tensor x = first.features().slice(0, 0, 1), y = first.labels().slice(0, 0, 1);
                model.eval();
                loss.apply(model.apply(Variable.constant(x)), Variable.constant(y));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Trainer: the model and loss do not fit the training data: "
                        + e.getMessage(), e);
            } finally {
                if (wasTraining) model.train();
            }
        }
    }
}
