package dev.descent.examples.demos;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.examples.plot.GridClassifier;
import dev.descent.nn.InferenceMode;
import dev.descent.nn.Module;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.Dataset;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * Small binary classifiers on 2-D data for the optimiser and loss demos: the data set with 0/1 targets of shape
 * (n, 1) in the run's dtype, and a tanh network {@code 2 -> hidden -> ... -> 1} whose weights depend only on the
 * seed, so every optimiser or loss starts from the same point.
 *
 * <pre>{@code
 * Dataset train = BinaryClassifiers.withFloatTargets(Datasets.moons(rng, 300, 0.2), backend, DType.FLOAT32);
 * Sequential net = BinaryClassifiers.tanhNet(Tensor.on(backend, DType.FLOAT32), new int[] {16, 16}, 42, false);
 * }</pre>
 */
final class BinaryClassifiers {
    private BinaryClassifiers() {
    }

    /** {@code data} on {@code backend}, features in {@code dtype}, labels as 0/1 of shape (n, 1) in {@code dtype}. */
    static Dataset withFloatTargets(Dataset data, Backend backend, DType dtype) {
        Tensor x = data.features().to(backend).to(dtype);
        Tensor y = data.labels().to(backend).to(dtype).reshape(data.size(), 1);
        return new Dataset(x, y, List.of());
    }

    /** The features as an (n, 2) array. */
    static double[][] points(Dataset data) {
        double[] f = data.features().toDoubleArray();
        double[][] xy = new double[data.size()][];
        for (int i = 0; i < xy.length; i++) xy[i] = new double[] {f[2 * i], f[2 * i + 1]};
        return xy;
    }

    /** The 0/1 targets as class indices. */
    static int[] labels(Dataset data) {
        double[] y = data.labels().toDoubleArray();
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) out[i] = y[i] > 0.5 ? 1 : 0;
        return out;
    }

    /**
     * {@code 2 -> hidden[0] -> ... -> 1} with tanh between the layers, PyTorch's default initialisation drawn from
     * {@code new Rng(seed)}; with {@code sigmoidOutput} the last layer is followed by a sigmoid (probabilities),
     * otherwise the output is a logit.
     */
    static Sequential tanhNet(TensorFactory f, int[] hidden, long seed, boolean sigmoidOutput) {
        Rng rng = new Rng(seed);
        List<Module> layers = new ArrayList<>();
        int in = 2;
        for (int h : hidden) {
            layers.add(new Linear(f, in, h, true, null, null, rng));
            layers.add(new Tanh());
            in = h;
        }
        layers.add(new Linear(f, in, 1, true, null, null, rng));
        if (sigmoidOutput) layers.add(new Sigmoid());
        return new Sequential(layers.toArray(new Module[0]));
    }

    /** The model's probability of class 1 on a grid, for a decision-boundary chart. */
    static GridClassifier probabilities(Module model, TensorFactory f, boolean outputIsLogit) {
        return points -> {
            double[] flat = new double[2 * points.length];
            for (int i = 0; i < points.length; i++) {
                flat[2 * i] = points[i][0];
                flat[2 * i + 1] = points[i][1];
            }
            try (InferenceMode scope = InferenceMode.enter()) {
                Variable out = model.apply(Variable.constant(f.of(flat, points.length, 2)));
                return (outputIsLogit ? out.sigmoid() : out).value().toDoubleArray();
            }
        };
    }
}
