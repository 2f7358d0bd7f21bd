package dev.descent.spark;

import java.io.Serializable;

/**
 * What the driver learns about one partition before training: its rows, their layout, the first problem found in
 * them, the first row holding NaN or an infinity, the executor's backends, and the replica the executor built (its
 * parameters in words, or why it failed).
 */
record Summary(int partition, long start, int size, int width, int targetWidth, boolean classTarget, Sample first,
               String problem, String nonFinite, String backends, String replica, String replicaError) implements Serializable {
}
