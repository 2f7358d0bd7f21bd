package dev.descent.spark;

import dev.descent.nn.Module;

import java.io.Serializable;

/**
 * Builds the model, once on the driver and once per executor thread: the same architecture every time (the
 * weights are overwritten by the driver's before every step). Spark ships it to the executors, so it must be
 * serialisable: a method reference to a static method or a lambda capturing only serialisable values.
 *
 * <pre>{@code
 * ModelFactory mlp = () -> new Sequential(new Linear(f64, 4, 8, true, null, null, new Rng(1)), new Tanh(),
 *                                          new Linear(f64, 8, 3, true, null, null, new Rng(2)));
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    Module create();
}
