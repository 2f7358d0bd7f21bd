/**
 * Neural-network building blocks on top of {@code dev.descent.autodiff}: modules and layers, activations,
 * losses, weight initialisers, regularisation; {@code dev.descent.nn.data} holds datasets and batching.
 */
package dev.descent.nn;
