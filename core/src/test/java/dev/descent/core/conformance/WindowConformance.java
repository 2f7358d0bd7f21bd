package dev.descent.core.conformance;

import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.Pooling;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.descent.core.testing.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sliding-window kernels of the contract (im2col, col2im, max and average pooling and its adjoint) and the
 * convolution built on them: hand-computed values, agreement with direct loops written here from the definitions
 * (random geometries with stride, padding, dilation, groups, 1-D and size-1 axes, in both float dtypes), the
 * adjoint identities {@code <col2im(c), x> = <c, im2col(x)>}, lowering in chunks, and bad input.
 */
public abstract class WindowConformance extends BackendProperties {
    private static final int CASES = 12;

    private TensorFactory f(DType dt) {
        return Tensor.on(backend(), dt);
    }

    private Tensor random(DType dt, long seed, int... dims) {
        return f(dt).uniform(new Rng(seed), -1, 1, dims);
    }

    private static double tol(DType dt) {
        return dt == DType.FLOAT32 ? 2e-5 : 1e-12;
    }

    // ------------------------------------------------------------------ lowering

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void im2colLaysOutEachTapAsARow(DType dt) {
        // x = 1..9 as 3x3, kernel 2x2, stride 1, padding 0: four 2x2 windows
        Tensor x = f(dt).arange(1, 10, 1).reshape(1, 1, 3, 3);
        Window w = new Window(1, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2, 2);
        Storage col = backend().allocate(dt, 16);
        backend().im2col(storage(x), 0, w, 1, col);
        assertArrayEquals(new double[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, values(col), 0);
        // padding 1, stride 2: the corners of the padded 5x5 input, zeros outside
        Window p = new Window(1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2);
        backend().im2col(storage(x), 0, p, 1, col);
        assertArrayEquals(new double[] {0, 0, 0, 5, 0, 0, 4, 6, 0, 2, 0, 8, 1, 3, 7, 9}, values(col), 0);
        // col2im of ones counts how many windows read each element
        Storage ones = backend().allocate(dt, 16);
        backend().fill(ones, 1);
        Storage back = backend().allocate(dt, 9);
        backend().col2im(ones, w, 1, back, 0);
        assertArrayEquals(new double[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, values(back), 0);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void im2colMatchesTheDefinitionAndCol2imIsItsAdjoint(DType dt) {
        Rng rng = new Rng(11);
        for (int c = 0; c < CASES; c++) {
            Window w = randomWindow(rng, c % 3 == 0);
            int images = 1 + rng.nextInt(3), skip = rng.nextInt(2);
            int inSize = (skip + images) * w.channels() * w.planeSize();
            int colSize = images * w.columnRows() * w.outSize();
            Tensor x = random(dt, 100 + c, inSize);
            Storage col = backend().allocate(dt, colSize + 3);
            backend().im2col(storage(x), skip * w.channels() * w.planeSize(), w, images, col);
            double[] expected = naiveIm2col(x.toDoubleArray(), skip * w.channels() * w.planeSize(), w, images);
            double[] got = java.util.Arrays.copyOf(values(col), colSize);
            assertArrayEquals(expected, got, 0, w + " images " + images);
            // <col2im(c), x> = <c, im2col(x)>
            Tensor cvals = random(dt, 200 + c, colSize + 3);
            Storage folded = backend().allocate(dt, inSize);
            backend().fill(folded, 7); // overwritten, apart from the images before the offset
            backend().col2im(storage(cvals), w, images, folded, skip * w.channels() * w.planeSize());
            double[] fx = values(folded), xv = x.toDoubleArray(), cv = cvals.toDoubleArray();
            double lhs = 0, rhs = 0;
            for (int i = skip * w.channels() * w.planeSize(); i < inSize; i++) lhs += fx[i] * xv[i];
            for (int i = 0; i < colSize; i++) rhs += cv[i] * expected[i];
            assertEquals(rhs, lhs, tol(dt) * (1 + Math.abs(rhs)) * colSize, w.toString());
            for (int i = 0; i < skip * w.channels() * w.planeSize(); i++) assertEquals(7, fx[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void stride1TapsThatReadWholeRowsLowerAndFoldAsTheDefinitionSays(DType dt) {
        // the middle column of a "same" 3x3 kernel, and a dilated 3x1 kernel padded in height only: each tap reads
        // whole input rows, which the kernels copy (and fold back) as one run
        Window[] windows = {new Window(2, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 5, 4),
            new Window(1, 6, 3, 3, 1, 1, 1, 2, 0, 2, 1, 6, 3)};
        for (Window w : windows) {
            int images = 2, inSize = images * w.channels() * w.planeSize(), colSize = images * w.columnRows() * w.outSize();
            Tensor x = random(dt, 31, inSize);
            Storage col = backend().allocate(dt, colSize);
            backend().im2col(storage(x), 0, w, images, col);
            double[] expected = naiveIm2col(x.toDoubleArray(), 0, w, images);
            assertArrayEquals(expected, values(col), 0, w.toString());
            Tensor cvals = random(dt, 32, colSize);
            Storage folded = backend().allocate(dt, inSize);
            backend().col2im(storage(cvals), w, images, folded, 0);
            double[] want = new double[inSize], cv = cvals.toDoubleArray();
            double[] unit = new double[inSize];
            for (int i = 0; i < inSize; i++) {   // col2im's entry i is <c, im2col(e_i)>
                unit[i] = 1;
                double[] lowered = naiveIm2col(unit, 0, w, images);
                for (int j = 0; j < colSize; j++) want[i] += cv[j] * lowered[j];
                unit[i] = 0;
            }
            assertArrayEquals(want, values(folded), tol(dt) * 10, w.toString());
        }
    }

    /** A random window: 1-D (height 1) or 2-D, with strides, dilations, paddings and size-1 axes. */
    private static Window randomWindow(Rng rng, boolean oneD) {
        int ch = 1 + rng.nextInt(3);
        int h = oneD ? 1 : 1 + rng.nextInt(6), wd = 1 + rng.nextInt(7);
        int kh = oneD ? 1 : 1 + rng.nextInt(3), kw = 1 + rng.nextInt(3);
        int sh = 1 + rng.nextInt(2), sw = 1 + rng.nextInt(3), dh = 1 + rng.nextInt(2), dw = 1 + rng.nextInt(2);
        int ph = oneD ? 0 : rng.nextInt(3), pw = rng.nextInt(3);
        int oh = (h + 2 * ph - dh * (kh - 1) - 1), ow = (wd + 2 * pw - dw * (kw - 1) - 1);
        if (oh < 0 || ow < 0) return randomWindow(rng, oneD);
        return new Window(ch, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oh / sh + 1, ow / sw + 1);
    }

    private static double[] naiveIm2col(double[] x, int xo, Window w, int images) {
        double[] col = new double[images * w.columnRows() * w.outSize()];
        int r = 0;
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < w.channels(); c++) {
                for (int ki = 0; ki < w.kernelH(); ki++) {
                    for (int kj = 0; kj < w.kernelW(); kj++, r++) {
                        for (int oy = 0; oy < w.outH(); oy++) {
                            for (int ox = 0; ox < w.outW(); ox++) {
                                int iy = oy * w.strideH() - w.padH() + ki * w.dilationH();
                                int ix = ox * w.strideW() - w.padW() + kj * w.dilationW();
                                boolean in = iy >= 0 && iy < w.height() && ix >= 0 && ix < w.width();
                                col[r * w.outSize() + oy * w.outW() + ox] = in
                                        ? x[xo + ((n * w.channels() + c) * w.height() + iy) * w.width() + ix] : 0;
                            }
                        }
                    }
                }
            }
        }
        return col;
    }

    // ------------------------------------------------------------------ convolution

    /** {@code conv2d} from its definition, in double. */
    private static double[] naiveConv(double[] x, Shape xs, double[] w, Shape ws, double[] b, Convolution.Options o,
                                      Shape out) {
        int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
        int oc = ws.dim(0), cg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3), og = oc / o.groups();
        double[] y = new double[out.size()];
        int i = 0;
        for (int img = 0; img < n; img++) {
            for (int k = 0; k < oc; k++) {
                int g = k / og;
                for (int oy = 0; oy < out.dim(2); oy++) {
                    for (int ox = 0; ox < out.dim(3); ox++, i++) {
                        double s = b == null ? 0 : b[k];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int iy = oy * o.strideH() - o.padTop() + ki * o.dilationH();
                                    int ix = ox * o.strideW() - o.padLeft() + kj * o.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    s += w[((k * cg + ci) * kh + ki) * kw + kj]
                                            * x[((img * c + g * cg + ci) * h + iy) * wd + ix];
                                }
                            }
                        }
                        y[i] = s;
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void conv2dMatchesTheDefinitionAndItsGradientsAreItsAdjoints(DType dt) {
        Rng rng = new Rng(5);
        for (int t = 0; t < CASES; t++) {
            int groups = 1 + rng.nextInt(2), cg = 1 + rng.nextInt(2), og = 1 + rng.nextInt(3);
            int n = 1 + rng.nextInt(3), h = 1 + rng.nextInt(6), wd = 1 + rng.nextInt(6);
            int kh = 1 + rng.nextInt(Math.min(3, h + 1)), kw = 1 + rng.nextInt(3);
            boolean same = t % 4 == 3;
            Convolution.Options o = same
                    ? Convolution.Options.same(kh, kw, 1 + rng.nextInt(2), 1, groups)
                    : new Convolution.Options(1 + rng.nextInt(2), 1 + rng.nextInt(3), rng.nextInt(2), rng.nextInt(2),
                    rng.nextInt(3), rng.nextInt(2), 1 + rng.nextInt(2), 1 + rng.nextInt(2), groups);
            Shape xs = Shape.of(n, groups * cg, h, wd), ws = Shape.of(groups * og, cg, kh, kw);
            if (o.outHeight(h, kh) < 1 || o.outWidth(wd, kw) < 1) {
                Tensor x = random(dt, t, xs.dims()), w = random(dt, t + 1, ws.dims());
                assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, w, null, o));
                continue;
            }
            Tensor x = random(dt, 10 * t, xs.dims()), w = random(dt, 10 * t + 1, ws.dims());
            Tensor b = random(dt, 10 * t + 2, ws.dim(0));
            Tensor y = Convolution.conv2d(x, w, t % 2 == 0 ? b : null, o);
            double[] expected = naiveConv(x.toDoubleArray(), xs, w.toDoubleArray(), ws,
                    t % 2 == 0 ? b.toDoubleArray() : null, o, y.shape());
            assertTensor(y, y.shape(), expected, tol(dt) * 10);
            if (same) assertEquals(Shape.of(n, ws.dim(0), h, wd), y.shape());
            // <g, conv(x, w)> = <inputGrad(g, w), x> = <weightGrad(x, g), w>
            Tensor g = random(dt, 10 * t + 3, y.shape().dims());
            Tensor plain = Convolution.conv2d(x, w, null, o);
            double gy = dot(g, plain);
            Tensor dx = Convolution.inputGrad(g, w, o, h, wd), dw = Convolution.weightGrad(x, g, o, kh, kw);
            assertEquals(xs, dx.shape());
            assertEquals(ws, dw.shape());
            double scale = tol(dt) * 10 * (1 + Math.abs(gy)) * y.size();
            assertEquals(gy, dot(dx, x), scale, o + " " + xs + " " + ws);
            assertEquals(gy, dot(dw, w), scale, o + " " + xs + " " + ws);
        }
    }

    @Test
    void convolutionLowersTheBatchInChunksWithTheSameValues() {
        // 3 images of 360,000 lowered elements each: one chunk per image (2^16 elements per chunk at most)
        DType dt = DType.FLOAT64;
        int n = 3, side = 600, plane = side * side;
        Tensor x = random(dt, 1, n, 1, side, side), w = random(dt, 2, 2, 1, 1, 1), b = random(dt, 3, 2);
        Convolution.Options o = Convolution.Options.of(1, 0, 1, 1);
        Tensor y = Convolution.conv2d(x, w, b, o);
        Tensor last = Convolution.conv2d(x.slice(0, n - 1, n), w, b, o);
        assertArrayEquals(last.toDoubleArray(), y.slice(0, n - 1, n).toDoubleArray(), 1e-15);
        Tensor g = random(dt, 4, y.shape().dims());
        Tensor dw = Convolution.weightGrad(x, g, o, 1, 1);
        // a 1x1 convolution's weight gradient is the sum over images and positions of g * x
        double[] xv = x.toDoubleArray(), gv = g.toDoubleArray();
        for (int k = 0; k < 2; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) for (int p = 0; p < plane; p++) s += gv[(i * 2 + k) * plane + p] * xv[i * plane + p];
            assertEquals(s, dw.get(k, 0, 0, 0), 1e-9 * Math.abs(s) + 1e-9);
        }
        Tensor dx = Convolution.inputGrad(g, w, o, side, side);
        assertArrayEquals(Convolution.inputGrad(g.slice(0, n - 1, n), w, o, side, side).toDoubleArray(),
                dx.slice(0, n - 1, n).toDoubleArray(), 1e-15);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void chunksOfSeveralImagesGiveTheValuesOfOneImageAtATime(DType dt) {
        // 28,800 lowered elements per image (18 rows of 40 x 40 positions): two images per chunk of at most 2^16, so
        // a batch of 6 is three chunks of two, a batch of 5 two chunks of two and one of one
        Shape ws = Shape.of(4, 1, 3, 3);
        Convolution.Options o = Convolution.Options.of(1, 1, 1, 2);
        Tensor w = random(dt, 71, ws.dims()), b = random(dt, 72, 4);
        for (int n : new int[] {6, 5}) {
            Shape xs = Shape.of(n, 2, 40, 40);
            Tensor x = random(dt, 73 + n, xs.dims());
            Tensor y = Convolution.conv2d(x, w, b, o);
            assertTensor(y, Shape.of(n, 4, 40, 40), naiveConv(x.toDoubleArray(), xs, w.toDoubleArray(), ws,
                    b.toDoubleArray(), o, y.shape()), tol(dt) * 10);
            Tensor g = random(dt, 80 + n, y.shape().dims());
            Tensor dx = Convolution.inputGrad(g, w, o, 40, 40), dw = Convolution.weightGrad(x, g, o, 3, 3);
            double[] sum = new double[ws.size()];
            for (int i = 0; i < n; i++) {
                Tensor gi = g.slice(0, i, i + 1), xi = x.slice(0, i, i + 1);
                assertArrayEquals(Convolution.inputGrad(gi, w, o, 40, 40).toDoubleArray(),
                        dx.slice(0, i, i + 1).toDoubleArray(), tol(dt) * 10, "image " + i + " of " + n);
                double[] dwi = Convolution.weightGrad(xi, gi, o, 3, 3).toDoubleArray();
                for (int k = 0; k < sum.length; k++) sum[k] += dwi[k];
            }
            double[] got = dw.toDoubleArray();
            for (int k = 0; k < sum.length; k++) {
                assertEquals(sum[k], got[k], tol(dt) * 100 * (1 + Math.abs(sum[k])), "weight " + k + " of " + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void aOneByOneConvolutionWithoutPaddingMatchesTheDefinitionInEveryGroup(DType dt) {
        // the lowering of a 1x1 kernel with stride 1 and no padding is the images themselves
        Shape xs = Shape.of(3, 4, 3, 5), ws = Shape.of(6, 2, 1, 1);
        Convolution.Options o = Convolution.Options.of(1, 0, 3, 2);
        Tensor x = random(dt, 61, xs.dims()), w = random(dt, 62, ws.dims()), b = random(dt, 63, 6);
        Tensor y = Convolution.conv2d(x, w, b, o);
        assertTensor(y, Shape.of(3, 6, 3, 5), naiveConv(x.toDoubleArray(), xs, w.toDoubleArray(), ws,
                b.toDoubleArray(), o, y.shape()), tol(dt) * 10);
        Tensor g = random(dt, 64, y.shape().dims());
        double gy = dot(g, Convolution.conv2d(x, w, null, o)), scale = tol(dt) * 10 * (1 + Math.abs(gy)) * y.size();
        assertEquals(gy, dot(Convolution.inputGrad(g, w, o, 3, 5), x), scale);
        assertEquals(gy, dot(Convolution.weightGrad(x, g, o, 1, 1), w), scale);
        // and a padded 1x1 convolution, which is lowered, agrees with it inside
        Tensor padded = Convolution.conv2d(x, w, b, Convolution.Options.of(1, 1, 1, 2));
        assertArrayEquals(y.toDoubleArray(), padded.slice(2, 1, 4).slice(3, 1, 6).toDoubleArray(), tol(dt) * 10);
    }

    @Test
    void convolutionRejectsBadShapesNamingExpectedAndActual() {
        Tensor x = random(DType.FLOAT64, 1, 2, 4, 5, 5);
        var o = Convolution.Options.of(1, 0, 1, 2);
        String groups = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(x, random(DType.FLOAT64, 2, 3, 2, 3, 3), null, o)).getMessage();
        assertTrue(groups.contains("groups 2") && groups.contains("3"), groups);
        String big = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x,
                random(DType.FLOAT64, 2, 2, 2, 6, 3), null, o)).getMessage();
        assertTrue(big.contains("larger than the padded input (5, 5)"), big);
        String channels = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x,
                random(DType.FLOAT64, 2, 2, 1, 3, 3), null, o)).getMessage();
        assertTrue(channels.contains("expected input with 2 channels") && channels.contains("got 4"), channels);
        String rank = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x.reshape(2, 4, 25),
                random(DType.FLOAT64, 2, 2, 2, 3, 3), null, o)).getMessage();
        assertTrue(rank.contains("4-D input") && rank.contains("(2, 4, 25)"), rank);
    }

    // ------------------------------------------------------------------ pooling

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void maxPoolTakesTheFirstMaximalIndexAndLetsNanWin(DType dt) {
        Tensor x = f(dt).of(new double[] {
            1, 3, 3, 0,
            2, 0, 1, 5,
            4, 4, Double.NaN, 1,
            4, 0, 2, 2}, 1, 1, 4, 4);
        Pooling.Max m = Pooling.maxPool2d(x, Pooling.Options.of(2, 2, 0, 1, false));
        assertTensor(m.values(), new double[] {3, 5, 4, Double.NaN}, 1, 1, 2, 2);
        assertArrayEquals(new int[] {1, 7, 8, 10}, m.indices().toIntArray());
        // padding 1, stride 2, ceil mode: windows over the padded 6x6 input; taps in the padding are skipped
        Pooling.Max p = Pooling.maxPool2d(x.slice(2, 0, 2), Pooling.Options.of(2, 2, 1, 1, true));
        assertEquals(Shape.of(1, 1, 2, 3), p.values().shape());
        assertTensor(p.values(), new double[] {1, 3, 0, 2, 1, 5}, 1, 1, 2, 3);
        assertArrayEquals(new int[] {0, 1, 3, 4, 6, 7}, p.indices().toIntArray());
        // dilation 2 over a 1-D row (height 1): taps 0, 2 then 2, 4
        Tensor row = f(dt).of(new double[] {5, 9, 5, 9, 6}, 1, 1, 5);
        Pooling.Max d = Pooling.maxPool2d(row, new Pooling.Options(1, 2, 1, 2, 0, 0, 1, 2, false));
        assertTensor(d.values(), new double[] {5, 6}, 1, 1, 2);
        assertArrayEquals(new int[] {0, 4}, d.indices().toIntArray());
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void avgPoolDividesByTheCountedTapsAndItsAdjointSpreadsTheGradient(DType dt) {
        Tensor x = f(dt).arange(1, 10, 1).reshape(1, 3, 3);
        Pooling.Options o = Pooling.Options.of(2, 2, 1, 1, false);
        // windows over the padded input: corners hold one real tap each
        assertTensor(Pooling.avgPool2d(x, o, true), new double[] {0.25, 1.25, 2.75, 7}, 1, 2, 2);
        assertTensor(Pooling.avgPool2d(x, o, false), new double[] {1, 2.5, 5.5, 7}, 1, 2, 2);
        // ceil mode: the last window ends beyond the padded input, so even count_include_pad counts fewer taps
        Pooling.Options c = Pooling.Options.of(2, 2, 0, 1, true);
        assertTensor(Pooling.avgPool2d(x, c, true), new double[] {3, 4.5, 7.5, 9}, 1, 2, 2);
        Tensor g = f(dt).of(new double[] {4, 2, 2, 1}, 1, 2, 2);
        assertTensor(Pooling.avgPool2dAdjoint(g, c, true, 3, 3), new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 3, 3);
        assertTensor(Pooling.avgPool2dAdjoint(g, o, true, 3, 3), new double[] {1, 0.5, 0.5, 0.5, 0.25, 0.25,
                0.5, 0.25, 0.25}, 1, 3, 3);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void halvingMaxPoolKeepsTheFirstMaximalIndexOnTiesAndNans(DType dt) {
        // 2x2 windows with stride 2 over values with many ties (-0 and +0 among them) and a few NaNs; an odd width
        // drops its last column
        int planes = 6, h = 6, wd = 7, oh = 3, ow = 3;
        Rng rng = new Rng(17);
        double[] xv = new double[planes * h * wd];
        double[] ties = {-0.0, 0.0, 1, 2};
        for (int i = 0; i < xv.length; i++) xv[i] = rng.nextInt(9) == 0 ? Double.NaN : ties[rng.nextInt(4)];
        Tensor x = f(dt).of(xv, 2, 3, h, wd);
        Pooling.Max m = Pooling.maxPool2d(x, Pooling.Options.of(2, 2, 0, 1, false));
        double[] values = m.values().toDoubleArray();
        int[] indices = m.indices().toIntArray();
        for (int p = 0, o = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, o++) {
                    double max = Double.NEGATIVE_INFINITY;
                    int at = 2 * oy * wd + 2 * ox;
                    for (int y = 2 * oy; y < 2 * oy + 2; y++) {
                        for (int xx = 2 * ox; xx < 2 * ox + 2; xx++) {
                            double v = xv[(p * h + y) * wd + xx];
                            if (v > max || Double.isNaN(v)) {
                                max = v;
                                at = y * wd + xx;
                            }
                        }
                    }
                    assertEquals(at, indices[o], "window " + o);
                    assertEquals(0, Double.compare(max, values[o]), "window " + o + ": " + max + " (the first "
                            + "maximal tap's, its zero's sign too), got " + values[o]);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void poolingMatchesTheDefinitionOnRandomWindows(DType dt) {
        Rng rng = new Rng(3);
        for (int t = 0; t < CASES; t++) {
            int kh = 1 + rng.nextInt(3), kw = 1 + rng.nextInt(3);
            Pooling.Options o = new Pooling.Options(kh, kw, 1 + rng.nextInt(3), 1 + rng.nextInt(2),
                    rng.nextInt(kh / 2 + 1), rng.nextInt(kw / 2 + 1), 1, 1, t % 2 == 1);
            int h = kh + rng.nextInt(4), wd = kw + rng.nextInt(4);
            Tensor x = random(dt, 50 + t, 2, 1 + rng.nextInt(2), h, wd);
            double[] xv = x.toDoubleArray();
            boolean include = t % 3 != 0;
            Tensor avg = Pooling.avgPool2d(x, o, include);
            Pooling.Max max = Pooling.maxPool2d(x, o);
            int oh = avg.dim(-2), ow = avg.dim(-1), planes = x.size() / (h * wd);
            double[] ea = new double[planes * oh * ow], em = new double[ea.length];
            for (int p = 0, i = 0; p < planes; p++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, i++) {
                        int y0 = oy * o.strideH() - o.padH(), x0 = ox * o.strideW() - o.padW();
                        double s = 0, m = Double.NEGATIVE_INFINITY;
                        int inside = 0, padded = 0;
                        for (int y = y0; y < y0 + kh; y++) {
                            for (int xx = x0; xx < x0 + kw; xx++) {
                                if (y < h + o.padH() && xx < wd + o.padW()) padded++;
                                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                                inside++;
                                s += xv[(p * h + y) * wd + xx];
                                m = Math.max(m, xv[(p * h + y) * wd + xx]);
                            }
                        }
                        ea[i] = s / (include ? padded : inside);
                        em[i] = m;
                    }
                }
            }
            assertTensor(avg, avg.shape(), ea, tol(dt));
            assertTensor(max.values(), avg.shape(), em, 0);
            assertArrayEquals(max.values().toDoubleArray(),
                    x.reshape(planes, h * wd).gather(1, max.indices().reshape(planes, oh * ow)).toDoubleArray(), 0);
            // <avgPoolAdjoint(g), x> = <g, avgPool(x)>
            Tensor g = random(dt, 90 + t, avg.shape().dims());
            Tensor back = Pooling.avgPool2dAdjoint(g, o, include, h, wd);
            assertEquals(dot(g, avg), dot(back, x), tol(dt) * 10 * (1 + g.size()), o.toString());
            // <maxPool2dAdjoint(g), x> = <g, maxPool(x)>, and it is the scatter-add of g at the indices
            Tensor maxBack = Pooling.maxPool2dAdjoint(g, max.indices(), h, wd);
            assertEquals(x.shape(), maxBack.shape());
            assertEquals(dot(g, max.values()), dot(maxBack, x), tol(dt) * 10 * (1 + g.size()), o.toString());
            Tensor scattered = x.zerosLike().reshape(planes, h * wd)
                    .scatterAdd(1, max.indices().reshape(planes, oh * ow), g.reshape(planes, oh * ow));
            assertArrayEquals(scattered.toDoubleArray(), maxBack.toDoubleArray(), 0);
        }
    }

    @Test
    void poolingRejectsBadWindowsNamingExpectedAndActual() {
        Tensor x = random(DType.FLOAT64, 1, 1, 3, 3);
        String big = assertThrows(IllegalArgumentException.class,
                () -> Pooling.maxPool2d(x, Pooling.Options.of(3, 1, 0, 2, false))).getMessage();
        assertTrue(big.contains("larger than the padded input (3, 3)"), big);
        String pad = assertThrows(IllegalArgumentException.class, () -> Pooling.Options.of(2, 1, 2, 1, false))
                .getMessage();
        assertTrue(pad.contains("at most half the kernel") && pad.contains("padding (2, 2)"), pad);
        String dil = assertThrows(IllegalArgumentException.class,
                () -> Pooling.avgPool2d(x, Pooling.Options.of(2, 1, 0, 2, false), true)).getMessage();
        assertTrue(dil.contains("dilation must be 1"), dil);
        String rank = assertThrows(IllegalArgumentException.class,
                () -> Pooling.maxPool2d(x.reshape(3, 3), Pooling.Options.of(2, 1, 0, 1, false))).getMessage();
        assertTrue(rank.contains("(3, 3)"), rank);
    }

    // ------------------------------------------------------------------ helpers

    private static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray(), y = b.toDoubleArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    /** A storage of this backend holding {@code values} (converted to {@code dt}), written through the SPI. */
    protected abstract Storage store(DType dt, double... values);

    /** The values of a floating storage of this backend, read through the SPI. */
    protected abstract double[] values(Storage s);

    /** A copy of {@code t}'s values in a storage of this backend. */
    private Storage storage(Tensor t) {
        return store(t.dtype(), t.toDoubleArray());
    }
}
