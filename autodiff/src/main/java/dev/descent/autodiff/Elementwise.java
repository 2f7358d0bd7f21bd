package dev.descent.autodiff;

import dev.descent.core.Tensor;

/**
 * Elementwise operations, each with its backward rule beside it. Gradients are returned in the output's
 * (broadcast) shape; the engine sums them to each input's shape. Masks (where a rule is piecewise) are constants.
 */
final class Elementwise {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private Elementwise() {
    }

    private static Variable c(Tensor t) {
        return Variable.constant(t);
    }

    static Variable add(Variable a, Variable b) {
        return Variable.record("add", a.value().add(b.value()), g -> new Variable[] {g, g}, a, b);
    }

    static Variable sub(Variable a, Variable b) {
        return Variable.record("sub", a.value().sub(b.value()),
                g -> new Variable[] {g, b.requiresGrad() ? g.neg() : null}, a, b);
    }

    static Variable mul(Variable a, Variable b) {
        return Variable.record("mul", a.value().mul(b.value()), g -> new Variable[] {
            a.requiresGrad() ? g.mul(b) : null,
            b.requiresGrad() ? g.mul(a) : null}, a, b);
    }

    static Variable div(Variable a, Variable b) {
        return Variable.record("div", a.value().div(b.value()), g -> new Variable[] {
            a.requiresGrad() ? g.div(b) : null,
            b.requiresGrad() ? g.neg().mul(a).div(b.mul(b)) : null}, a, b);
    }

    /**
     * NOTE: d/da = b a^(b-1), taken as 0 where b = 0 (not 0 * inf at a = 0); d/db = a^b log(a), taken as 0 where
     * a = 0 and b >= 0. Both are PyTorch's conventions.
     */
    static Variable pow(Variable a, Variable b) {
        Tensor out = a.value().pow(b.value());
        return Variable.record("pow", out, g -> new Variable[] {
            a.requiresGrad() ? Variable.where(b.value().eq(0.0), c(out.zerosLike()), g.mul(b).mul(a.pow(b.sub(1.0)))) : null,
            b.requiresGrad() ? Variable.where(a.value().eq(0.0).mul(b.value().ge(0.0)),
                    c(out.zerosLike()), g.mul(a.pow(b)).mul(a.log())) : null}, a, b);
    }

    /** d/dx x^p = p x^(p-1); 0 for p = 0. */
    static Variable pow(Variable a, double p) {
        if (Double.isNaN(p)) throw new IllegalArgumentException("pow: exponent must not be NaN");
        return Variable.record("pow", a.value().pow(p), g -> new Variable[] {
            p == 0 ? c(a.value().zerosLike()) : g.mul(a.pow(p - 1)).mul(p)}, a);
    }

    static Variable neg(Variable a) {
        return Variable.record("neg", a.value().neg(), g -> new Variable[] {g.neg()}, a);
    }

    static Variable exp(Variable a) {
        return Variable.recordWithOutput("exp", a.value().exp(), (g, y) -> new Variable[] {g.mul(y)}, a);
    }

    static Variable log(Variable a) {
        return Variable.record("log", a.value().log(), g -> new Variable[] {g.div(a)}, a);
    }

    static Variable log1p(Variable a) {
        return Variable.record("log1p", a.value().log1p(), g -> new Variable[] {g.div(a.add(1.0))}, a);
    }

    /** NOTE: d/dx sqrt(x) = 1 / (2 sqrt(x)), +inf at 0 as in PyTorch. */
    static Variable sqrt(Variable a) {
        return Variable.recordWithOutput("sqrt", a.value().sqrt(), (g, y) -> new Variable[] {g.div(y.mul(2.0))}, a);
    }

    /** NOTE: d|x|/dx = sign(x), 0 at 0. */
    static Variable abs(Variable a) {
        return Variable.record("abs", a.value().abs(), g -> new Variable[] {g.mul(a.value().sign())}, a);
    }

    static Variable square(Variable a) {
        return Variable.record("square", a.value().square(), g -> new Variable[] {g.mul(a).mul(2.0)}, a);
    }

    static Variable reciprocal(Variable a) {
        return Variable.recordWithOutput("reciprocal", a.value().reciprocal(),
                (g, y) -> new Variable[] {g.neg().mul(y.square())}, a);
    }

    static Variable sin(Variable a) {
        return Variable.record("sin", a.value().sin(), g -> new Variable[] {g.mul(a.cos())}, a);
    }

    static Variable cos(Variable a) {
        return Variable.record("cos", a.value().cos(), g -> new Variable[] {g.mul(a.sin()).neg()}, a);
    }

