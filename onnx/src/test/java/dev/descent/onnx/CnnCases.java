package dev.descent.onnx;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.AdaptiveAvgPool2d;
import dev.descent.nn.layers.AvgPool2d;
import dev.descent.nn.layers.BatchNorm1d;
import dev.descent.nn.layers.BatchNorm2d;
import dev.descent.nn.layers.Conv1d;
import dev.descent.nn.layers.Conv2d;
import dev.descent.nn.layers.ConvTranspose2d;
import dev.descent.nn.layers.Dropout2d;
import dev.descent.nn.layers.Flatten;
import dev.descent.nn.layers.GroupNorm;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.MaxPool1d;
import dev.descent.nn.layers.MaxPool2d;
import dev.descent.nn.layers.Padding;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.layers.Unflatten;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.descent.onnx.OnnxExportTest.linear;

/**
 * The convolution, pooling and normalisation layers as export cases: every option the ONNX form writes (stride,
 * explicit, same and valid padding, dilation, groups, no bias, ceil mode, count_include_pad, adaptive sizes, affine
 * or not, running statistics or not), each with its parameters moved off their initial values and its batch
 * normalisations' running statistics warmed up by training-mode passes.
 */
final class CnnCases {
    /**
     * The cases holding an operator that ONNX Runtime 1.23.2's CPU provider implements in float32 only (Conv,
     * ConvTranspose, AveragePool, GlobalAveragePool): in float64 the test checks the engine's refusal names it, and
     * Descent's own importer runs the file.
     */
    static final Map<String, String> ORT_FLOAT32_ONLY = Map.ofEntries(Map.entry("Conv1d", "Conv"),
            Map.entry("Conv1d-same-groups", "Conv"), Map.entry("Conv2d", "Conv"),
            Map.entry("Conv2d-stride-dilation-groups", "Conv"), Map.entry("Conv2d-same", "Conv"),
            Map.entry("Conv2d-valid", "Conv"), Map.entry("ConvTranspose2d", "ConvTranspose"),
            Map.entry("AvgPool2d", "AveragePool"), Map.entry("AvgPool2d-count-pad", "AveragePool"),
            Map.entry("AdaptiveAvgPool2d-1", "GlobalAveragePool"), Map.entry("AdaptiveAvgPool2d-2x3", "AveragePool"),
            Map.entry("CNN", "Conv"));

    private CnnCases() {
    }

    static int[] two(int a, int b) {
        return new int[] {a, b};
    }

    static Conv2d conv2d(TensorFactory f, int in, int out, int[] k, int[] s, Padding p, int[] d, int groups,
                         boolean bias, long seed) {
        return new Conv2d(f, in, out, k, s, p, d, groups, bias, new Rng(seed));
    }

    /** {@code m} with every parameter moved by N(0, 0.2) noise and its batch statistics warmed up, in eval mode. */
    static Module prepared(Module m, TensorFactory f, int[] features, long seed) {
        Rng rng = new Rng(seed);
        try (NoGrad scope = NoGrad.enter()) {
            for (Variable p : m.namedParameters().values()) {
                InPlace.axpby(1, f.normal(rng, 0, 0.2, p.shape().dims()), 1, p.value());
            }
            m.train();
            for (int i = 0; i < 3; i++) {
                m.apply(Variable.constant(OnnxExportTest.batch(f, 6, features, seed + i).mul(1.5).add(0.5)));
            }
        }
        m.eval();
        return m;
    }

    static OnnxExportTest.Case c(String name, int[] features, Function<TensorFactory, Module> build) {
        return new OnnxExportTest.Case(name, features, f -> prepared(build.apply(f), f, features, name.hashCode()));
    }

