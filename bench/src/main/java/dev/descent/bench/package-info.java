/**
 * JMH benchmarks of Descent's kernels and training steps; figures and commands in bench/README.md.
 */
package dev.descent.bench;
