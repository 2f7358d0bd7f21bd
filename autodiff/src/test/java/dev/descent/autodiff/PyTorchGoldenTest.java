package dev.descent.autodiff;

import dev.descent.core.testing.TestBackends;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.core.testing.GoldenCases;
import dev.descent.core.testing.GoldenCases.Case;
import dev.descent.core.testing.WorstError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Values and gradients against PyTorch, in float64, on both backends: the reference file is written offline by
 * {@code src/test/python/generate_goldens.py}. Each case checks {@code y = f(inputs)} and the gradients of
 * {@code sum(y * w)} to {@code 1e-10} relative, with an absolute floor of {@code 1e-10 * max(1, |ref|)}.
 */
class PyTorchGoldenTest {
    private static final double TOL = 1e-10;
    private static final WorstError WORST = new WorstError("PyTorch goldens", TOL);


    private static final Map<String, Function<Variable[], Variable>> OPS = new HashMap<>();

    private static void op(String name, Function<Variable[], Variable> f) {
        OPS.put(name, f);
    }

    static {
        op("add_broadcast", x -> x[0].add(x[1]));
        op("add_outer", x -> x[0].add(x[1]));
        op("sub_broadcast", x -> x[0].sub(x[1]));
        op("mul_broadcast", x -> x[0].mul(x[1]));
        op("div_broadcast", x -> x[0].div(x[1]));
        op("pow_tensor", x -> x[0].pow(x[1]));
        op("pow_tensor_zero_base", x -> x[0].pow(x[1]));
        op("pow_scalar", x -> x[0].pow(2.5));
        op("pow_scalar_int", x -> x[0].pow(3));
        op("scalar_ops", x -> x[0].add(0.5).mul(3.0).sub(1.5).div(2.0));
        op("neg", x -> x[0].neg());
        op("exp", x -> x[0].exp());
        op("log", x -> x[0].log());
        op("log1p", x -> x[0].log1p());
        op("expm1", x -> x[0].expm1());
        op("sqrt", x -> x[0].sqrt());
        op("sqrt_at_zero", x -> x[0].sqrt());
        op("abs", x -> x[0].abs());
        op("square", x -> x[0].square());
        op("reciprocal", x -> x[0].reciprocal());
        op("sin", x -> x[0].sin());
        op("cos", x -> x[0].cos());
        op("tanh", x -> x[0].tanh());
        op("sigmoid", x -> x[0].sigmoid());
        op("erf", x -> x[0].erf());
        op("relu", x -> x[0].relu());
        op("leaky_relu", x -> x[0].leakyRelu(0.1));
        op("elu", x -> x[0].elu(0.7));
        op("softplus", x -> x[0].softplus());
        op("gelu", x -> x[0].gelu());
        op("gelu_tanh", x -> x[0].geluTanh());
        op("clamp", x -> x[0].clamp(-1, 1));
        op("maximum", x -> x[0].maximum(x[1]));
        op("minimum_broadcast", x -> x[0].minimum(x[1]));
        op("where", x -> Variable.where(Tensor.on(x[0].value().backend(), DType.FLOAT64)
                .of(new double[] {1, 0, 1, 0, 0, 1}, 2, 3), x[0], x[1]));
        op("matmul_2d", x -> x[0].matmul(x[1]));
        op("matmul_vec_mat", x -> x[0].matmul(x[1]));
        op("matmul_mat_vec", x -> x[0].matmul(x[1]));
        op("matmul_dot", x -> x[0].matmul(x[1]));
        op("matmul_batched_broadcast", x -> x[0].matmul(x[1]));
        op("matmul_batched_both", x -> x[0].matmul(x[1]));
        op("matmul_transposed_a", x -> x[0].matmul(x[1], true, false));
        op("matmul_transposed_b", x -> x[0].matmul(x[1], false, true));
        op("sum_all", x -> x[0].sum());
        op("sum_axis", x -> x[0].sum(1));
        op("sum_axes_keepdim", x -> x[0].sum(new int[] {0, 2}, true));
        op("mean_axis", x -> x[0].mean(0));
        op("mean_all", x -> x[0].mean());
        op("amax_ties", x -> x[0].max(1));
        op("amax_all_ties", x -> x[0].max());
        op("amin_axes", x -> x[0].min(new int[] {0, 2}, true));
        op("var_axis", x -> x[0].variance(1));
        op("var_all", x -> x[0].variance());
        op("var_population_keepdim", x -> x[0].variance(new int[] {0}, true, 0));
        op("logsumexp", x -> x[0].logSumExp(1, false));
        op("logsumexp_large", x -> x[0].logSumExp(1, false));
        op("softmax", x -> x[0].softmax(1));
        op("log_softmax", x -> x[0].logSoftmax(0));
        op("log_softmax_large", x -> x[0].logSoftmax(1));
        op("reshape", x -> x[0].reshape(3, 2).mul(Variable.constant(Tensor.on(x[0].value().backend(), DType.FLOAT64)
                .arange(0, 6, 1).reshape(3, 2))));
        op("transpose", x -> x[0].transpose(0, 2));
        op("permute", x -> x[0].permute(2, 0, 1));
        op("squeeze_unsqueeze", x -> x[0].squeeze(1).unsqueeze(0));
        op("expand", x -> x[0].broadcastTo(2, 3, 4));
        op("slice_step", x -> x[0].slice(0, 1, 4, 2));
        op("slice_negative", x -> x[0].slice(1, -2, 3));
        op("cat", x -> Variable.concat(0, x[0], x[1], x[0]));
        op("stack", x -> Variable.stack(1, x[0], x[1]));
        op("index_select", x -> x[0].indexSelect(0, x[1].value()));
        op("gather", x -> x[0].gather(1, x[1].value()));
        op("index_add", x -> x[0].indexAdd(0, x[1].value(), x[2]));
        op("scatter_add", x -> x[0].scatterAdd(1, x[1].value(), x[2]));
        op("mlp_tanh_mse", x -> x[0].matmul(x[1]).add(x[2]).tanh().matmul(x[3]).add(x[4]).sub(x[5]).square().mean());
        op("mlp_relu_cross_entropy", x -> {
            Variable logp = x[0].matmul(x[1]).add(x[2]).relu().matmul(x[3]).add(x[4]).logSoftmax(1);
            return logp.gather(1, x[5].value().unsqueeze(1)).mean().neg();
        });
    }

    private static final String FILE = "/goldens/ops.txt";

    @Test
    void everyGoldenCaseHasADescentFunctionAndViceVersa() throws IOException {
        assertEquals(new TreeSet<>(OPS.keySet()), GoldenCases.names(PyTorchGoldenTest.class, FILE));
    }

    @TestFactory
    List<DynamicTest> matchesPyTorch() throws IOException {
        return GoldenCases.perBackend(PyTorchGoldenTest.class, FILE, (c, backend) -> check(c));
    }

    private static void check(Case c) {
        Function<Variable[], Variable> f = OPS.get(c.name());
        assertNotNull(f, "no Descent function for golden case " + c.name());
        Variable[] x = new Variable[c.inputs().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = c.kinds().get(i).equals("param") ? Variable.parameter(c.inputs().get(i))
                    : Variable.constant(c.inputs().get(i));
        }
        Variable y = f.apply(x);
        compare(c.name() + " output", c.output(), y.value());
        y.mul(Variable.constant(c.weight())).sum().backward();
        for (var e : c.grads().entrySet()) {
            compare(c.name() + " grad of input " + e.getKey(), e.getValue(), x[e.getKey()].grad());
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
