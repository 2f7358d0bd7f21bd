/**
 * Gradient checking against central finite differences in float64: {@link dev.descent.autodiff.check.GradCheck}, first and second order, with a report naming the worst element.
 */
package dev.descent.autodiff.check;
