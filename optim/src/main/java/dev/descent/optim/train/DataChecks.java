package dev.descent.optim.train;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.nn.InferenceMode;
import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.nn.losses.Loss;
import dev.descent.optim.clip.Norms;

/**
 * The trainer's checks of its data: before the first step, that every sample is finite and fits the loss; and
 * when a step fails, which sample (by its index in the dataset) is to blame. Bad data is reported as data, never as
 * a diverging parameter.
 */
final class DataChecks {
    private DataChecks() {
    }

    /**
     * The first sample of {@code b} whose features or labels hold NaN or an infinity, described with its dataset
     * index, or {@code null} when all are finite.
     */
    static String nonFinite(Batch b) {
        String bad = nonFinite(b, b.features(), "features");
        return bad != null ? bad : nonFinite(b, b.labels(), "labels");
    }

    private static String nonFinite(Batch b, Tensor t, String what) {
        int at = Norms.firstNonFinite(t);
        if (at < 0) return null;
        int perSample = b.size() == 0 ? 1 : t.size() / b.size();
        int row = at / perSample;
        return "sample " + b.samples()[row] + " holds " + t.flatten().get(at) + " in its " + what + " (element "
                + at % perSample + " of " + perSample + ")";
    }

    /**
     * Checks every batch of {@code loader} (in dataset order) before training: finite features and labels, and
     * labels the loss accepts for the model's output. {@code output} is the model's output for one sample; each
     * batch's labels are tried against it repeated, so the model is not run again.
     */
    static void beforeTraining(DataLoader loader, String part, Loss loss, Tensor output) {
        try (InferenceMode scope = InferenceMode.enter()) {
            for (Batch b : loader.inOrder()) {
                String bad = nonFinite(b);
                if (bad != null) {
                    throw new IllegalArgumentException("Trainer: the " + part + " data is not finite: " + bad
                            + "; no step was taken");
                }
                Tensor repeated = output.indexSelect(0, Tensor.on(output.backend(), DType.INT32).zeros(b.size()));
                String rejected = rejected(b, loss, repeated);
                if (rejected != null) {
                    throw new IllegalArgumentException("Trainer: the " + part + " data does not fit the loss, found "
                            + "before step 1: " + rejected);
                }
            }
        }
    }

    /**
     * When the loss rejects {@code prediction} (the model's output for {@code b}) against {@code b}'s labels, the
     * first sample it rejects on its own, with its dataset index and the loss's reason; otherwise {@code null}.
     */
    static String rejected(Batch b, Loss loss, Tensor prediction) {
        try (InferenceMode scope = InferenceMode.enter()) {
            try {
                loss.apply(Variable.constant(prediction), Variable.constant(b.labels()));
                return null;
            } catch (IllegalArgumentException whole) {
                int[] samples = b.samples();
                for (int row = 0; row < samples.length; row++) {
                    try {
                        loss.apply(Variable.constant(prediction.slice(0, row, row + 1)),
                                Variable.constant(b.labels().slice(0, row, row + 1)));
                    } catch (IllegalArgumentException one) {
                        return "sample " + samples[row] + ": " + one.getMessage();
                    }
                }
                return "batch " + b.number() + " (samples " + samples[0] + "..): " + whole.getMessage();
            }
        }
    }
}
