package dev.descent.nn.init;

import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * Creates a parameter's initial values. Fan-in and fan-out are given explicitly: for a {@code Linear} weight stored
 * {@code (in, out)} they are {@code in} and {@code out}; every random number comes from {@code rng}, so one seed
 * gives bit-identical weights on every backend.
 *
 * <pre>{@code
 * Tensor w = Initializers.kaimingNormal().initialize(Tensor.on(backend), Shape.of(784, 128), 784, 128, rng);
 * }</pre>
 */
@FunctionalInterface
public interface Initializer {
    /** Initial values of the given shape, created with {@code factory} (its backend and dtype). */
    Tensor initialize(TensorFactory factory, Shape shape, int fanIn, int fanOut, Rng rng);
}
