package dev.descent.nn.regularization;

import dev.descent.autodiff.Variable;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * L1, L2 and elastic-net penalties.
 *
 * <p>NOTE: {@link #l2(double) l2(lambda)} is {@code (lambda / 2) * sum w^2}, whose gradient is {@code lambda * w}:
 * adding it to the loss equals an optimiser's coupled {@code weightDecay = lambda} (PyTorch's SGD and Adam
 * {@code weight_decay}). Keras' {@code l2(lambda)} is {@code lambda * sum w^2}, twice this. Decoupled weight decay
 * (AdamW) is not a penalty and lives in {@code optim}.
 */
public final class Regularizers {
    private Regularizers() {
    }

    /** {@code lambda * sum |w|}. */
    public static Regularizer l1(double lambda) {
        check("l1", lambda);
        return params -> total(params, w -> w.abs().sum()).mul(lambda);
    }

    /** {@code (lambda / 2) * sum w^2}: the gradient {@code lambda * w} equals weight decay {@code lambda}. */
    public static Regularizer l2(double lambda) {
        check("l2", lambda);
        return params -> total(params, w -> w.square().sum()).mul(lambda / 2);
    }

    /** {@code l1 * sum |w| + (l2 / 2) * sum w^2}. */
    public static Regularizer elasticNet(double l1, double l2) {
        Regularizer a = l1(l1), b = l2(l2);
        return params -> a.penalty(params).add(b.penalty(params));
    }

    /** The parameters whose dotted names end with {@code suffix} (for example only {@code "weight"}s). */
    public static List<Variable> named(Map<String, Variable> namedParameters, String suffix) {
        return namedParameters.entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
                .map(Map.Entry::getValue).toList();
    }

    private static Variable total(Collection<Variable> params, Function<Variable, Variable> term) {
        if (params.isEmpty()) throw new IllegalArgumentException("penalty: no parameters given");
        Variable sum = null;
        for (Variable w : params) {
            Variable t = term.apply(w);
            sum = sum == null ? t : sum.add(t);
        }
        return sum;
    }

    private static void check(String name, double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException(name + ": coefficient must be finite and >= 0, got " + lambda);
        }
    }
}
