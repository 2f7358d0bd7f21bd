package dev.descent.nn.regularization;

import dev.descent.autodiff.Variable;

import java.util.Collection;

/**
 * A penalty term added to a loss over chosen parameters. Create them with {@link Regularizers}.
 *
 * <pre>{@code
 * Regularizer l2 = Regularizers.l2(1e-4);
 * Variable total = loss.add(l2.penalty(model.parameters()));
 * }</pre>
 */
@FunctionalInterface
public interface Regularizer {
    /** The penalty over {@code parameters} (a scalar variable, differentiable with respect to them). */
    Variable penalty(Collection<Variable> parameters);
}
