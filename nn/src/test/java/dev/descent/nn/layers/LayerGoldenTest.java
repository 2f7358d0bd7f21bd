package dev.descent.nn.layers;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.GoldenCases;
import dev.descent.core.testing.GoldenCases.Case;
import dev.descent.core.testing.WorstError;
import dev.descent.nn.Module;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every convolution, pooling and normalisation layer against PyTorch in float64, on every backend: the output, the
 * input gradient and the parameter gradients of {@code sum(y * w)}, and BatchNorm's running statistics after three
 * training steps and its eval output, each within {@code 1e-10 * max(1, |ref|)}. The reference file is written
 * offline by {@code src/test/python/generate_layer_goldens.py}; the parameters come from it.
 */
class LayerGoldenTest {
    private static final double TOL = 1e-10;
    private static final WorstError WORST = new WorstError("Layer goldens", TOL);

    private static final Map<String, Function<TensorFactory, Module>> LAYERS = new HashMap<>();

    private static void layer(String name, Function<TensorFactory, Module> make) {
        LAYERS.put(name, make);
    }

    private static int[] p(int... v) {
        return v;
    }

    static {
        Rng r = new Rng(0);
        layer("conv2d_basic", f -> new Conv2d(f, 3, 4, p(3, 3), p(1, 1), Padding.of(1), p(1, 1), 1, true, r));
        layer("conv2d_strided_dilated_groups", f -> new Conv2d(f, 4, 6, p(3, 2), p(2, 1), Padding.of(1, 0), p(1, 2), 2,
                true, r));
        layer("conv2d_same_even_kernel_no_bias", f -> new Conv2d(f, 2, 3, p(2, 3), p(1, 1), Padding.SAME, p(2, 1), 1,
                false, r));
        layer("conv2d_valid", f -> new Conv2d(f, 3, 2, p(3, 3), p(1, 1), Padding.VALID, p(1, 1), 1, true, r));
        layer("conv2d_size1_spatial", f -> new Conv2d(f, 2, 2, p(1, 3), p(1, 1), Padding.of(0, 1), p(1, 1), 1, true, r));
        layer("conv1d_strided_dilated_groups", f -> new Conv1d(f, 4, 6, 3, 2, Padding.of(1), 2, 2, true, r));
        layer("conv1d_same", f -> new Conv1d(f, 2, 3, 4, 1, Padding.SAME, 1, 1, true, r));
        layer("conv_transpose2d", f -> new ConvTranspose2d(f, 4, 6, p(3, 2), p(2, 1), p(1, 0), p(1, 0), 2, true,
                p(1, 2), r));
        layer("conv_transpose2d_basic", f -> new ConvTranspose2d(f, 2, 3, p(2, 2), p(2, 2), p(0, 0), p(0, 0), 1, true,
                p(1, 1), r));
        layer("maxpool2d_ceil_padded", f -> new MaxPool2d(3, 2, 1, 1, true));
        layer("maxpool2d_dilated", f -> new MaxPool2d(p(2, 3), p(1, 2), p(1, 1), p(2, 1), false));
        layer("maxpool2d_ties", f -> new MaxPool2d(3, 1, 0, 1, false));
        layer("maxpool2d_ties_disjoint", f -> new MaxPool2d(2));
        layer("maxpool1d", f -> new MaxPool1d(3, 2, 1, 2, true));
        layer("avgpool2d_ceil_include_pad", f -> new AvgPool2d(3, 2, 1, true, true));
        layer("avgpool2d_exclude_pad", f -> new AvgPool2d(p(2, 3), p(2, 1), p(1, 1), false, false));
        layer("adaptive_avgpool2d", f -> new AdaptiveAvgPool2d(3, 4));
        layer("adaptive_avgpool2d_global", f -> new AdaptiveAvgPool2d(1, 1));
        layer("batchnorm2d_train", f -> new BatchNorm2d(f, 3, 1e-5, 0.1, true, true));
        layer("batchnorm1d_train_2d", f -> new BatchNorm1d(f, 5, 1e-5, 0.1, true, true));
        layer("batchnorm1d_train_3d", f -> new BatchNorm1d(f, 3, 1e-5, 0.1, true, true));
        layer("layernorm", f -> new LayerNorm(f, p(4, 5), 1e-5, true));
        layer("layernorm_no_affine", f -> new LayerNorm(f, p(6), 1e-5, false));
        layer("groupnorm", f -> new GroupNorm(f, 2, 6, 1e-5, true));
        layer("groupnorm_1d", f -> new GroupNorm(f, 3, 3, 1e-5, true));
        layer("conv2d_reflect", f -> new Conv2d(f, 2, 3, p(3, 3), p(1, 1), Padding.of(1, 2), p(1, 1), 1, true,
                PaddingMode.REFLECT, r));
        layer("conv2d_replicate_strided_groups", f -> new Conv2d(f, 2, 4, p(3, 2), p(2, 2), Padding.of(2), p(1, 1), 2,
                true, PaddingMode.REPLICATE, r));
        layer("conv2d_circular_same_dilated", f -> new Conv2d(f, 2, 2, p(2, 3), p(1, 1), Padding.SAME, p(1, 2), 1, true,
                PaddingMode.CIRCULAR, r));
        layer("conv1d_reflect_same", f -> new Conv1d(f, 3, 2, 4, 1, Padding.SAME, 1, 1, true, PaddingMode.REFLECT, r));
        layer("conv1d_circular_dilated_no_bias", f -> new Conv1d(f, 2, 2, 3, 1, Padding.of(3), 2, 1, false,
                PaddingMode.CIRCULAR, r));
        layer("conv_transpose2d_output_padding_below_dilation", f -> new ConvTranspose2d(f, 2, 3, p(3, 3), p(1, 2),
                p(1, 0), p(1, 1), 1, true, p(2, 1), r));
        layer("conv_transpose2d_output_padding_twice_the_stride", f -> new ConvTranspose2d(f, 2, 2, p(2, 3), p(1, 1),
                p(0, 1), p(2, 2), 1, false, p(3, 3), r));
        layer("avgpool2d_divisor_override_ceil", f -> new AvgPool2d(p(3, 3), p(2, 2), p(1, 1), true, false, 5));
        layer("avgpool2d_divisor_override_rect", f -> new AvgPool2d(p(2, 3), p(1, 2), p(0, 0), false, true, -4));
        for (String stat : new String[] {"_running_mean", "_running_var", "_eval"}) {
            layer("batchnorm2d_3steps" + stat, f -> new BatchNorm2d(f, 3, 1e-5, 0.1, true, true));
            layer("batchnorm2d_3steps_cumulative" + stat, f -> new BatchNorm2d(f, 2, 1e-5, null, true, true));
            layer("batchnorm1d_3steps" + stat, f -> new BatchNorm1d(f, 4, 1e-5, 0.3, true, true));
        }
    }

