package dev.descent.nn.layers;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolution padding modes by hand: a 1x1 identity kernel returns the padded input itself, so each mode's padding
 * is read off the output; the bounds PyTorch puts on reflect and circular padding are refused with the layer named.
 * (The PyTorch goldens of {@code LayerGoldenTest} cover strides, groups, dilation, 'same' and the gradients.)
 */
class PaddingModeTest {
    private static final TensorFactory F = Tensor.on(Backends.get(), DType.FLOAT64);

    private static Conv1d identity(int padding, PaddingMode mode) {
        Conv1d c = new Conv1d(F, 1, 1, 1, 1, Padding.of(padding), 1, 1, false, mode, new Rng(0));
        try (NoGrad scope = NoGrad.enter()) {
            InPlace.fill(c.weight().value(), 1);
        }
        return c;
    }

    private static double[] padded(PaddingMode mode, int padding, double... row) {
        return identity(padding, mode).apply(Variable.constant(F.of(row, 1, 1, row.length))).value().toDoubleArray();
    }

    @Test
    void eachModePadsWithTheValuesPyTorchUses() {
        // torch.nn.functional.pad(torch.tensor([[[1., 2, 3, 4]]]), (2, 2), mode) for each mode
        assertArrayEquals(new double[] {0, 0, 1, 2, 3, 4, 0, 0}, padded(PaddingMode.ZEROS, 2, 1, 2, 3, 4));
        assertArrayEquals(new double[] {3, 2, 1, 2, 3, 4, 3, 2}, padded(PaddingMode.REFLECT, 2, 1, 2, 3, 4));
        assertArrayEquals(new double[] {1, 1, 1, 2, 3, 4, 4, 4}, padded(PaddingMode.REPLICATE, 2, 1, 2, 3, 4));
        assertArrayEquals(new double[] {3, 4, 1, 2, 3, 4, 1, 2}, padded(PaddingMode.CIRCULAR, 2, 1, 2, 3, 4));
        assertArrayEquals(new double[] {1, 2, 1, 2, 1, 2}, padded(PaddingMode.CIRCULAR, 2, 1, 2));
    }

    @Test
    void theGradientOfAPaddedValueGoesBackToItsSource() {
        Conv1d c = identity(2, PaddingMode.REFLECT);
        Variable x = Variable.parameter(F.of(new double[] {1, 2, 3, 4}, 1, 1, 4));
        c.apply(x).sum().backward();
        // reflect (2, 2) of a b c d is c b | a b c d | c b: b and c appear twice more
        assertArrayEquals(new double[] {1, 3, 3, 1}, x.grad().toDoubleArray());
    }

    @Test
    void paddingBeyondWhatTheModeAllowsIsRefused() {
        var reflect = assertThrows(IllegalArgumentException.class, () -> padded(PaddingMode.REFLECT, 2, 1, 2));
        assertTrue(reflect.getMessage().startsWith("Conv1d(1, 1, kernel_size=[1]") && reflect.getMessage().contains(
                "padding_mode 'reflect' needs padding smaller than the input's size along each axis, got padding (2, 2)"
                        + " for size 2 of input (1, 1, 2)"), reflect.getMessage());
        var circular = assertThrows(IllegalArgumentException.class, () -> padded(PaddingMode.CIRCULAR, 3, 1, 2));
        assertTrue(circular.getMessage().contains("padding_mode 'circular' needs padding at most"),
                circular.getMessage());
        Conv2d conv = new Conv2d(F, 1, 1, new int[] {3, 3}, new int[] {1, 1}, Padding.of(2, 1), new int[] {1, 1}, 1,
                true, PaddingMode.REFLECT, new Rng(0));
        var height = assertThrows(IllegalArgumentException.class, () -> conv.apply(Variable.constant(F.zeros(1, 1, 2,
                5))));
        assertTrue(height.getMessage().contains("got padding (2, 2) for size 2 of input (1, 1, 2, 5)"),
                height.getMessage());
        assertTrue(conv.toString().startsWith("Conv2d(1, 1, kernel_size=[3, 3], stride=[1, 1], padding=[2, 1], "
                + "dilation=[1, 1], groups=1, bias=true, padding_mode='reflect')"), conv.toString());
    }
}
