package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;

import java.util.List;

/**
 * Samples as tensors: {@code features} of shape {@code (n, ...)} and {@code labels} of shape {@code (n, ...)} on one
 * backend, with optional names. Classification sets hold INT32 class indices {@code (n,)} and one name per class;
 * regression sets hold floating targets {@code (n, 1)} and no class names. Immutable.
 *
 * <pre>{@code
 * Dataset moons = Datasets.moons(new Rng(0), 300, 0.2);
 * moons.features();          // float32 (300, 2)
 * moons.labels();            // int32 (300,), 0 or 1
 * moons.classCounts();       // [150, 150]
 * Dataset first = moons.subset(new int[] {0, 1, 2});
 * }</pre>
 *
 * @param features     {@code (n, ...)} inputs
 * @param labels       {@code (n, ...)} targets on the same backend
 * @param classNames   one name per class (index = label), empty for regression
 * @param featureNames one name per feature column of a 2-D feature matrix, or empty when unnamed
 */
public record Dataset(Tensor features, Tensor labels, List<String> classNames, List<String> featureNames) {

    public Dataset {
        if (features == null || labels == null) {
            throw new IllegalArgumentException("Dataset: features and labels must not be null, got "
                    + features + ", " + labels);
        }
        if (features.rank() < 1 || labels.rank() < 1) {
            throw new IllegalArgumentException("Dataset: features and labels need a sample axis (rank >= 1), got shapes "
                    + features.shape() + " and " + labels.shape());
        }
        if (features.dim(0) != labels.dim(0)) {
            throw new IllegalArgumentException("Dataset: features have " + features.dim(0) + " samples (shape "
                    + features.shape() + ") but labels have " + labels.dim(0) + " (shape " + labels.shape() + ")");
        }
        if (features.backend() != labels.backend()) {
            throw new IllegalArgumentException("Dataset: features are on " + features.backend().name()
                    + " but labels on " + labels.backend().name() + "; move one with to(Backend)");
        }
        classNames = List.copyOf(classNames == null ? List.of() : classNames);
        featureNames = List.copyOf(featureNames == null ? List.of() : featureNames);
        if (!featureNames.isEmpty() && (features.rank() != 2 || features.dim(1) != featureNames.size())) {
            throw new IllegalArgumentException("Dataset: " + featureNames.size() + " feature names for features of shape "
                    + features.shape() + " (expected one per column of a 2-D matrix)");
        }
    }

    /** A classification or regression set without feature names. */
    public Dataset(Tensor features, Tensor labels, List<String> classNames) {
        this(features, labels, classNames, List.of());
    }

    /** Number of samples. */
    public int size() {
        return features.dim(0);
    }

    /** Number of classes (0 for regression). */
    public int numClasses() {
        return classNames.size();
    }

    /** The samples at {@code indices}, in that order (a copy of those rows). */
    public Dataset subset(int[] indices) {
        Tensor index = Tensor.on(features.backend(), DType.INT32).of(indices);
        return new Dataset(features.indexSelect(0, index), labels.indexSelect(0, index), classNames, featureNames);
    }

    /** Samples {@code from <= i < to}. */
    public Dataset slice(int from, int to) {
        return new Dataset(features.slice(0, from, to), labels.slice(0, from, to), classNames, featureNames);
    }

    /** The same labels and names with other features (same number of samples). */
    public Dataset withFeatures(Tensor newFeatures) {
        List<String> names = newFeatures.shape().equals(features.shape()) ? featureNames : List.of();
        return new Dataset(newFeatures, labels, classNames, names);
    }

    /** The same features and names with other labels (same number of samples). */
    public Dataset withLabels(Tensor newLabels) {
        return new Dataset(features, newLabels, classNames, featureNames);
    }

    /** Features reshaped to {@code (n, prod(rest))}, for a dense layer; shares storage, copies nothing. */
    public Dataset flatten() {
        return withFeatures(features.reshape(size(), -1));
    }

    /** Features converted to {@code dtype} (labels keep theirs: class indices stay INT32). */
    public Dataset to(DType dtype) {
        Tensor f = features.to(dtype);
        Tensor l = labels.dtype().isFloating() ? labels.to(dtype) : labels;
        return new Dataset(f, l, classNames, featureNames);
    }

    /** Features and labels copied to {@code backend}. */
    public Dataset to(Backend backend) {
        return new Dataset(features.to(backend), labels.to(backend), classNames, featureNames);
    }

    /**
     * Labels as one-hot rows {@code (n, numClasses())} in the features' dtype, for losses that take probabilities
     * (as {@code torch.nn.functional.one_hot}).
     */
    public Dataset oneHot() {
        checkClassification("oneHot");
        return withLabels(labels.oneHot(numClasses(), features.dtype().isFloating() ? features.dtype() : DType.FLOAT32));
    }

    /** How many samples each class has, indexed by class. */
    public int[] classCounts() {
        checkClassification("classCounts");
        int[] counts = new int[numClasses()];
        int[] y = labels.toIntArray();
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= counts.length) {
                throw new IllegalArgumentException("Dataset.classCounts: label " + y[i] + " at sample " + i
                        + " is not a class (expected 0 <= label < " + counts.length + ")");
            }
            counts[y[i]]++;
        }
        return counts;
    }

    private void checkClassification(String op) {
        if (numClasses() == 0 || labels.dtype() != DType.INT32 || labels.rank() != 1) {
            throw new IllegalArgumentException("Dataset." + op + ": expected INT32 class labels (n,) with class names, got "
                    + labels.dtype() + " " + labels.shape() + " with " + numClasses() + " classes");
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + size() + " samples, features " + features.dtype() + " " + features.shape() + ", labels "
                + labels.dtype() + " " + labels.shape() + (classNames.isEmpty() ? "" : ", classes " + classNames) + "]";
    }
}
