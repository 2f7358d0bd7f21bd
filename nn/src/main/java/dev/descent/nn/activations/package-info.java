/**
 * Activation modules over the autodiff operations: ReLU, LeakyReLU, ELU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax, Softplus.
 */
package dev.descent.nn.activations;
