/**
 * Reverse-mode automatic differentiation: {@link dev.descent.autodiff.Variable} records operations and their backward rules, {@link dev.descent.autodiff.Variable#backward()} walks the graph iteratively, {@link dev.descent.autodiff.NoGrad} scopes turn recording off per thread, {@link dev.descent.autodiff.Grad} returns gradients as values (for higher orders), and {@link dev.descent.autodiff.Function} defines new differentiable functions.
 */
package dev.descent.autodiff;