    static Variable tanh(Variable a) {
        return Variable.recordWithOutput("tanh", a.value().tanh(),
                (g, y) -> new Variable[] {tanhGrad(g, y)}, a);
    }

    /** {@code g (1 - y²)} in one kernel; differentiable in both (for second derivatives): d/dy = -2 g y. */
    private static Variable tanhGrad(Variable g, Variable y) {
        return Variable.record("tanhGrad", g.value().tanhGrad(y.value()),
                gg -> new Variable[] {tanhGrad(gg, y), gg.mul(g).mul(y).mul(-2.0)}, g, y);
    }

    static Variable sigmoid(Variable a) {
        return Variable.recordWithOutput("sigmoid", a.value().sigmoid(),
                (g, y) -> new Variable[] {sigmoidGrad(g, y)}, a);
    }

    /** {@code g y (1 - y)} in one kernel; differentiable in both (for second derivatives): d/dy = g (1 - 2y). */
    private static Variable sigmoidGrad(Variable g, Variable y) {
        return Variable.record("sigmoidGrad", g.value().sigmoidGrad(y.value()),
                gg -> new Variable[] {sigmoidGrad(gg, y), gg.mul(g).mul(y.mul(-2.0).add(1.0))}, g, y);
    }

    static Variable erf(Variable a) {
        return Variable.record("erf", a.value().erf(),
                g -> new Variable[] {g.mul(a.square().neg().exp()).mul(TWO_OVER_SQRT_PI)}, a);
    }

    /** NOTE: relu'(0) = 0 (PyTorch). */
    static Variable relu(Variable a) {
        return Variable.record("relu", a.value().relu(), g -> new Variable[] {reluGrad(g, a.value())}, a);
    }

    /** {@code g} passed back through a ReLU with this input: linear in {@code g}, so its gradient is masked alike. */
    private static Variable reluGrad(Variable g, Tensor input) {
        return Variable.record("reluGrad", g.value().reluGrad(input), gg -> new Variable[] {reluGrad(gg, input)}, g);
    }

    /** NOTE: leakyRelu'(0) = slope (PyTorch). */
    static Variable leakyRelu(Variable a, double slope) {
        Tensor out = a.value().leakyRelu(slope);
        return Variable.record("leakyRelu", out, g -> {
            Tensor positive = a.value().gt(0.0);
            return new Variable[] {g.mul(positive.add(positive.neg().add(1.0).mul(slope)))};
        }, a);
    }

    /** NOTE: elu'(x) = alpha exp(x) for x <= 0, so elu'(0) = alpha (PyTorch). */
    static Variable elu(Variable a, double alpha) {
        return Variable.record("elu", a.value().elu(alpha), g -> new Variable[] {
            Variable.where(a.value().gt(0.0), g, g.mul(a.exp()).mul(alpha))}, a);
    }

    /** NOTE: PyTorch's softplus returns x above 20, so its derivative there is exactly 1. */
    static Variable softplus(Variable a) {
        return Variable.record("softplus", a.value().softplus(), g -> new Variable[] {
            Variable.where(a.value().gt(20.0), g, g.mul(a.sigmoid()))}, a);
    }

    /** NOTE: the gradient passes where min <= x <= max, boundaries included (PyTorch). */
    static Variable clamp(Variable a, double min, double max) {
        return Variable.record("clamp", a.value().clamp(min, max),
                g -> new Variable[] {g.mul(a.value().ge(min).mul(a.value().le(max)))}, a);
    }

    /** NOTE: where a == b each input receives half of the gradient (PyTorch's maximum/minimum). */
    static Variable extremum(Variable a, Variable b, boolean max) {
        Tensor out = max ? a.value().maximum(b.value()) : a.value().minimum(b.value());
        return Variable.record(max ? "maximum" : "minimum", out, g -> {
            Tensor half = a.value().eq(b.value()).mul(0.5);
            Tensor aWins = max ? a.value().gt(b.value()) : a.value().lt(b.value());
            Tensor bWins = max ? a.value().lt(b.value()) : a.value().gt(b.value());
            return new Variable[] {
                a.requiresGrad() ? g.mul(aWins.add(half)) : null,
                b.requiresGrad() ? g.mul(bWins.add(half)) : null};
        }, a, b);
    }

    static Variable where(Tensor condition, Variable a, Variable b) {
        Tensor out = Tensor.where(condition, a.value(), b.value());
        return Variable.record("where", out, g -> {
            Variable zero = c(Tensor.on(g.value().backend(), g.dtype()).scalar(0));
            return new Variable[] {
                a.requiresGrad() ? Variable.where(condition, g, zero) : null,
                b.requiresGrad() ? Variable.where(condition, zero, g) : null};
        }, a, b);
    }
}
