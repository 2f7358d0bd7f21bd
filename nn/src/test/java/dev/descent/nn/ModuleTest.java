package dev.descent.nn;

import dev.descent.core.testing.TestBackends;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.DefaultDType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.io.SafetensorsFormatException;
import dev.descent.core.spi.Backend;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleTest {
    private static final Backend DEFAULT = Backends.get();
    private static final Backend OTHER = TestBackends.all().get(TestBackends.all().size() - 1);

    /** A model with a nested Sequential, as users write them. */
    static final class Net extends Module {
        final Sequential layers;
        final Linear head;

        Net(TensorFactory f, Rng rng) {
            layers = register("layers", new Sequential(new Linear(f, 3, 4, true, null, null, rng), new Tanh()));
            head = register("head", new Linear(f, 4, 2, false, null, null, rng));
        }

        @Override
        public Variable forward(Variable x) {
            return head.apply(layers.apply(x));
        }
    }

    private static Net net(Backend b, DType dt, long seed) {
        return new Net(Tensor.on(b, dt), new Rng(seed));
    }

    @Test
    void linearWithoutAFactoryFollowsTheDefaultDtype() {
        Linear f32 = new Linear(2, 3, new Rng(0));
        assertTrue(f32.parameters().stream().allMatch(p -> p.dtype() == DType.FLOAT32));
        try (DefaultDType scope = DefaultDType.scope(DType.FLOAT64)) {
            Linear f64 = new Linear(2, 3, new Rng(0));
            assertTrue(f64.parameters().stream().allMatch(p -> p.dtype() == DType.FLOAT64));
            // the same draws, rounded to float32 in the float32 layer only
            assertEquals(f32.parameters().get(0).value().get(0, 1), (float) f64.parameters().get(0).value().get(0, 1));
        }
    }

    @Test
    void parametersHaveStableDottedNamesAndCounts() {
        Net n = net(DEFAULT, DType.FLOAT32, 1);
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "head.weight"), List.copyOf(n.namedParameters().keySet()));
        assertEquals(3 * 4 + 4 + 4 * 2, n.parameterCount());
        assertEquals(3, n.parameters().size());
        String summary = n.toString();
        assertTrue(summary.contains("(layers): Sequential"), summary);
        assertTrue(summary.contains("(0): Linear(in=3, out=4, bias=true)  [16 params: weight(3, 4) bias(4,)]"), summary);
        assertTrue(summary.contains("(head): Linear(in=4, out=2, bias=false)"), summary);
        assertTrue(summary.endsWith("Total parameters: 24"), summary);
    }

    @Test
    void linearComputesXWPlusBWithWStoredInByOut() {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        Linear layer = new Linear(f, 2, 3, true, (fac, shape, in, out, rng) -> fac.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3),
                (fac, shape, in, out, rng) -> fac.of(new double[] {0.5, 0, -0.5}), new Rng(0));
        Variable z = layer.apply(Variable.constant(f.of(new double[] {1, 1, 2, -1}, 2, 2)));
        // [1, 1]·W = [5, 7, 9] + b; [2, -1]·W = [-2, -1, 0] + b
        assertArrayEquals(new double[] {5.5, 7, 8.5, -1.5, -1, -0.5}, z.value().toDoubleArray(), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.apply(Variable.constant(f.zeros(2, 3))));
        assertEquals("Linear.forward: expected input (..., 2), got (2, 3)", e.getMessage());
    }

    @Test
    void linearDefaultInitIsPytorchsUniformAndTheSameOnEveryBackend() {
        Linear a = new Linear(Tensor.on(DEFAULT, DType.FLOAT32), 400, 50, true, null, null, new Rng(9));
        Linear b = new Linear(Tensor.on(OTHER, DType.FLOAT32), 400, 50, true, null, null, new Rng(9));
        assertArrayEquals(a.weight().value().toFloatArray(), b.weight().value().toFloatArray());
        assertArrayEquals(a.bias().value().toFloatArray(), b.bias().value().toFloatArray());
        double bound = 1 / Math.sqrt(400);
        Tensor w = a.weight().value();
        assertTrue(w.max().item() < bound && w.min().item() >= -bound);
        assertEquals(bound, w.max().item(), bound * 0.01);
        assertEquals(bound * bound / 3, w.to(DType.FLOAT64).variance().item(), bound * bound / 3 * 0.03);
        Linear again = new Linear(Tensor.on(DEFAULT, DType.FLOAT32), 400, 50, true, null, null, new Rng(9));
        assertArrayEquals(a.weight().value().toFloatArray(), again.weight().value().toFloatArray());
    }

    @Test
    void trainAndEvalPropagateAndZeroGradClears() {
        Net n = net(DEFAULT, DType.FLOAT64, 2);
        assertTrue(n.layers.get(0).isTraining());
        n.eval();
        assertFalse(n.layers.get(0).isTraining());
        assertFalse(n.head.isTraining());
        n.train();
        assertTrue(n.layers.get(1).isTraining());
        n.apply(Variable.constant(Tensor.on(DEFAULT, DType.FLOAT64).ones(2, 3))).sum().backward();
        assertTrue(n.parameters().stream().allMatch(p -> p.grad() != null));
        n.zeroGrad();
        assertTrue(n.parameters().stream().allMatch(p -> p.grad() == null));
    }

    @Test
    void forwardHooksAndTraceExposePreActivationsAndActivations() throws Exception {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        Rng rng = new Rng(4);
        Sequential s = new Sequential(new Linear(f, 2, 3, true, null, null, rng), new ReLU(),
                new Linear(f, 3, 1, true, null, null, rng), new Sigmoid());
        Variable x = Variable.constant(f.of(new double[] {0.5, -1, 2, 1}, 2, 2));
        List<Sequential.Step> steps = s.trace(x);
        assertEquals(4, steps.size());
        Tensor z1 = steps.get(0).output().value(), a1 = steps.get(1).output().value();
        assertTrue(a1.equal(z1.relu()));
        assertTrue(steps.get(3).output().value().allClose(steps.get(2).output().value().sigmoid(), 0, 0));
        assertTrue(steps.get(3).output().value().equal(s.apply(x).value()));
        List<String> seen = new ArrayList<>();
        try (AutoCloseable handle = s.get(1).registerForwardHook((m, in, out) -> {
            seen.add(m.getClass().getSimpleName());
            assertTrue(out.value().equal(in.value().relu()));
        })) {
            s.apply(x);
        }
        s.apply(x);
        assertEquals(List.of("ReLU"), seen, "the hook runs once, then is removed");
    }

    @Test
    void evalModeServesConcurrentCallersWithCorrectResults() throws Exception {
        Rng rng = new Rng(5);
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT32);
        Sequential model = new Sequential(new Linear(f, 20, 64, true, null, null, rng), new ReLU(),
                new Dropout(0.5, rng.split()), new Linear(f, 64, 3, true, null, null, rng));
        model.eval();
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Tensor x = f.normal(new Rng(100 + i), 0, 1, 8, 20);
            inputs.add(x);
            try (NoGrad g = NoGrad.enter()) {
                expected.add(model.apply(Variable.constant(x)).value());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int rep = 0; rep < 8; rep++) {
                for (int i = 0; i < inputs.size(); i++) {
                    int k = i;
                    results.add(pool.submit(() -> {
                        try (NoGrad g = NoGrad.enter()) {
                            return model.apply(Variable.constant(inputs.get(k))).value().equal(expected.get(k));
                        }
                    }));
                }
            }
            for (Future<Boolean> r : results) assertTrue(r.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void dropoutScalesSurvivorsInTrainingAndIsTheIdentityInEval() {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        Dropout d = new Dropout(0.25, new Rng(3));
        Variable x = Variable.constant(f.ones(200, 100));
        double[] y = d.apply(x).value().toDoubleArray();
        long zeros = java.util.Arrays.stream(y).filter(v -> v == 0).count();
        assertEquals(0.25, zeros / 20000.0, 0.01);
        assertTrue(java.util.Arrays.stream(y).allMatch(v -> v == 0 || v == 1 / 0.75));
        assertEquals(1.0, java.util.Arrays.stream(y).average().orElseThrow(), 0.015);
        double[] again = new Dropout(0.25, new Rng(3)).apply(x).value().toDoubleArray();
        assertArrayEquals(y, again, "one seed, one mask");
        d.eval();
        assertTrue(d.apply(x) == x);
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, new Rng(0)));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, new Rng(0)));
        Variable p = Variable.parameter(f.ones(4));
        Dropout half = new Dropout(0.5, new Rng(8));
        Variable out = half.apply(p);
        out.sum().backward();
        assertArrayEquals(out.value().toDoubleArray(), p.grad().toDoubleArray(), "the gradient follows the mask");
    }

    @Test
    void dropoutOfOneZeroesEverythingAsPyTorchDoes() {
        TensorFactory f = Tensor.on(DEFAULT, DType.FLOAT64);
        Variable p = Variable.parameter(f.of(new double[] {1, -2, 3, Double.NaN}, 4));
        Variable out = new Dropout(1.0, new Rng(1)).apply(p);
        // PyTorch: input * 0, so finite values give 0 (the sign of zero aside) and NaN stays NaN
        double[] y = out.value().toDoubleArray();
        assertEquals(0.0, Math.abs(y[0]));
        assertEquals(0.0, Math.abs(y[1]));
        assertEquals(0.0, Math.abs(y[2]));
        assertTrue(Double.isNaN(y[3]));
        out.sum().backward();
        assertArrayEquals(new double[] {0, 0, 0, 0}, p.grad().toDoubleArray());
        Variable image = Variable.constant(f.ones(2, 3, 4, 4));
        double[] z = new dev.descent.nn.layers.Dropout2d(1.0, new Rng(2)).apply(image).value().toDoubleArray();
        assertTrue(java.util.Arrays.stream(z).allMatch(v -> v == 0));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void saveAndLoadRoundTripOnBothBackends(DType dt, @TempDir Path dir) throws IOException {
        for (Backend b : TestBackends.all()) {
            Net source = net(b, dt, 10), target = net(b, dt, 11);
            Path file = dir.resolve(b.name() + dt + ".safetensors");
            source.save(file);
            assertFalse(target.layers.get(0).parameters().get(0).value().equal(source.layers.get(0).parameters().get(0).value()));
            target.load(file);
            for (String name : source.namedParameters().keySet()) {
                assertTrue(source.namedParameters().get(name).value().equal(target.namedParameters().get(name).value()), name);
            }
            Variable x = Variable.constant(Tensor.on(b, dt).normal(new Rng(1), 0, 1, 5, 3));
            assertTrue(source.apply(x).value().equal(target.apply(x).value()));
        }
    }

    @Test
    void aFailedLoadLeavesTheModelExactlyAsItWas(@TempDir Path dir) throws IOException {
        Net n = net(DEFAULT, DType.FLOAT32, 3);
        Map<String, Tensor> before = n.stateDict();
        Map<String, Tensor> wrongShape = new LinkedHashMap<>(net(DEFAULT, DType.FLOAT32, 4).stateDict());
        wrongShape.put("head.weight", Tensor.on(DEFAULT, DType.FLOAT32).zeros(2, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.loadStateDict(wrongShape));
        assertEquals("loadStateDict: 'head.weight' is float32 (2, 4), expected float32 (4, 2)", e.getMessage());
        Map<String, Tensor> missing = new LinkedHashMap<>(net(DEFAULT, DType.FLOAT32, 4).stateDict());
        missing.remove("layers.0.bias");
        missing.put("extra", Tensor.on(DEFAULT, DType.FLOAT32).zeros(1));
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> n.loadStateDict(missing));
        assertTrue(m.getMessage().contains("missing 'layers.0.bias'") && m.getMessage().contains("unexpected 'extra'"));
        Map<String, Tensor> wrongType = new LinkedHashMap<>(net(DEFAULT, DType.FLOAT64, 4).stateDict());
        assertThrows(IllegalArgumentException.class, () -> n.loadStateDict(wrongType));
        Path corrupt = dir.resolve("corrupt.safetensors");
        net(DEFAULT, DType.FLOAT32, 4).save(corrupt);
        byte[] bytes = Files.readAllBytes(corrupt);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThrows(SafetensorsFormatException.class, () -> n.load(corrupt));
        for (var entry : before.entrySet()) {
            assertTrue(entry.getValue().equal(n.namedParameters().get(entry.getKey()).value()), entry.getKey());
        }
    }

    @Test
    void loadsAPytorchModelAndComputesItsOutputs() throws IOException {
        TensorFactory f = Tensor.on(OTHER, DType.FLOAT64);
        Rng rng = new Rng(0);
        Sequential model = new Sequential(new Linear(f, 3, 4, true, null, null, rng), new ReLU(),
                new Linear(f, 4, 2, true, null, null, rng));
        Path file = Path.of("src/test/resources/interop/torch_mlp.safetensors");
        model.loadFromPyTorch(file);
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/interop/torch_mlp_output.txt"));
        double[] x = java.util.Arrays.stream(lines.get(0).split(" ")).mapToDouble(Double::parseDouble).toArray();
        double[] y = java.util.Arrays.stream(lines.get(1).split(" ")).mapToDouble(Double::parseDouble).toArray();
        Variable out = model.apply(Variable.constant(f.of(x, 2, 3)));
        assertArrayEquals(y, out.value().toDoubleArray(), 1e-14);
        // and back: the PyTorch layout holds (out, in) weights
        Path exported = Files.createTempFile("descent", ".safetensors");
        try {
            model.saveForPyTorch(exported);
            var contents = dev.descent.core.io.Safetensors.read(exported, OTHER);
            assertEquals(List.of(4, 3), List.of(contents.tensors().get("0.weight").dim(0), contents.tensors().get("0.weight").dim(1)));
            assertTrue(contents.tensors().get("0.weight").equal(model.namedParameters().get("0.weight").value().transpose()));
            assertEquals("pt", contents.metadata().get("format"));
        } finally {
            Files.deleteIfExists(exported);
        }
    }

    @Test
    void randomGeneratorsAreRegisteredForCheckpoints() {
        Rng dropoutRng = new Rng(12);
        Sequential s = new Sequential(new Linear(Tensor.on(DEFAULT), 2, 2, true, null, null, new Rng(0)), new ReLU(),
                new Dropout(0.5, dropoutRng));
        assertEquals(List.of("2.rng"), List.copyOf(s.namedGenerators().keySet()));
        assertTrue(s.namedGenerators().get("2.rng") == dropoutRng);
    }

    @Test
    void registrationErrors() {
        Module m = new Module() {
            {
                registerParameter("w", Tensor.on(DEFAULT, DType.FLOAT32).zeros(1));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("w", Tensor.on(DEFAULT, DType.FLOAT32).zeros(1)));
                assertThrows(IllegalArgumentException.class, () -> register("a.b", new ReLU()));
            }

            @Override
            public Variable forward(Variable input) {
                return input;
            }
        };
        assertEquals(1, m.parameters().size());
        assertThrows(IllegalArgumentException.class, () -> new Linear(Tensor.on(DEFAULT), 0, 3, true, null, null, new Rng(0)));
    }

    @Test
    void optimiserStyleInPlaceUpdatesAreSeenByTheModel() {
        Net n = net(DEFAULT, DType.FLOAT64, 6);
        Variable x = Variable.constant(Tensor.on(DEFAULT, DType.FLOAT64).ones(1, 3));
        Tensor before = n.apply(x).value();
        try (NoGrad g = NoGrad.enter()) {
            for (Variable p : n.parameters()) InPlace.fill(p.value(), 0);
        }
        assertNotEquals(0.0, before.abs().sum().item());
        assertEquals(0.0, n.apply(x).value().abs().sum().item());
    }
}
