/**
 * L1, L2 and elastic-net penalties added to a loss.
 */
package dev.descent.nn.regularization;
