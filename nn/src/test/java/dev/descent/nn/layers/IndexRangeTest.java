package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.recurrent.LSTM;
import dev.descent.nn.recurrent.RecurrentOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile sizes: a padding, dilation, stride or output size whose index arithmetic would pass 2^31 - 1 is refused
 * with the layer named, instead of wrapping around into a silently wrong output (a dilation of 2^31 - 1 once gave a
 * (1, 1, 7, 3) output for a 5 x 5 input, and such a max pooling a plane of -inf).
 */
class IndexRangeTest {
    private static final TensorFactory F = Tensor.on(Backends.get(), DType.FLOAT64);
    private static final int MAX = Integer.MAX_VALUE;
    private static final Rng R = new Rng(0);

    private static Variable input() {
        return Variable.constant(F.zeros(1, 1, 5, 5));
    }

    private static void refused(String layer, String text, Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(layer) && e.getMessage().contains(text), e.getMessage());
    }

    private static void refusedOnInput(Module m, String layer) {
        refused(layer, "exceeds the int index range 2147483647", () -> m.apply(input()));
    }

    @Test
    void convolutionsRefuseAPaddingOrDilationBeyondTheIntRange() {
        int[] one = {1, 1};
        refusedOnInput(new Conv2d(F, 1, 1, new int[] {3, 3}, one, Padding.of(0), new int[] {MAX, 1}, 1, true, R),
                "Conv2d(");
        refusedOnInput(new Conv2d(F, 1, 1, new int[] {3, 3}, one, Padding.of(MAX), one, 1, true, R), "Conv2d(");
        refused("Conv1d(", "exceeds the int index range", () -> new Conv1d(F, 1, 1, 2, 1, Padding.of(0), MAX, 1, true,
                R).apply(Variable.constant(F.zeros(1, 1, 5))));
        refusedOnInput(new ConvTranspose2d(F, 1, 1, new int[] {2, 2}, new int[] {MAX / 2, 1}, new int[] {0, 0},
                new int[] {0, 0}, 1, true, one, R), "ConvTranspose2d(");
    }

    @Test
    void poolingRefusesADilationOrKernelBeyondTheIntRange() {
        refusedOnInput(new MaxPool2d(new int[] {3, 3}, null, new int[] {1, 1}, new int[] {MAX, 1}, false), "MaxPool2d(");
        refusedOnInput(new AvgPool2d(MAX, 1, MAX / 2, false, true), "AvgPool2d(");
        refused("AdaptiveAvgPool2d(", "would have 4611686014132420609 elements",
                () -> new AdaptiveAvgPool2d(MAX, MAX).apply(input()));
    }

    @Test
    void aStrideNearTheIntRangeInCeilModeGivesOneWindowAsInPyTorch() {
        // PyTorch: MaxPool2d(2, stride=2**31 - 1, ceil_mode=True) on a 5 x 5 input gives one output, the window's max
        Variable x = Variable.constant(F.arange(0, 25, 1).reshape(1, 1, 5, 5));
        Tensor max = new MaxPool2d(2, MAX, 0, 1, true).apply(x).value();
        assertEquals(dev.descent.core.Shape.of(1, 1, 1, 1), max.shape());
        assertEquals(6.0, max.toDoubleArray()[0]);
        Tensor avg = new AvgPool2d(2, MAX, 0, true, true).apply(x).value();
        assertEquals(dev.descent.core.Shape.of(1, 1, 1, 1), avg.shape());
        assertEquals((0 + 1 + 5 + 6) / 4.0, avg.toDoubleArray()[0]);
    }

    @Test
    void recurrentLayersRefuseGateRowsBeyondTheIntRange() {
        refused("LSTM: hidden_size 536870912 gives 2147483648 gate rows", "",
                () -> new LSTM(F, RecurrentOptions.of(2, 1 << 29), R));
    }
}
