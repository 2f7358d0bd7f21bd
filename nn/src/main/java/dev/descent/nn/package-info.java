/**
 * Neural-network building blocks on top of {@code dev.descent.autodiff}: modules and layers, activations,
 * losses, weight initialisers, regularisation. Datasets and batching are in the {@code descent-data} module
 * ({@code dev.descent.data}).
 */
package dev.descent.nn;
