/**
 * The lecture's demos, one class each: initialisation, learning rate, batch modes, optimisers, clipping, losses,
 * shapes, Fashion-MNIST and the general train command; each states the lecture's claim and measures it.
 */
package dev.descent.examples.demos;
