package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.optim.Optimizer;

import java.io.Serializable;
import java.util.List;
import java.util.function.Function;

/**
 * Builds the optimiser over a model's parameters, on the driver and, with {@link SparkTrainer.Builder#stepsPerJob},
 * on every executor too (each task then takes the same optimiser steps on its replica); serialisable, as
 * {@code ps -> new Adam(ps, Adam.options())} is when passed where this type is expected.
 */
@FunctionalInterface
public interface OptimizerFactory extends Function<List<Variable>, Optimizer<?>>, Serializable {
}
