/**
 * Data for training: the lecture's generated sets ({@link dev.descent.data.Datasets}), real data from IDX files
 * ({@link dev.descent.data.Idx}, {@link dev.descent.data.Mnist}, {@link dev.descent.data.FashionMnist})
 * and CSV tables ({@link dev.descent.data.Csv}), train/validation/test splits and scaling
 * ({@link dev.descent.data.Split}, {@link dev.descent.data.Scaler}), and batching for batch, mini-batch and
 * stochastic gradient descent ({@link dev.descent.data.DataLoader}, {@link dev.descent.data.BatchMode}).
 *
 * <p>Depends on {@code dev.descent.core} only; every random choice comes from a seeded {@link dev.descent.core.Rng}.
 * Files are untrusted: a bad one is a {@link dev.descent.data.DatasetFormatException} naming the file and the
 * problem, never a partial dataset.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Split split = Split.stratified(Datasets.moons(rng, 1000, 0.2), 0.2, 0.2, rng).standardized();
 * DataLoader loader = DataLoader.over(split.train()).mode(BatchMode.miniBatch(32)).shuffle(rng.split()).build();
 * for (Batch batch : loader) { ... }
 * }</pre>
 */
package dev.descent.data;
