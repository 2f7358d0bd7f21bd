/**
 * Synchronous data-parallel training on Apache Spark: {@link dev.descent.spark.SparkTrainer} sums each step's gradients
 * over the partitions, in partition order, and applies one optimiser step on the driver, so the result equals the
 * single-machine {@code Trainer} on the same global batches.
 */
package dev.descent.spark;
