package dev.descent.nn.losses;

import dev.descent.autodiff.Variable;

/**
 * A loss: a differentiable function of a prediction and a target. Create them with {@link Losses}.
 *
 * <pre>{@code
 * Loss loss = Losses.crossEntropy();
 * Variable value = loss.apply(logits, Variable.constant(labels));
 * value.backward();
 * }</pre>
 */
@FunctionalInterface
public interface Loss {
    /** The loss of {@code prediction} against {@code target} (which receives no gradient unless it requires one). */
    Variable apply(Variable prediction, Variable target);
}
