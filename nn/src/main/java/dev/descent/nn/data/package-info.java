/**
 * Data for training: the lecture's generated sets ({@link dev.descent.nn.data.Datasets}), real data from IDX files
 * ({@link dev.descent.nn.data.Idx}, {@link dev.descent.nn.data.Mnist}, {@link dev.descent.nn.data.FashionMnist})
 * and CSV tables ({@link dev.descent.nn.data.Csv}), train/validation/test splits and scaling
 * ({@link dev.descent.nn.data.Split}, {@link dev.descent.nn.data.Scaler}), and batching for batch, mini-batch and
 * stochastic gradient descent ({@link dev.descent.nn.data.DataLoader}, {@link dev.descent.nn.data.BatchMode}).
 *
 * <p>Depends on {@code dev.descent.core} only; every random choice comes from a seeded {@link dev.descent.core.Rng}.
 * Files are untrusted: a bad one is a {@link dev.descent.nn.data.DatasetFormatException} naming the file and the
 * problem, never a partial dataset.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Split split = Split.stratified(Datasets.moons(rng, 1000, 0.2), 0.2, 0.2, rng).standardized();
 * DataLoader loader = DataLoader.over(split.train()).mode(BatchMode.miniBatch(32)).shuffle(rng.split()).build();
 * for (Batch batch : loader) { ... }
 * }</pre>
 */
package dev.descent.nn.data;
