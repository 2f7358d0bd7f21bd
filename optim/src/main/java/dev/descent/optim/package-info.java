/**
 * Optimisers in PyTorch's semantics with the lecture's variants one option away, gradient clipping and
 * learning-rate schedules; the training loop lives in {@code dev.descent.optim.train}.
 */
package dev.descent.optim;
