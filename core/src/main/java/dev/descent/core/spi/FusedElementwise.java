package dev.descent.core.spi;

/**
 * An optional capability of a {@link Backend}: running an {@link ElementwiseProgram} in one pass over memory
 * (for example chunk by chunk, each chunk through every step while it is in cache). The result must equal
 * running each step as the backend's kernel over the whole buffers, in order, bit for bit. Core uses it when the
 * backend implements it and runs the steps one kernel at a time otherwise.
 */
public interface FusedElementwise {
    /** Runs {@code program} over {@code buffers} (this backend's, all of one floating dtype and one size). */
    void run(ElementwiseProgram program, Storage[] buffers);
}