    private static final String FILE = "/goldens/layers.txt";

    @Test
    void everyGoldenCaseHasALayerAndViceVersa() throws IOException {
        assertEquals(new TreeSet<>(LAYERS.keySet()), GoldenCases.names(LayerGoldenTest.class, FILE));
    }

    @TestFactory
    List<DynamicTest> matchesPyTorch() throws IOException {
        return GoldenCases.perBackend(LayerGoldenTest.class, FILE, LayerGoldenTest::check);
    }

    private static void check(Case c, Backend backend) {
        Module m = LAYERS.get(c.name()).apply(Tensor.on(backend, DType.FLOAT64));
        List<Variable> params = m.parameters();
        try (NoGrad scope = NoGrad.enter()) {
            for (int i = 0; i < params.size(); i++) InPlace.copy(c.inputs().get(1 + i), params.get(i).value());
        }
        boolean steps = c.name().contains("_3steps");
        if (steps) {
            try (NoGrad scope = NoGrad.enter()) {
                for (int i = 1 + params.size(); i < c.inputs().size(); i++) m.apply(Variable.constant(c.inputs().get(i)));
            }
            BatchNorm bn = (BatchNorm) m;
            assertEquals(3.0, bn.numBatchesTracked().item());
            if (c.name().endsWith("_running_mean")) {
                compare(c.name(), c.output(), bn.runningMean());
                return;
            }
            if (c.name().endsWith("_running_var")) {
                compare(c.name(), c.output(), bn.runningVar());
                return;
            }
            m.eval();
        }
        Map<String, Tensor> before = m.stateDict();
        Variable x = Variable.parameter(c.inputs().get(0));
        Variable y = m.apply(x);
        compare(c.name() + " output", c.output(), y.value());
        y.mul(Variable.constant(c.weight())).sum().backward();
        for (var e : c.grads().entrySet()) {
            Tensor grad = e.getKey() == 0 ? x.grad() : params.get(e.getKey() - 1).grad();
            compare(c.name() + " grad of input " + e.getKey(), e.getValue(), grad);
        }
        if (steps) { // eval changes no running statistic
            m.stateDict().forEach((k, v) -> assertEquals(0.0, v.to(DType.FLOAT64).sub(before.get(k).to(DType.FLOAT64))
                    .abs().sum().item(), k));
        }
    }

    private static void compare(String what, Tensor expected, Tensor actual) {
        WORST.compare(what, expected, actual);
    }

    @AfterAll
    static void report() {
        WORST.report();
    }
}
