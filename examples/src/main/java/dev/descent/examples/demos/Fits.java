package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.GELU;
import dev.descent.nn.activations.LeakyReLU;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.nn.init.Initializers;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.optim.train.EarlyStopping;
import dev.descent.optim.train.History;
import dev.descent.optim.train.Metrics;
import dev.descent.optim.train.Trainer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the hyperparameter and early-stopping demos share: a classifier MLP built from its hyperparameters, trained
 * by the library's {@link Trainer} with cross-entropy and an optimiser from the registry, with its history, size and
 * time per epoch.
 *
 * <pre>{@code
 * Fits.Fit fit = Fits.train(new Fits.Net(List.of(32, 32), "relu"), split.train(), split.validation(),
 *         new Fits.Training("adam", 0.01, 32, 60, null), rng);
 * fit.history().metric("val_accuracy"); fit.parameters(); fit.secondsPerEpoch();
 * }</pre>
 */
public final class Fits {
    /** The activations the demos compare, by their command-line names. */
    public static final List<String> ACTIVATIONS = List.of("sigmoid", "tanh", "relu", "leaky-relu", "gelu");

    private Fits() {
    }

    /** The activation called {@code name} (one of {@link #ACTIVATIONS}). */
    public static Supplier<Module> activation(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sigmoid" -> Sigmoid::new;
            case "tanh" -> Tanh::new;
            case "relu" -> ReLU::new;
            case "leaky-relu" -> LeakyReLU::new;
            case "gelu" -> GELU::new;
            default -> throw new IllegalArgumentException("unknown activation '" + name + "' (expected one of "
                    + String.join(", ", ACTIVATIONS) + ")");
        };
    }

    /** The architecture: hidden layer widths (the lecture's L−1 hidden layers) and their activation. */
    public record Net(List<Integer> hidden, String activation) {
        public Net {
            hidden = List.copyOf(hidden);
            for (int h : hidden) if (h < 1) throw new IllegalArgumentException("Net: widths must be >= 1, got " + hidden);
            Fits.activation(activation);
        }

        /** {@code depth} hidden layers of {@code width} units. */
        public static Net of(int depth, int width, String activation) {
            return new Net(java.util.Collections.nCopies(depth, width), activation);
        }

        public String describe() {
            return hidden.size() + " hidden \u00d7 " + (hidden.isEmpty() ? 0 : hidden.get(0)) + " " + activation;
        }
    }

    /**
     * How it is trained: the registry's optimiser name, learning rate and further hyperparameters (such as
     * {@code momentum}), the mini-batch size, the epochs, and the early-stopping rule (null for none).
     */
    public record Training(String optimizer, double lr, Map<String, Object> hyper, int batchSize, int epochs,
                           EarlyStopping stopping) {
        public Training {
            if (!Optimizers.has(optimizer)) throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'");
            hyper = Map.copyOf(hyper);
            if (!(lr > 0) || batchSize < 1 || epochs < 1 || hyper.containsKey("lr")) {
                throw new IllegalArgumentException("Training: bad settings lr " + lr + ", " + hyper + ", batch "
                        + batchSize + ", epochs " + epochs);
            }
        }

        public Training(String optimizer, double lr, int batchSize, int epochs, EarlyStopping stopping) {
            this(optimizer, lr, Map.of(), batchSize, epochs, stopping);
        }

        public Training withEpochs(int n) {
            return new Training(optimizer, lr, hyper, batchSize, n, stopping);
        }

        public Training withStopping(EarlyStopping rule) {
            return new Training(optimizer, lr, hyper, batchSize, epochs, rule);
        }

        public Training withLr(double rate) {
            return new Training(optimizer, rate, hyper, batchSize, epochs, stopping);
        }

        /** The optimiser over {@code params}, from the registry. */
        public Optimizer<?> optimizer(List<Variable> params) {
            Map<String, Object> all = new java.util.LinkedHashMap<>(hyper);
            all.put("lr", lr);
            return Optimizers.byName(optimizer, params, all);
        }
    }

    /** A finished run: its history, the trained model, its parameter count and mean wall time per epoch. */
    public record Fit(Net net, History history, Sequential model, Trainer trainer, Optimizer<?> optimizer, long parameters,
                      double secondsPerEpoch) {
        /** The last epoch's value of {@code metric}. */
        public double last(String metric) {
            double[] v = history.metric(metric);
            return v[v.length - 1];
        }

        public int epochsRun() {
            return history.epochs().size();
        }
    }

    /** The number of scalar parameters of {@code model}. */
    public static long parameterCount(Module model) {
        long n = 0;
        for (Variable p : model.parameters()) n += p.value().size();
        return n;
    }

    /** Trains {@code net} on {@code train}, evaluating on {@code validation} each epoch (its data's backend and dtype). */
    public static Fit train(Net net, Dataset train, Dataset validation, Training t, Rng rng) {
        Tensor x = train.features();
        TensorFactory f = Tensor.on(x.backend(), x.dtype());
        Sequential model = Classifier.mlp(f, x.dim(1), net.hidden(), train.numClasses(), activation(net.activation()),
                Initializers.linearDefaultWeight(), Initializers.linearDefaultBias(), rng);
        Optimizer<?> optimizer = t.optimizer(model.parameters());
        Trainer.Builder b = Trainer.builder(model, Losses.crossEntropy(), optimizer)
                .trainData(DataLoader.over(train).mode(BatchMode.miniBatch(t.batchSize())).shuffle(rng.split()).build())
                .validationData(DataLoader.over(validation).batchSize(1024).build())
                .epochs(t.epochs()).metrics(Metrics.accuracy());
        if (t.stopping() != null) b.earlyStopping(t.stopping());
        Trainer trainer = b.build();
        History h = trainer.fit();
        double nanos = 0;
        for (History.Epoch e : h.epochs()) nanos += e.nanos();
        return new Fit(net, h, model, trainer, optimizer, parameterCount(model), nanos / 1e9 / Math.max(1, h.epochs().size()));
    }

    /** 1, 2, ..., n as doubles (epoch numbers for a plot). */
    static double[] oneTo(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }
}
