/**
 * Gradient clipping by value and by norm, alone or attached to an optimiser.
 */
package dev.descent.optim.clip;
