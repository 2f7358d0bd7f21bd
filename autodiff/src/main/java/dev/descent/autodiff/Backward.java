package dev.descent.autodiff;

/**
 * The backward rule of one recorded operation: given the gradient of the loss with respect to the operation's
 * output, the gradients with respect to each of its inputs (in order; {@code null} for an input that needs none).
 * Rules are written with {@link Variable} operations so that the backward pass can itself be recorded
 * ({@code createGraph}). Gradients may have the broadcast shape of the output; the engine sums them to each
 * input's shape.
 */
@FunctionalInterface
public interface Backward {
    Variable[] apply(Variable gradOutput);
}
