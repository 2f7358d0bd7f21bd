package dev.descent.autodiff.check;

import dev.descent.autodiff.Grad;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares the gradients computed by backward with central finite differences, as PyTorch's {@code gradcheck}:
 * every element of the Jacobian of {@code f} with respect to every input that requires a gradient, in float64,
 * with PyTorch's defaults {@code eps = 1e-6}, {@code atol = 1e-5}, {@code rtol = 1e-3}; an element passes when
 * {@code |analytic - numeric| <= atol + rtol * |numeric|}. A failure throws {@link GradCheckFailure} whose message
 * names the input, the worst element, and the analytic and numeric values.
 *
 * <pre>{@code
 * Variable x = Variable.parameter(Tensor.of(DType.FLOAT64, new double[] {0.3, -1.2}));   // float64 for differences
 * GradCheck.check(in -> in[0].tanh().mul(in[0]), x);            // first derivatives
 * GradCheck.checkSecondOrder(in -> in[0].tanh().mul(in[0]), x); // second derivatives
 * GradCheck.defaults().atol(1e-3).rtol(1e-2).allowFloat32().check(f, x32);
 * }</pre>
 *
 * <p>Inputs that do not require a gradient (data, INT32 indices) are passed through unchanged. Float32 inputs
 * are an error unless {@link #allowFloat32()} is set, because float32 differences are too coarse for the default
 * tolerances.
 */
public final class GradCheck {
    /** The function under test: the same inputs, in order, on every call. */
    @FunctionalInterface
    public interface Fn {
        Variable apply(Variable... inputs);
    }

    private static final GradCheck DEFAULTS = new GradCheck(1e-6, 1e-5, 1e-3, false);

    private final double eps, atol, rtol;
    private final boolean float32;

    private GradCheck(double eps, double atol, double rtol, boolean float32) {
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
        this.float32 = float32;
    }

    /** The default settings, to adjust with {@link #eps}, {@link #atol}, {@link #rtol}, {@link #allowFloat32}. */
    public static GradCheck defaults() {
        return DEFAULTS;
    }

    public GradCheck eps(double value) {
        return new GradCheck(positive("eps", value), atol, rtol, float32);
    }

    public GradCheck atol(double value) {
        return new GradCheck(eps, nonNegative("atol", value), rtol, float32);
    }

    public GradCheck rtol(double value) {
        return new GradCheck(eps, atol, nonNegative("rtol", value), float32);
    }

    /** Accepts float32 inputs; set looser tolerances (and a larger eps) with it. */
    public GradCheck allowFloat32() {
        return new GradCheck(eps, atol, rtol, true);
    }

    /** First derivatives with the default settings; returns the report or throws {@link GradCheckFailure}. */
    public static GradCheckReport check(Fn f, Variable... inputs) {
        return DEFAULTS.verify(f, inputs);
    }

    /** Second derivatives with the default settings (see {@link #verifySecondOrder}). */
    public static GradCheckReport checkSecondOrder(Fn f, Variable... inputs) {
        return DEFAULTS.verifySecondOrder(f, inputs);
    }

    /** Checks the Jacobian of {@code f} at {@code inputs} against central differences. */
    public GradCheckReport verify(Fn f, Variable... inputs) {
        return run(f, inputs, "first-order");
    }

    private GradCheckReport run(Fn f, Variable[] inputs, String order) {
        List<Integer> checked = checkedInputs(inputs);
        Tensor out0;
        try (NoGrad scope = NoGrad.enter()) {
            out0 = f.apply(inputs).value();
        }
        int outSize = out0.size();
        GradCheckReport.Builder report = new GradCheckReport.Builder(atol, rtol);
        List<double[][]> analytic = analyticJacobians(f, inputs, checked, out0);
        for (int c = 0; c < checked.size(); c++) {
            int i = checked.get(c);
            double[] x = inputs[i].value().toDoubleArray();
            for (int e = 0; e < x.length; e++) {
                double[] plus = evaluate(f, inputs, i, e, x, +eps);
                double[] minus = evaluate(f, inputs, i, e, x, -eps);
                for (int j = 0; j < outSize; j++) {
                    double numeric = (plus[j] - minus[j]) / (2 * eps);
                    report.compare(i, inputs[i].shape(), e, out0.shape(), j, analytic.get(c)[j][e], numeric);
                }
            }
        }
        return report.build(order);
    }

    /**
     * Checks second derivatives: the function {@code h(x) = sum_i <u_i, d<v, f(x)>/dx_i>}, for fixed random
     * {@code u_i} and {@code v}, is built with {@code createGraph} and its gradient (Hessian-vector products of
     * f) is checked against central differences of it.
     */
    public GradCheckReport verifySecondOrder(Fn f, Variable... inputs) {
        List<Integer> checked = checkedInputs(inputs);
        Rng rng = new Rng(20_240_601);
        Tensor out0;
        try (NoGrad scope = NoGrad.enter()) {
            out0 = f.apply(inputs).value();
        }
        Tensor v = Tensor.on(out0.backend(), out0.dtype()).uniform(rng, -1, 1, out0.shape().dims());
        List<Tensor> u = new ArrayList<>();
        for (int i : checked) {
            Tensor x = inputs[i].value();
            u.add(Tensor.on(x.backend(), x.dtype()).uniform(rng, -1, 1, x.shape().dims()));
        }
        Fn h = in -> {
            try (NoGrad recording = NoGrad.enable()) {
                return innerProduct(f, in, checked, v, u);
            }
        };
        return run(h, inputs, "second-order");
    }

    /** {@code sum_k <u_k, d<v, f(in)>/d in_k>}, recorded so that it can be differentiated again. */
    private static Variable innerProduct(Fn f, Variable[] in, List<Integer> checked, Tensor v, List<Tensor> u) {
        {
            List<Variable> wrt = new ArrayList<>();
            for (int i : checked) wrt.add(in[i]);
            List<Variable> grads = Grad.grad(f.apply(in), Variable.constant(v), wrt, true);
            Variable total = null;
            for (int k = 0; k < grads.size(); k++) {
                Variable term = grads.get(k).mul(Variable.constant(u.get(k))).sum();
                total = total == null ? term : total.add(term);
            }
            return total;
        }
    }

    private List<Integer> checkedInputs(Variable[] inputs) {
        List<Integer> checked = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Variable in = inputs[i];
            if (!in.requiresGrad()) continue;
            if (in.dtype() == DType.FLOAT32 && !float32) {
                throw new IllegalArgumentException("GradCheck: input " + i + " " + in.shape() + " is float32; central "
                        + "differences need float64 (convert with value().to(DType.FLOAT64)), or opt in with "
                        + "allowFloat32() and looser tolerances");
            }
            checked.add(i);
        }
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("GradCheck: no input requires grad; create inputs with Variable.parameter");
        }
        return checked;
    }

    /** Row j of each checked input's Jacobian from one backward pass seeded with the unit vector e_j. */
    private static List<double[][]> analyticJacobians(Fn f, Variable[] inputs, List<Integer> checked, Tensor out0) {
        int outSize = out0.size();
        List<double[][]> jac = new ArrayList<>();
        for (int i : checked) jac.add(new double[outSize][inputs[i].value().size()]);
        for (int j = 0; j < outSize; j++) {
            Variable[] fresh = new Variable[inputs.length];
            List<Variable> wrt = new ArrayList<>();
            for (int i = 0; i < inputs.length; i++) {
                fresh[i] = inputs[i].requiresGrad() ? Variable.parameter(inputs[i].value()) : inputs[i];
                if (inputs[i].requiresGrad()) wrt.add(fresh[i]);
            }
            Variable out = f.apply(fresh);
            if (!out.requiresGrad()) {
                for (double[][] m : jac) java.util.Arrays.fill(m[j], 0);
                continue;
            }
            double[] seed = new double[outSize];
            seed[j] = 1;
            List<Variable> grads = Grad.grad(out, Variable.constant(like(out0, seed)), wrt, false);
            for (int c = 0; c < checked.size(); c++) jac.get(c)[j] = grads.get(c).value().toDoubleArray();
        }
        return jac;
    }

    private static double[] evaluate(Fn f, Variable[] inputs, int i, int e, double[] x, double delta) {
        double[] moved = x.clone();
        moved[e] += delta;
        Variable[] shifted = inputs.clone();
        shifted[i] = Variable.parameter(like(inputs[i].value(), moved));
        try (NoGrad scope = NoGrad.enter()) {
            return f.apply(shifted).value().toDoubleArray();
        }
    }

    /** {@code data} as a tensor with the backend, dtype and shape of {@code template}. */
    private static Tensor like(Tensor template, double[] data) {
        return Tensor.on(template.backend(), template.dtype()).of(data).reshape(template.shape());
    }

    private static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("GradCheck: " + name + " must be > 0, got " + v);
        return v;
    }

    private static double nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("GradCheck: " + name + " must be >= 0, got " + v);
        return v;
    }
}
