/**
 * Layers: Linear (x·W + b with W stored (in, out)), Dropout, Flatten, Identity, Sequential.
 */
package dev.descent.nn.layers;