    static List<OnnxExportTest.Case> cases() {
        List<OnnxExportTest.Case> c = new ArrayList<>();
        c.add(c("Conv1d", new int[] {3, 12}, f -> new Sequential(
                new Conv1d(f, 3, 4, 3, 2, Padding.of(1), 2, 1, true, new Rng(1)), new ReLU())));
        c.add(c("Conv1d-same-groups", new int[] {4, 9}, f -> new Conv1d(f, 4, 6, 4, 1, Padding.SAME, 1, 2, false,
                new Rng(2))));
        c.add(c("Conv2d", new int[] {3, 8, 8}, f -> conv2d(f, 3, 6, two(3, 3), two(1, 1), Padding.of(1), two(1, 1),
                1, true, 3)));
        c.add(c("Conv2d-stride-dilation-groups", new int[] {4, 11, 9}, f -> conv2d(f, 4, 6, two(3, 2), two(2, 1),
                Padding.of(1, 0), two(2, 1), 2, false, 4)));
        c.add(c("Conv2d-same", new int[] {3, 7, 8}, f -> conv2d(f, 3, 4, two(4, 3), two(1, 1), Padding.SAME, two(1, 2),
                1, true, 5)));
        c.add(c("Conv2d-valid", new int[] {2, 6, 7}, f -> conv2d(f, 2, 3, two(3, 3), two(2, 2), Padding.VALID,
                two(1, 1), 1, true, 6)));
        c.add(c("ConvTranspose2d", new int[] {4, 5, 6}, f -> new ConvTranspose2d(f, 4, 6, two(3, 3), two(2, 2),
                two(1, 0), two(1, 0), 2, true, two(1, 2), new Rng(7))));
        c.add(c("MaxPool1d", new int[] {3, 11}, f -> new MaxPool1d(3, 2, 1, 2, true)));
        c.add(c("MaxPool2d", new int[] {2, 9, 10}, f -> new MaxPool2d(two(3, 2), two(2, 2), two(1, 1), two(2, 1),
                true)));
        c.add(c("MaxPool2d-floor", new int[] {2, 7, 7}, f -> new MaxPool2d(2)));
        c.add(c("AvgPool2d", new int[] {2, 9, 10}, f -> new AvgPool2d(two(3, 3), two(2, 2), two(1, 1), true, false)));
        c.add(c("AvgPool2d-count-pad", new int[] {2, 8, 7}, f -> new AvgPool2d(two(3, 2), two(2, 1), two(1, 1),
                false, true)));
        c.add(c("AdaptiveAvgPool2d-1", new int[] {3, 5, 7}, f -> new AdaptiveAvgPool2d(1, 1)));
        c.add(c("AdaptiveAvgPool2d-2x3", new int[] {3, 6, 9}, f -> new AdaptiveAvgPool2d(2, 3)));
        c.add(c("BatchNorm1d", new int[] {5}, f -> new Sequential(linear(f, 5, 6, 1),
                new BatchNorm1d(f, 6, 1e-5, 0.1, true, true), new Tanh(), linear(f, 6, 3, 2))));
        c.add(c("BatchNorm1d-sequence", new int[] {4, 7}, f -> new BatchNorm1d(f, 4, 1e-3, null, false, true)));
        c.add(c("BatchNorm2d", new int[] {3, 4, 5}, f -> new BatchNorm2d(f, 3, 1e-5, 0.1, true, true)));
        c.add(c("BatchNorm2d-batch-statistics", new int[] {3, 4, 5}, f -> new BatchNorm2d(f, 3, 1e-5, 0.1, true,
                false)));
        c.add(c("LayerNorm", new int[] {6}, f -> new Sequential(linear(f, 6, 8, 1),
                new LayerNorm(f, new int[] {8}, 1e-5, true))));
        c.add(c("LayerNorm-2d-plain", new int[] {3, 4, 5}, f -> new LayerNorm(f, new int[] {4, 5}, 1e-4, false)));
        c.add(c("GroupNorm", new int[] {6, 3, 4}, f -> new GroupNorm(f, 3, 6, 1e-5, true)));
        c.add(c("GroupNorm-plain", new int[] {4, 5}, f -> new GroupNorm(f, 2, 4, 1e-5, false)));
        c.add(c("Unflatten-Dropout2d", new int[] {5}, f -> new Sequential(linear(f, 5, 12, 1),
                new Unflatten(1, 3, 2, 2), new Dropout2d(0.3, new Rng(1)), new Flatten(), linear(f, 12, 2, 2))));
        c.add(c("CNN", new int[] {1, 12, 12}, f -> new Sequential(
                conv2d(f, 1, 4, two(3, 3), two(1, 1), Padding.of(1), two(1, 1), 1, true, 1),
                new BatchNorm2d(f, 4, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2),
                new Dropout2d(0.25, new Rng(2)),
                conv2d(f, 4, 8, two(3, 3), two(1, 1), Padding.SAME, two(1, 1), 2, true, 3),
                new GroupNorm(f, 2, 8, 1e-5, true), new ReLU(), new AdaptiveAvgPool2d(1, 1), new Flatten(),
                linear(f, 8, 3, 4))));
        return c;
    }
}
