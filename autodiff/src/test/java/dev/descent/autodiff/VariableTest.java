package dev.descent.autodiff;

import dev.descent.core.testing.TestBackends;
import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VariableTest {
    private static final TensorFactory F = Tensor.on(dev.descent.core.Backends.get(), DType.FLOAT64);

    private static Variable param(double... v) {
        return Variable.parameter(F.of(v));
    }

    private static void assertValues(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toDoubleArray(), 1e-12);
    }

    @Test
    void handComputedGradientsOfASmallExpression() {
        // loss = (w·x)^2 with w = [0.5, -1], x = [2, 3]: w·x = -2, dloss/dw = 2 (w·x) x = [-8, -12]
        Variable w = param(0.5, -1);
        Variable x = Variable.constant(F.of(new double[] {2, 3}));
        Variable loss = w.mul(x).sum().square();
        assertEquals(4.0, loss.value().item());
        loss.backward();
        assertValues(new double[] {-8, -12}, w.grad());
        assertNull(x.grad());
        assertFalse(x.requiresGrad());
    }

    @Test
    void addSubMulDivTakeAVariableATensorOrANumberAlike() {
        // x = [1, 2, 4], c = [2, 4, 8]: (x + c) + (x - c) + x c + x / c = [4.5, 12.5, 40.5]; d/dx = 2 + c + 1/c
        Tensor c = F.of(new double[] {2, 4, 8});
        Variable x = param(1, 2, 4);
        Variable byTensor = x.add(c).add(x.sub(c)).add(x.mul(c)).add(x.div(c));
        assertValues(new double[] {4.5, 12.5, 40.5}, byTensor.value());
        byTensor.sum().backward();
        assertValues(new double[] {4.5, 6.25, 10.125}, x.grad());

        Variable y = param(1, 2, 4), k = Variable.constant(c);
        Variable byVariable = y.add(k).add(y.sub(k)).add(y.mul(k)).add(y.div(k));
        assertValues(byTensor.value().toDoubleArray(), byVariable.value());
        byVariable.sum().backward();
        assertValues(x.grad().toDoubleArray(), y.grad());

        // a number: (z + 2) + (z - 2) + 2 z + z / 2 = 4.5 z
        Variable z = param(1, 2, 4);
        Variable byNumber = z.add(2.0).add(z.sub(2.0)).add(z.mul(2.0)).add(z.div(2.0));
        assertValues(new double[] {4.5, 9, 18}, byNumber.value());
        byNumber.sum().backward();
        assertValues(new double[] {4.5, 4.5, 4.5}, z.grad());
    }

    @Test
    void aNeuronsGradientsByTheChainRule() {
        // y = sigmoid(a*x + b) at a = 2, x = 0.5, b = -1: z = 0, y = 0.5, dy/dz = 0.25
        Variable a = param(2), b = param(-1);
        Variable y = a.mul(F.of(new double[] {0.5})).add(b).sigmoid().sum();
        y.backward();
        assertValues(new double[] {0.125}, a.grad());
        assertValues(new double[] {0.25}, b.grad());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Variable x = param(3);
        x.square().sum().backward();
        x.square().sum().backward();
        assertValues(new double[] {12}, x.grad());
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(5.0).sum().backward();
        assertValues(new double[] {5}, x.grad());
    }

    @Test
    void aVariableUsedTwiceReceivesBothGradients() {
        Variable x = param(2, -1);
        Variable y = x.mul(x).add(x.mul(3.0)).sum(); // d/dx = 2x + 3
        y.backward();
        assertValues(new double[] {7, 1}, x.grad());
    }

    @Test
    void broadcastInputsReceiveGradientsSummedToTheirShape() {
        Variable m = Variable.parameter(F.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Variable bias = param(10, 20, 30);
        Variable s = Variable.parameter(F.scalar(2));
        m.add(bias).mul(s).sum().backward();
        assertValues(new double[] {2, 2, 2, 2, 2, 2}, m.grad());
        assertValues(new double[] {4, 4, 4}, bias.grad());
        assertValues(new double[] {21 + 2 * 60}, s.grad());
    }

    @Test
    void noGradScopesRecordNothingAndNest() {
        Variable x = param(1, 2);
        try (NoGrad outer = NoGrad.enter()) {
            assertFalse(NoGrad.isRecording());
            try (NoGrad inner = NoGrad.enter()) {
                assertFalse(x.mul(2.0).requiresGrad());
            }
            assertFalse(NoGrad.isRecording());
            try (NoGrad on = NoGrad.enable()) {
                assertTrue(x.mul(2.0).requiresGrad());
            }
            assertFalse(x.exp().requiresGrad());
        }
        assertTrue(NoGrad.isRecording());
        assertTrue(x.exp().requiresGrad());
    }

    @Test
    void noGradIsConfinedToItsThread() throws Exception {
        Variable x = param(1);
        try (NoGrad scope = NoGrad.enter()) {
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                assertTrue(other.submit(() -> x.mul(2.0).requiresGrad()).get());
            } finally {
                other.shutdown();
            }
            assertFalse(x.mul(2.0).requiresGrad());
        }
    }

    @Test
    void detachCutsTheGraph() {
        Variable x = param(3);
        Variable y = x.square().detach().mul(x).sum(); // d/dx (c * x) with c = 9
        y.backward();
        assertValues(new double[] {9}, x.grad());
    }

    @Test
    void aChainOfAHundredThousandOpsDoesNotOverflowTheStack() {
        Variable x = param(0.5);
        Variable y = x;
        for (int i = 0; i < 100_000; i++) y = y.add(1.0e-5);
        y.sum().backward();
        assertValues(new double[] {1}, x.grad());
        assertEquals(1.5, y.value().item(), 1e-9);
    }

    @Test
    void graphsBuiltOnDifferentThreadsDoNotInterfere() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<double[]> job1 = () -> {
                Variable x = param(1, 2, 3);
                for (int i = 0; i < 200; i++) x.mul(x).sum().backward();
                return x.grad().toDoubleArray();
            };
            Callable<double[]> job2 = () -> {
                Variable x = param(-1, 0.5);
                try (NoGrad ignored = NoGrad.enter()) {
                    x.exp();
                }
                for (int i = 0; i < 200; i++) x.exp().sum().backward();
                return x.grad().toDoubleArray();
            };
            List<Future<double[]>> results = pool.invokeAll(List.of(job1, job2));
            assertArrayEquals(new double[] {400, 800, 1200}, results.get(0).get(), 1e-9);
            assertArrayEquals(new double[] {200 * Math.exp(-1), 200 * Math.exp(0.5)}, results.get(1).get(), 1e-9);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void pytorchConventionsAtTheKinks() {
        Variable x = param(0);
        x.relu().sum().backward();
        assertValues(new double[] {0}, x.grad());
        x.zeroGrad();
        x.leakyRelu(0.1).sum().backward();
        assertValues(new double[] {0.1}, x.grad());
        x.zeroGrad();
        x.elu(0.7).sum().backward();
        assertValues(new double[] {0.7}, x.grad());
        x.zeroGrad();
        x.abs().sum().backward();
        assertValues(new double[] {0}, x.grad());
        x.zeroGrad();
        x.sqrt().sum().backward();
        assertEquals(Double.POSITIVE_INFINITY, x.grad().item());
        x.zeroGrad();
        x.clamp(0, 1).sum().backward();
        assertValues(new double[] {1}, x.grad());
        // maximum with equal inputs: half of the gradient to each
        Variable a = param(2, 1), b = param(2, 3);
        a.maximum(b).sum().backward();
        assertValues(new double[] {0.5, 0}, a.grad());
        assertValues(new double[] {0.5, 1}, b.grad());
        // max reduction with ties: the gradient is split evenly among the tied elements
        Variable t = param(3, 1, 3, 3);
        t.max().backward();
        assertValues(new double[] {1.0 / 3, 0, 1.0 / 3, 1.0 / 3}, t.grad());
        Variable m = Variable.parameter(F.of(new double[] {1, 1, 0, 5}, 2, 2));
        m.min(1).sum().backward();
        assertValues(new double[] {0.5, 0.5, 1, 0}, m.grad());
    }

    @Test
    void logSoftmaxStaysFiniteForHugeLogits() {
        Variable logits = Variable.parameter(F.of(new double[] {1000, -1000, 0, 1000}, 2, 2));
        Variable ls = logits.logSoftmax(1);
        assertValues(new double[] {0, -2000, -1000, 0}, ls.value());
        ls.sum().backward();
        // d/dx sum(logSoftmax) = 1 - n softmax: row 1 softmax [1, 0], row 2 [0, 1]
        assertValues(new double[] {-1, 1, 1, -1}, logits.grad());
        assertValues(new double[] {1000, 1000}, logits.logSumExp(1, false).value());
        assertValues(new double[] {1, 0, 0, 1}, logits.softmax(1).value());
    }

    @Test
    void nanProducedInForwardPropagatesIntoGradients() {
        Variable x = param(-1, 4);
        Variable y = x.log(); // log(-1) = NaN
        assertTrue(Double.isNaN(y.value().get(0)));
        y.sum().backward();
        assertEquals(-1.0, x.grad().get(0)); // d log(x)/dx = 1/x is finite even where log is NaN, as in PyTorch
        Variable z = param(-1, 4);
        z.sqrt().mul(z).sum().backward();
        assertTrue(Double.isNaN(z.grad().get(0)));
        assertEquals(3.0, z.grad().get(1), 1e-12);
    }

    @Test
    void secondDerivativesThroughCreateGraph() {
        Variable x = param(1, 2);
        Variable y = x.pow(3).sum();
        Variable dx = Grad.grad(y, List.of(x), true).get(0);
        assertValues(new double[] {3, 12}, dx.value());
        assertTrue(dx.requiresGrad());
        Variable d2x = Grad.grad(dx.sum(), List.of(x), false).get(0);
        assertValues(new double[] {6, 12}, d2x.value());
        assertFalse(d2x.requiresGrad());
        assertNull(x.grad(), "Grad.grad leaves grad() untouched");
        // the same through backward(createGraph): x.grad carries a graph
        Variable w = param(0.5);
        w.tanh().sum().backward(Variable.constant(F.scalar(1)), true);
        Variable g = w.gradVariable();
        assertTrue(g.requiresGrad());
        w.zeroGrad();
        g.sum().backward();
        double t = Math.tanh(0.5);
        assertEquals(-2 * t * (1 - t * t), w.grad().item(), 1e-12);
    }

    @Test
    void withoutCreateGraphTheGradientsCarryNoGraph() {
        Variable x = param(1, 2);
        x.exp().sum().backward();
        assertFalse(x.gradVariable().requiresGrad());
    }

    @Test
    void hooksSeeAndReplaceGradients() {
        Variable x = param(1, 2);
        Variable h = x.mul(3.0);
        double[][] seen = new double[1][];
        h.registerHook(g -> {
            seen[0] = g.value().toDoubleArray();
            return g.clamp(-1, 1);
        });
        h.mul(F.of(new double[] {5, 0.5})).sum().backward();
        assertArrayEquals(new double[] {5, 0.5}, seen[0]);
        assertValues(new double[] {3, 1.5}, x.grad()); // clipped to [1, 0.5] then times 3
        Variable y = param(2);
        y.registerHook(g -> null);
        y.square().sum().backward();
        assertValues(new double[] {4}, y.grad());
    }

    @Test
    void retainGradKeepsANonLeafGradient() {
        Variable x = param(2);
        Variable h = x.square().retainGrad();
        h.mul(3.0).sum().backward();
        assertValues(new double[] {3}, h.grad());
        assertValues(new double[] {12}, x.grad());
    }

    @Test
    void backwardWithAGradientArgument() {
        Variable x = Variable.parameter(F.of(new double[] {1, 2, 3, 4}, 2, 2));
        x.square().backward(F.of(new double[] {1, 0, 0, 2}, 2, 2));
        assertValues(new double[] {2, 0, 0, 16}, x.grad());
    }

    @Test
    void badBackwardCallsAreRejected() {
        Variable x = Variable.parameter(F.of(new double[] {1, 2}));
        IllegalArgumentException nonScalar = assertThrows(IllegalArgumentException.class, () -> x.exp().backward());
        assertEquals("backward: expected a scalar output or an explicit gradient, got output shape (2,)",
                nonScalar.getMessage());
        IllegalStateException noGrad = assertThrows(IllegalStateException.class,
                () -> Variable.constant(F.scalar(1)).exp().backward());
        assertTrue(noGrad.getMessage().contains("does not require grad"));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> x.exp().backward(F.of(new double[] {1, 2, 3})));
        assertTrue(shape.getMessage().contains("(3,)") && shape.getMessage().contains("(2,)"), shape.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> x.exp().backward(Tensor.on(F.backend(), DType.FLOAT32).of(new double[] {1, 2})));
        assertTrue(dtype.getMessage().contains("float32"));
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> x.add(Variable.constant(Tensor.on(TestBackends.foreign(), DType.FLOAT64).zeros(2))));
        assertTrue(mixed.getMessage().startsWith("add: tensors are on different backends"));
        IllegalArgumentException mixedDtype = assertThrows(IllegalArgumentException.class,
                () -> x.mul(Variable.constant(Tensor.on(F.backend(), DType.FLOAT32).zeros(2))));
        assertTrue(mixedDtype.getMessage().startsWith("mul: dtypes differ"));
        IllegalArgumentException intParam = assertThrows(IllegalArgumentException.class,
                () -> Variable.parameter(Tensor.on(F.backend(), DType.INT32).zeros(2)));
        assertTrue(intParam.getMessage().contains("int32"));
        assertThrows(IllegalArgumentException.class, () -> x.matmul(x.reshape(1, 2)));
    }

    /** f(x) = x^3 as a user-defined function with its own backward rule. */
    static final class Cube extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... inputs) {
            return inputs[0].pow(3);
        }

        @Override
        protected Variable[] backward(Context ctx, Variable gradOutput) {
            Variable x = ctx.input(0);
            return new Variable[] {gradOutput.mul(x.square()).mul(3.0)};
        }
    }

    @Test
    void aUserDefinedFunctionIsDifferentiableAndChecked() {
        Variable x = param(-1.5, 0.5, 2);
        Variable y = new Cube().apply(x);
        assertEquals("Cube", y.op());
        y.sum().backward();
        assertValues(new double[] {6.75, 0.75, 12}, x.grad());
        GradCheck.check(in -> new Cube().apply(in[0]).mul(in[0].sin()), x);
        GradCheck.checkSecondOrder(in -> new Cube().apply(in[0]), x);
    }
}
