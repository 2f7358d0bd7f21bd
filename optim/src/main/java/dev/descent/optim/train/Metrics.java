package dev.descent.optim.train;

import dev.descent.core.DType;
import dev.descent.core.Tensor;

/**
 * The built-in metrics: classification accuracy (multi-class by argmax, or binary by a threshold) and the mean
 * absolute and squared errors of regression. Each weights its batches by their number of samples, so an epoch's
 * value does not depend on how the data was cut.
 */
public final class Metrics {
    private Metrics() {
    }

    /**
     * The share of samples whose arg-max over the last axis equals the label. Targets are INT32 class indices of
     * shape {@code (n)} or one-hot / probability rows of the prediction's shape.
     */
    public static Metric accuracy() {
        return new Counting("accuracy") {
            @Override
            double[] count(Tensor prediction, Tensor target) {
                if (prediction.rank() != 2) {
                    throw new IllegalArgumentException("accuracy: expected predictions (n, classes), got " + prediction.shape());
                }
                Tensor labels = target.dtype() == DType.INT32 ? target : target.argmax(-1);
                if (labels.rank() != 1 || labels.dim(0) != prediction.dim(0)) {
                    throw new IllegalArgumentException("accuracy: expected " + prediction.dim(0) + " labels, got target "
                            + target.shape());
                }
                double correct = prediction.argmax(-1).eq(labels).to(DType.FLOAT64).sum().item();
                return new double[] {correct, prediction.dim(0)};
            }
        };
    }

    /**
     * The share of samples on the right side of {@code threshold}: a prediction above it counts as class 1. Use 0.5
     * for sigmoid outputs and 0 for logits. Targets are 0/1 of the prediction's shape.
     */
    public static Metric binaryAccuracy(double threshold) {
        return new Counting("accuracy") {
            @Override
            double[] count(Tensor prediction, Tensor target) {
                sameShape("binaryAccuracy", prediction, target);
                Tensor predicted = prediction.gt(threshold).to(DType.FLOAT64);
                Tensor truth = target.to(DType.FLOAT64).gt(0.5);
                double correct = predicted.eq(truth).sum().item();
                return new double[] {correct, prediction.size()};
            }
        };
    }

    /** The mean absolute error over all elements. */
    public static Metric meanAbsoluteError() {
        return new Counting("mae") {
            @Override
            double[] count(Tensor prediction, Tensor target) {
                sameShape("mae", prediction, target);
                return new double[] {prediction.to(DType.FLOAT64).sub(target.to(DType.FLOAT64)).abs().sum().item(),
                    prediction.size()};
            }
        };
    }

    /** The mean squared error over all elements. */
    public static Metric meanSquaredError() {
        return new Counting("mse") {
            @Override
            double[] count(Tensor prediction, Tensor target) {
                sameShape("mse", prediction, target);
                return new double[] {prediction.to(DType.FLOAT64).sub(target.to(DType.FLOAT64)).square().sum().item(),
                    prediction.size()};
            }
        };
    }

    private static void sameShape(String name, Tensor prediction, Tensor target) {
        if (!prediction.shape().equals(target.shape())) {
            throw new IllegalArgumentException(name + ": prediction " + prediction.shape() + " and target "
                    + target.shape() + " differ in shape");
        }
    }

    /** A ratio of two running sums. */
    private abstract static class Counting implements Metric {
        private final String name;
        private double numerator, denominator;

        Counting(String name) {
            this.name = name;
        }

        abstract double[] count(Tensor prediction, Tensor target);

        @Override
        public String name() {
            return name;
        }

        @Override
        public void reset() {
            numerator = 0;
            denominator = 0;
        }

        @Override
        public void update(Tensor prediction, Tensor target) {
            double[] c = count(prediction, target);
            numerator += c[0];
            denominator += c[1];
        }

        @Override
        public double result() {
            return denominator == 0 ? Double.NaN : numerator / denominator;
        }
    }
}
