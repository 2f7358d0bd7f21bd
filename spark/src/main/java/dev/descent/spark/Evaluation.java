package dev.descent.spark;

import java.io.Serializable;

/**
 * One partition's evaluation: the sum over its chunks of (mean loss × chunk size), its row count, and, when
 * metrics are wanted, its predictions and targets as safetensors bytes ({@code prediction}, {@code target}).
 */
record Evaluation(double lossSum, long rows, byte[] outputs) implements Serializable {
}
