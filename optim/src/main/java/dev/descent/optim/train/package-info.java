/**
 * The training loop: Trainer, metrics, history, early stopping, listeners and checkpoints.
 */
package dev.descent.optim.train;
