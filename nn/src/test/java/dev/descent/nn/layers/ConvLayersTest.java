package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.TestBackends;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ReLU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution, pooling and normalisation layers beyond their PyTorch goldens: default initialisation, state-dict
 * names and layouts, a PyTorch CNN loaded from safetensors, train and eval modes, and the messages of bad input.
 */
class ConvLayersTest {
    private static final TensorFactory F64 = Tensor.on(TestBackends.all().get(0), DType.FLOAT64);

    private static int[] p(int... v) {
        return v;
    }

    @Test
    void convolutionsInitialiseAsPyTorchWithinOneOverRootFanIn() {
        Conv2d conv = new Conv2d(F64, 6, 8, p(3, 5), p(1, 1), Padding.of(0), p(1, 1), 2, true, new Rng(1));
        assertEquals(Shape.of(8, 3, 3, 5), conv.weight().shape());
        double bound = 1 / Math.sqrt(3 * 3 * 5); // fan_in = C_in / groups * kH * kW
        Tensor w = conv.weight().value(), b = conv.bias().value();
        assertTrue(w.abs().max().item() <= bound && b.abs().max().item() <= bound);
        assertTrue(w.abs().max().item() > 0.9 * bound, "uses the whole range"); // 360 draws
        // a uniform on [-bound, bound] has variance bound^2 / 3
        double var = w.square().mean().item();
        assertEquals(bound * bound / 3, var, 0.25 * bound * bound / 3);
        ConvTranspose2d t = new ConvTranspose2d(F64, 4, 6, p(2, 2), p(2, 2), p(0, 0), p(0, 0), 2, true, p(1, 1),
                new Rng(2));
        assertEquals(Shape.of(4, 3, 2, 2), t.weight().shape()); // (in, out / groups, kH, kW)
        assertTrue(t.weight().value().abs().max().item() <= 1 / Math.sqrt(3 * 4));
        BatchNorm2d bn = new BatchNorm2d(F64, 3, 1e-5, 0.1, true, true);
        assertArrayEquals(new double[] {1, 1, 1}, bn.weight().value().toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0}, bn.bias().value().toDoubleArray());
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.stateDict().keySet()));
        assertEquals(DType.INT32, bn.stateDict().get("num_batches_tracked").dtype());
        assertEquals(Shape.scalar(), bn.stateDict().get("num_batches_tracked").shape());
    }

    /** PyTorch's small CNN: conv, batch norm, ReLU, max pool, grouped conv, batch norm, ReLU, avg pool, linear. */
    private static Module torchCnn(TensorFactory f) {
        Rng r = new Rng(3);
        return new dev.descent.nn.layers.Sequential(
                new Conv2d(f, 1, 4, p(3, 3), p(1, 1), Padding.of(1), p(1, 1), 1, true, r),
                new BatchNorm2d(f, 4, 1e-5, 0.1, true, true), new ReLU(), new MaxPool2d(2),
                new Conv2d(f, 4, 6, p(3, 3), p(1, 1), Padding.of(1), p(1, 1), 2, true, r),
                new BatchNorm2d(f, 6, 1e-5, 0.1, true, true), new ReLU(), new AvgPool2d(2),
                new Flatten(), new dev.descent.nn.layers.Linear(f, 24, 3, true, null, null, r));
    }

    @Test
    void aPyTorchCnnLoadsFromSafetensorsAndReproducesItsOutputsInFloat32() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/interop/torch_cnn_output.txt"));
        double[] x = Arrays.stream(lines.get(0).split(" ")).mapToDouble(Double::parseDouble).toArray();
        double[] y = Arrays.stream(lines.get(1).split(" ")).mapToDouble(Double::parseDouble).toArray();
        for (Backend backend : TestBackends.all()) {
            TensorFactory f = Tensor.on(backend, DType.FLOAT32);
            Module model = torchCnn(f);
            model.loadFromPyTorch(TORCH_CNN);
            assertEquals(3.0, model.stateDict().get("1.num_batches_tracked").item());
            assertEquals(DType.INT32, model.stateDict().get("5.num_batches_tracked").dtype());
            model.eval();
            double[] out = model.apply(Variable.constant(f.of(x, 2, 1, 8, 8))).value().toDoubleArray();
            for (int i = 0; i < y.length; i++) {
                assertEquals(y[i], out[i], 1e-6 * Math.max(1, Math.abs(y[i])), backend.name() + " output " + i);
            }
        }
    }

    private static final Path TORCH_CNN = Path.of("src/test/resources/interop/torch_cnn.safetensors");

    /** Each tensor's header entry (dtype and shape) and its data bytes, by name, from a safetensors file. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> entries(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int n = (int) java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, Object> header = (Map<String, Object>) dev.descent.core.io.Json.parse(
                new String(bytes, 8, n, java.nio.charset.StandardCharsets.UTF_8).strip());
        Map<String, String> out = new java.util.TreeMap<>();
        header.forEach((name, v) -> {
            if (name.equals("__metadata__")) return;
            Map<String, Object> e = (Map<String, Object>) v;
            List<Object> at = (List<Object>) e.get("data_offsets");
            int begin = 8 + n + ((Number) at.get(0)).intValue(), end = 8 + n + ((Number) at.get(1)).intValue();
            out.put(name, e.get("dtype") + " " + e.get("shape") + " "
                    + java.util.HexFormat.of().formatHex(bytes, begin, end));
        });
        return out;
    }

    @Test
    void aPyTorchCnnWrittenBackHasPyTorchsDtypesShapesAndBytesIncludingI64BatchCounts(@org.junit.jupiter.api.io.TempDir
                                                                                       Path dir) throws IOException {
        Module model = torchCnn(Tensor.on(TestBackends.all().get(0), DType.FLOAT32));
        model.loadFromPyTorch(TORCH_CNN);
        Path back = dir.resolve("back.safetensors");
        model.saveForPyTorch(back);
        Map<String, String> torch = entries(TORCH_CNN), descent = entries(back);
        assertEquals("I64 [] 0300000000000000", torch.get("1.num_batches_tracked"), "torch writes int64");
        assertEquals(torch, descent);
    }

    @Test
    void batchNormUpdatesRunningStatisticsOnlyInTraining() {
        BatchNorm2d bn = new BatchNorm2d(F64, 2, 1e-5, 0.1, true, true);
        Tensor x = F64.uniform(new Rng(4), -1, 3, 4, 2, 3, 3);
        bn.apply(Variable.constant(x));
        double[] mean = bn.runningMean().toDoubleArray();
        double batchMean0 = x.slice(1, 0, 1).mean().item();
        assertEquals(0.1 * batchMean0, mean[0], 1e-12);
        double unbiased0 = x.slice(1, 0, 1).variance().item(); // divisor n - 1
        assertEquals(0.9 + 0.1 * unbiased0, bn.runningVar().get(0), 1e-12);
        Map<String, Tensor> before = bn.stateDict();
        bn.eval();
        Variable y = bn.apply(Variable.constant(x));
        assertEquals(before.get("running_mean").toDoubleArray()[0], bn.runningMean().get(0));
        assertEquals(1.0, bn.numBatchesTracked().item());
        // eval normalises with the running statistics
        double expected = (x.get(0, 0, 0, 0) - mean[0]) / Math.sqrt(bn.runningVar().get(0) + 1e-5);
        assertEquals(expected, y.value().get(0, 0, 0, 0), 1e-12);
        // without running statistics, eval uses the batch's
        BatchNorm2d plain = new BatchNorm2d(F64, 2, 1e-5, 0.1, false, false);
        plain.eval();
        assertEquals(List.of(), List.copyOf(plain.stateDict().keySet()));
        Tensor z = plain.apply(Variable.constant(x)).value();
        assertEquals(0.0, z.slice(1, 1, 2).mean().item(), 1e-12);
    }

    /**
     * After many training batches of one distribution, eval mode (set on the parent, as a trainer's evaluation does)
     * normalises with the running statistics, which by then are the data's: its output matches the training-mode
     * output on a large batch. Wrong statistics in eval (stale, biased, the batch's), a mode not propagated to the
     * children or running statistics that do not track would each break it.
     */
    @Test
    void evalOutputAfterTrainingMatchesTheBatchStatisticsOfTheSameDistribution() {
        Rng r = new Rng(12);
        Conv2d conv = new Conv2d(F64, 2, 3, p(3, 3), p(1, 1), Padding.of(1), p(1, 1), 1, true, r);
        BatchNorm2d bn = new BatchNorm2d(F64, 3, 1e-5, 0.1, true, true);
        Sequential model = new Sequential(conv, bn, new ReLU());
        Tensor shift = F64.of(new double[] {3, -1}).reshape(1, 2, 1, 1), scale = F64.of(new double[] {2, 0.5})
                .reshape(1, 2, 1, 1);
        for (int step = 0; step < 120; step++) {
            model.apply(Variable.constant(F64.normal(r, 0, 1, 16, 2, 5, 5).mul(scale).add(shift)));
        }
        assertEquals(120.0, bn.numBatchesTracked().item());
        Tensor big = F64.normal(r, 0, 1, 512, 2, 5, 5).mul(scale).add(shift);
        Tensor trainMode = model.apply(Variable.constant(big)).value();
        model.eval();
        assertTrue(!bn.isTraining() && !conv.isTraining(), "eval reaches every child");
        Tensor before = bn.runningMean().copy();
        Tensor evalMode = model.apply(Variable.constant(big)).value();
        assertTrue(bn.runningMean().equal(before), "eval changes no statistics");
        Tensor alone = model.apply(Variable.constant(big.slice(0, 0, 2).add(1))).value();
        Tensor inBatch = model.apply(Variable.constant(big.add(1))).value().slice(0, 0, 2);
        assertArrayEquals(inBatch.toDoubleArray(), alone.toDoubleArray(), 1e-12, "eval normalises each sample alone, "
                + "with the running statistics, not the batch's");
        double spread = trainMode.sub(trainMode.mean()).abs().mean().item();
        double gap = evalMode.sub(trainMode).abs().mean().item();
        assertTrue(gap < 0.05 * spread, "eval output differs from the batch-statistics output by " + gap
                + " (typical size " + spread + ")");
        model.train();
        assertTrue(bn.isTraining(), "train reaches every child");
    }

    @Test
    void dropout2dZeroesWholeChannelsAndScalesTheRest() {
        Dropout2d drop = new Dropout2d(0.5, new Rng(5));
        Tensor x = F64.ones(8, 16, 3, 3);
        Tensor y = drop.apply(Variable.constant(x)).value();
        int zero = 0;
        for (int n = 0; n < 8; n++) {
            for (int c = 0; c < 16; c++) {
                Tensor plane = y.slice(0, n, n + 1).slice(1, c, c + 1);
                double lo = plane.min().item(), hi = plane.max().item();
                assertEquals(lo, hi, "one value per channel");
                assertTrue(hi == 0 || hi == 2, "kept channels scale by 1 / (1 - p)");
                if (hi == 0) zero++;
            }
        }
        assertTrue(zero > 40 && zero < 88, zero + " of 128 channels dropped");
        drop.eval();
        assertTrue(drop.apply(Variable.constant(x)).value().equal(x));
    }

    private static String message(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    @Test
    void badInputNamesTheLayerAndTheExpectedAndActualValues() {
        Rng r = new Rng(6);
        Conv2d conv = new Conv2d(F64, 3, 4, p(5, 5), p(1, 1), Padding.of(0), p(1, 1), 1, true, r);
        String rank = message(() -> conv.apply(Variable.constant(F64.zeros(3, 8))));
        assertTrue(rank.startsWith("Conv2d(3, 4") && rank.contains("expected input (N, 3, H, W)")
                && rank.contains("got (3, 8)"), rank);
        String channels = message(() -> conv.apply(Variable.constant(F64.zeros(2, 2, 8, 8))));
        assertTrue(channels.startsWith("Conv2d(3, 4") && channels.contains("expected input with 3 channels, got 2"),
                channels);
        String big = message(() -> conv.apply(Variable.constant(F64.zeros(1, 3, 4, 9))));
        assertTrue(big.startsWith("Conv2d(3, 4") && big.contains("kernel [5, 5]")
                && big.contains("larger than the padded input [4, 9]"), big);
        String groups = message(() -> new Conv2d(F64, 6, 4, p(3, 3), p(1, 1), Padding.of(0), p(1, 1), 4, true, r));
        assertTrue(groups.equals("Conv2d: groups 4 must divide in_channels 6 and out_channels 4"), groups);
        String gn = message(() -> new GroupNorm(F64, 4, 6, 1e-5, true));
        assertTrue(gn.contains("GroupNorm: num_groups 4 must divide num_channels 6"), gn);
        BatchNorm2d bn = new BatchNorm2d(F64, 3, 1e-5, 0.1, true, true);
        String one = message(() -> bn.apply(Variable.constant(F64.zeros(1, 3, 1, 1))));
        assertTrue(one.startsWith("BatchNorm2d(3") && one.contains("more than 1 value per channel")
                && one.contains("(1, 3, 1, 1)"), one);
        assertEquals(0.0, bn.numBatchesTracked().item(), "nothing half-applied");
        String bnChannels = message(() -> bn.apply(Variable.constant(F64.zeros(2, 4, 2, 2))));
        assertTrue(bnChannels.contains("with 3 channels, got (2, 4, 2, 2)"), bnChannels);
        String pool = message(() -> new MaxPool2d(3).apply(Variable.constant(F64.zeros(1, 1, 2, 5))));
        assertTrue(pool.startsWith("MaxPool2d(") && pool.contains("larger than the padded input (2, 5)"), pool);
        String poolRank = message(() -> new AvgPool2d(2).apply(Variable.constant(F64.zeros(4, 4))));
        assertTrue(poolRank.startsWith("AvgPool2d(") && poolRank.contains("got (4, 4)"), poolRank);
        String pad = message(() -> new MaxPool2d(2, 2, 2, 1, false));
        assertTrue(pad.startsWith("MaxPool2d: ") && pad.contains("at most half the kernel"), pad);
        String same = message(() -> new Conv2d(F64, 1, 1, p(3, 3), p(2, 2), Padding.SAME, p(1, 1), 1, true, r));
        assertTrue(same.contains("padding 'same' needs stride 1"), same);
        String ln = message(() -> new LayerNorm(F64, p(4, 5), 1e-5, true).apply(Variable.constant(F64.zeros(2, 5, 4))));
        assertTrue(ln.startsWith("LayerNorm(") && ln.contains("expected input (..., 4, 5), got (2, 5, 4)"), ln);
        // torch: "output padding must be smaller than either stride or dilation" (1 is allowed below dilation 2)
        String op = message(() -> new ConvTranspose2d(F64, 1, 1, p(3, 3), p(1, 1), p(0, 0), p(2, 0), 1, true, p(2, 1),
                r));
        assertEquals("ConvTranspose2d: output_padding must be >= 0 and smaller than either the stride [1, 1] or the "
                + "dilation [2, 1] on each axis, got [2, 0]", op);
        String small = message(() -> new ConvTranspose2d(F64, 1, 1, p(2, 2), p(1, 1), p(3, 0), p(1, 0), 1, true,
                p(2, 1), r).apply(Variable.constant(F64.zeros(1, 1, 2, 2))));
        assertTrue(small.startsWith("ConvTranspose2d(") && small.contains("would be (-1, 3)"), small);
        assertEquals("AvgPool2d: divisor_override must not be zero", message(() -> new AvgPool2d(p(2, 2), null, p(0, 0),
                false, true, 0)));
    }

    @Test
    void unflattenSplitsOneAxis() {
        Tensor x = F64.arange(0, 24, 1).reshape(2, 12);
        Tensor y = new Unflatten(1, 3, 2, 2).apply(Variable.constant(x)).value();
        assertEquals(Shape.of(2, 3, 2, 2), y.shape());
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray(), 0);
        assertEquals(Shape.of(2, 4, 3), new Unflatten(-1, 4, 3).apply(Variable.constant(x)).value().shape());
        String bad = message(() -> new Unflatten(1, 5, 2).apply(Variable.constant(x)));
        assertTrue(bad.startsWith("Unflatten(dim=1") && bad.contains("10 elements, got (2, 12)"), bad);
    }

    @Test
    void unbatchedInputsGiveUnbatchedOutputs() {
        Conv2d conv = new Conv2d(F64, 2, 3, p(3, 3), p(1, 1), Padding.SAME, p(1, 1), 1, true, new Rng(7));
        Tensor x = F64.uniform(new Rng(8), -1, 1, 2, 5, 4);
        Tensor y = conv.apply(Variable.constant(x)).value();
        assertEquals(Shape.of(3, 5, 4), y.shape());
        assertArrayEquals(conv.apply(Variable.constant(x.unsqueeze(0))).value().toDoubleArray(), y.toDoubleArray(), 0);
    }
}
