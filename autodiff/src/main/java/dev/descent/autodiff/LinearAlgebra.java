package dev.descent.autodiff;

/** Matrix products and their backward rules, written with transpose flags so no transpose is materialised. */
final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /** {@code torch.matmul}: 1-D arguments become a row (left) or column (right) and the added axis is removed. */
    static Variable matmul(Variable a, Variable b) {
        if (a.rank() == 1 || b.rank() == 1) {
            if (a.rank() == 0 || b.rank() == 0) a.value().matmul(b.value()); // throws the tensor API's message
            Variable x = a.rank() == 1 ? a.reshape(1, a.shape().dim(0)) : a;
            Variable y = b.rank() == 1 ? b.reshape(b.shape().dim(0), 1) : b;
            Variable out = matmul(x, y, false, false);
            if (a.rank() == 1 && b.rank() == 1) return out.reshape();
            return a.rank() == 1 ? out.squeeze(-2) : out.squeeze(-1);
        }
        return matmul(a, b, false, false);
    }

    /**
     * {@code C = op(A) op(B)}: {@code dop(A) = G op(B)^T} and {@code dop(B) = op(A)^T G}, transposed back when the
     * operand itself was used transposed. Batch axes broadcast; the engine sums gradients over broadcast batches.
     */
    static Variable matmul(Variable a, Variable b, boolean ta, boolean tb) {
        if (a.rank() < 2 || b.rank() < 2) {
            if (ta || tb) a.value().matmul(b.value(), ta, tb); // throws the tensor API's message
            return matmul(a, b);
        }
        return Variable.record("matmul", a.value().matmul(b.value(), ta, tb), g -> new Variable[] {
            a.requiresGrad() ? (ta ? b.matmul(g, tb, true) : g.matmul(b, false, !tb)) : null,
            b.requiresGrad() ? (tb ? g.matmul(a, true, ta) : a.matmul(g, !ta, false)) : null}, a, b);
    }

    static Variable linear(Variable x, Variable w, Variable b) {
        return Variable.record("linear", x.value().linear(w.value(), b.value()), g -> new Variable[] {
            x.requiresGrad() ? g.matmul(w, false, true) : null,
            w.requiresGrad() ? x.matmul(g, true, false) : null,
            b.requiresGrad() ? g.sum(0) : null}, x, w, b);
    }
}
