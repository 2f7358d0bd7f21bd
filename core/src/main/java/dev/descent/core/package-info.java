/**
 * Tensors and their backends: {@link dev.descent.core.Shape}, {@link dev.descent.core.DType}, the immutable {@link dev.descent.core.Tensor} and its factories, the seeded {@link dev.descent.core.Rng}, backend discovery in {@link dev.descent.core.Backends}, {@link dev.descent.core.InPlace}, the only mutation entry point, and {@link dev.descent.core.Threads}, the one thread setting.
 */
package dev.descent.core;
