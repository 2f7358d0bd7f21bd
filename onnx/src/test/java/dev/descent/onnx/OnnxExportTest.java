package dev.descent.onnx;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.activations.ELU;
import dev.descent.nn.activations.GELU;
import dev.descent.nn.activations.LeakyReLU;
import dev.descent.nn.activations.LogSoftmax;
import dev.descent.nn.activations.ReLU;
import dev.descent.nn.activations.Sigmoid;
import dev.descent.nn.activations.Softmax;
import dev.descent.nn.activations.Softplus;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Flatten;
import dev.descent.nn.layers.Identity;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.onnx.proto.OnnxProto.ModelProto;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every exportable layer and activation, and custom modules, exported and run in ONNX Runtime on random batches of
 * two sizes, in float32 and float64; each file also passes the structural checks of the spec ({@link SpecRules}).
 */
class OnnxExportTest {
    static final double F32_TOLERANCE = 1e-5;
    static final double F64_TOLERANCE = 1e-10;

    /** A model to export: its name, its input feature shape, and how to build it for a factory. */
    record Case(String name, int[] features, Function<TensorFactory, Module> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Linear linear(TensorFactory f, int in, int out, long seed) {
        return new Linear(f, in, out, true, null, null, new Rng(seed));
    }

    static Module mlp(TensorFactory f, Module activation) {
        return new Sequential(linear(f, 5, 7, 1), activation, linear(f, 7, 3, 2));
    }

    /** A user's module: a residual block with a transposed product, a reduction, a reshape and constants. */
    static final class Residual extends Module {
        final Linear in;
        final Variable mix;
        final Tanh act = register("act", new Tanh());

        Residual(TensorFactory f) {
            in = register("in", linear(f, 5, 4, 3));
            mix = registerParameter("mix", f.normal(new Rng(4), 0, 0.5, 4, 4));
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = act.apply(in.apply(x));
            Variable mixed = h.matmul(mix, false, true).mul(0.5).add(h);
            Variable norm = mixed.square().sum(1, true).add(1.0).sqrt();
            Variable scaled = mixed.div(norm).sub(mixed.max(1, true).sigmoid());
            return scaled.reshape(x.shape().dim(0), 2, 2).permute(0, 2, 1).reshape(x.shape().dim(0), 4).relu()
                    .add(scaled.exp().neg().mul(mixed.abs()));
        }
    }

    /** A user's layer normalisation: mean and variance over the features, then an affine map. */
    static final class Normalised extends Module {
        final Linear in;
        final Variable gain;

        Normalised(TensorFactory f) {
            in = register("in", linear(f, 5, 6, 5));
            gain = registerParameter("gain", f.normal(new Rng(6), 1, 0.1, 6));
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = in.apply(x);
            Variable centered = h.sub(h.mean(1, true));
            return centered.div(h.variance(new int[] {1}, true, 0).add(1e-5).sqrt()).mul(gain);
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("Linear", new int[] {5}, f -> linear(f, 5, 3, 9)));
        c.add(new Case("ReLU", new int[] {5}, f -> mlp(f, new ReLU())));
        c.add(new Case("Tanh", new int[] {5}, f -> mlp(f, new Tanh())));
        c.add(new Case("Sigmoid", new int[] {5}, f -> mlp(f, new Sigmoid())));
        c.add(new Case("Softplus", new int[] {5}, f -> mlp(f, new Softplus())));
        c.add(new Case("LeakyReLU", new int[] {5}, f -> mlp(f, new LeakyReLU(0.1))));
        c.add(new Case("ELU", new int[] {5}, f -> mlp(f, new ELU(0.7))));
        c.add(new Case("GELU", new int[] {5}, f -> mlp(f, new GELU())));
        c.add(new Case("GELU-tanh", new int[] {5}, f -> mlp(f, new GELU(true))));
        c.add(new Case("Softmax", new int[] {5}, f -> new Sequential(mlp(f, new Tanh()), new Softmax(-1))));
        c.add(new Case("LogSoftmax", new int[] {5}, f -> new Sequential(mlp(f, new ReLU()), new LogSoftmax(1))));
        c.add(new Case("Dropout-eval", new int[] {5}, f -> new Sequential(linear(f, 5, 6, 1),
                new Dropout(0.5, new Rng(1)), new ReLU(), linear(f, 6, 2, 2)).eval()));
        c.add(new Case("Flatten", new int[] {2, 3}, f -> new Sequential(new Flatten(), linear(f, 6, 4, 5))));
        c.add(new Case("Identity", new int[] {5}, f -> new Sequential(new Identity(), linear(f, 5, 2, 6), new Identity())));
        c.add(new Case("custom-Residual", new int[] {5}, Residual::new));
        c.add(new Case("custom-Normalised", new int[] {5}, Normalised::new));
        c.add(new Case("custom-nested", new int[] {5}, f -> new Sequential(new Residual(f), linear(f, 4, 3, 8),
                new Softmax(-1))));
        c.addAll(CnnCases.cases());
        return c.stream();
    }

    static Stream<Arguments> casesByDType() {
        return cases().flatMap(c -> Stream.of(Arguments.of(c, DType.FLOAT32), Arguments.of(c, DType.FLOAT64)));
    }

    static Tensor batch(TensorFactory f, int n, int[] features, long seed) {
        int[] dims = new int[features.length + 1];
        dims[0] = n;
        System.arraycopy(features, 0, dims, 1, features.length);
        return f.normal(new Rng(seed), 0, 1.5, dims);
    }

    static Tensor descent(Module m, Tensor x) {
        try (NoGrad scope = NoGrad.enter()) {
            return m.apply(Variable.constant(x)).value();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesByDType")
    void onnxRuntimeReproducesDescent(Case c, DType dtype, @TempDir Path dir) throws Exception {
        TensorFactory f = Tensor.on(Backends.get("ejml"), dtype);
        Module model = c.build().apply(f);
        model.eval();
        Path file = dir.resolve(c.name() + ".onnx");
        Onnx.export(model, batch(f, 3, c.features(), 10), file);
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(file));
        SpecRules.check(proto);
        String float32Only = c.name().equals("GELU") ? "Erf" : CnnCases.ORT_FLOAT32_ONLY.get(c.name());
        if (dtype == DType.FLOAT64 && float32Only != null) {
            // ONNX Runtime 1.23 has no float64 kernel for this operator: the engine's refusal is the documented gap
            var e = assertThrows(ai.onnxruntime.OrtException.class, () -> OrtRunner.run(file, batch(f, 2, c.features(), 1)));
            assertTrue(e.getMessage().contains(float32Only), e.getMessage());
            return;
        }
        double tolerance = dtype == DType.FLOAT64 ? F64_TOLERANCE : F32_TOLERANCE;
        for (int n : new int[] {4, 11}) {
            Tensor x = batch(f, n, c.features(), 20 + n);
            Tensor expected = descent(model, x);
            Tensor actual = OrtRunner.run(file, x);
            assertEquals(expected.shape(), actual.shape(), c.name());
            double err = OrtRunner.relativeError(actual, expected);
            System.out.printf("ORT-vs-Descent %-16s %s batch %2d: relative error %.3g%n", c.name(), dtype, n, err);
            assertTrue(err <= tolerance, c.name() + " " + dtype + " batch " + n + ": relative error " + err);
        }
    }

    @Test
    void parametersAreNamedInitialisersAndTheBatchIsSymbolic() {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT64);
        Module model = mlp(f, new ReLU());
        ModelProto p = Onnx.toModel(model, batch(f, 2, new int[] {5}, 1));
        List<String> names = p.getGraph().getInitializerList().stream().map(t -> t.getName()).toList();
        assertTrue(names.containsAll(List.of("0.weight", "0.bias", "2.weight", "2.bias")), names.toString());
        assertEquals(11, p.getGraph().getInitializer(0).getDataType()); // DOUBLE
        assertEquals("batch", p.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals("batch", p.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(17, p.getOpsetImport(0).getVersion());
        assertEquals(List.of("Gemm", "Relu", "Gemm"), p.getGraph().getNodeList().stream().map(n -> n.getOpType()).toList());
    }

    /** A module using an operation whose argument the graph does not keep. */
    static final class Leaky extends Module {
        final Linear l;

        Leaky(TensorFactory f) {
            l = register("inner", linear(f, 5, 3, 1));
        }

        @Override
        public Variable forward(Variable x) {
            return l.apply(x).leakyRelu(0.2);
        }
    }

    @Test
    void anUnsupportedOperationNamesItAndTheModulePathAndWritesNothing(@TempDir Path dir) {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Module model = new Sequential(linear(f, 5, 5, 1), new Leaky(f));
        Path file = dir.resolve("m.onnx");
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> Onnx.export(model, batch(f, 2, new int[] {5}, 1), file));
        assertTrue(e.getMessage().contains("'leakyRelu'") && e.getMessage().contains("module '1' (Leaky)"), e.getMessage());
        assertFalse(Files.exists(file));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        } catch (java.io.IOException io) {
            throw new AssertionError(io);
        }
    }

    @Test
    void dropoutInTrainingModeIsRefused(@TempDir Path dir) {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Module model = new Sequential(linear(f, 5, 5, 1), new Dropout(0.3, new Rng(2)));
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> Onnx.export(model, batch(f, 2, new int[] {5}, 1), dir.resolve("m.onnx")));
        assertTrue(e.getMessage().contains("Dropout at '1'"), e.getMessage());
    }

    @Test
    void softmaxOnVariablesInsideACustomModuleIsRefusedForItsBatchConstants() {
        TensorFactory f = Tensor.on(Backends.get("ejml"), DType.FLOAT32);
        Module model = new Module() {
            final Linear l = register("l", linear(f, 5, 3, 1));

            @Override
            public Variable forward(Variable x) {
                return l.apply(x).softmax(-1);
            }
        };
        OnnxExportException e = assertThrows(OnnxExportException.class,
                () -> Onnx.toModel(model, batch(f, 3, new int[] {5}, 1)));
        assertTrue(e.getMessage().contains("use the Softmax or LogSoftmax module"), e.getMessage());
    }
}
