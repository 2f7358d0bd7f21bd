/**
 * Losses with PyTorch's formulas and reductions, in their numerically stable forms.
 */
package dev.descent.nn.losses;
