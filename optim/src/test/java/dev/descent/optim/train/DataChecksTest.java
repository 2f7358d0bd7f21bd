package dev.descent.optim.train;

import dev.descent.core.Backends;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad data is reported as data, by the sample's index in the dataset, before any step; a divergence names the
 * parameter at fault; the optimiser must hold exactly the model's parameters.
 */
class DataChecksTest {
    private static final Backend DEFAULT = Backends.get();
    private static final TensorFactory F = Tensor.on(DEFAULT, DType.FLOAT64);

    static Sequential classifier(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(F, 4, 8, true, null, null, rng), new Tanh(),
                new Linear(F, 8, 3, true, null, null, rng));
    }

    static Tensor features(int n) {
        return F.normal(new Rng(1), 0, 1, n, 4);
    }

    static Tensor labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % 3;
        return Tensor.on(DEFAULT, DType.INT32).of(y);
    }

    /** Shuffled mini-batches, so a sample's position in its batch is not its index in the dataset. */
    static DataLoader loader(Tensor x, Tensor y) {
        return DataLoader.over(x, y).mode(BatchMode.miniBatch(16)).shuffle(new Rng(5)).build();
    }

    static Tensor with(Tensor t, int flatIndex, double value) {
        double[] v = t.toDoubleArray();
        v[flatIndex] = value;
        return Tensor.on(t.backend(), t.dtype()).of(v).reshape(t.shape());
    }

    @Test
    void anInfiniteFeatureIsReportedAsDataWithItsDatasetIndexBeforeAnyStep() {
        Tensor x = with(features(80), 37 * 4 + 2, Double.POSITIVE_INFINITY);
        Sequential model = classifier(1);
        Map<String, Tensor> before = model.stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model,
                Losses.crossEntropy(), new SGD(model.parameters(), SGD.options(0.1))).trainData(loader(x, labels(80))).build());
        assertEquals("Trainer: the training data is not finite: sample 37 holds Infinity in its features (element 2 of 4); "
                + "no step was taken", e.getMessage());
        before.forEach((n, w) -> assertTrue(w.equal(model.namedParameters().get(n).value()), n));
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model,
                Losses.mse(), new SGD(model.parameters(), SGD.options(0.1)))
                .trainData(loader(features(80), F.zeros(80, 3)))
                .validationData(loader(features(80), with(F.zeros(80, 3), 61 * 3, Double.NaN))).build());
        assertEquals("Trainer: the validation data is not finite: sample 61 holds NaN in its labels (element 0 of 3); "
                + "no step was taken", t.getMessage());
    }

    @Test
    void dataThatBecomesNonFiniteDuringTrainingIsBlamedNotTheGradient() {
        Tensor x = features(80);
        Sequential model = classifier(1);
        Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), new SGD(model.parameters(), SGD.options(0.1)))
                .trainData(loader(x, labels(80))).epochs(3).build();
        try (NoGrad g = NoGrad.enter()) {
            InPlace.copy(with(x, 37 * 4 + 1, Double.POSITIVE_INFINITY), x); // changed behind the trainer's back
        }
        History h = trainer.fit();
        assertEquals(StopReason.DIVERGED, h.stopReason());
        assertTrue(h.stopMessage().contains("the training data's sample 37 holds Infinity in its features (element 1 of 4)"
                + " (the data is at fault, not a parameter)"), h.stopMessage());
        for (Variable p : model.parameters()) assertTrue(dev.descent.optim.clip.Norms.isFinite(p.value()));
    }

    @Test
    void aNanLossWithANonFiniteParameterNamesTheParameter() {
        Sequential model = classifier(1);
        try (NoGrad g = NoGrad.enter()) {
            Tensor w = model.namedParameters().get("2.bias").value();
            InPlace.copy(with(w, 1, Double.NaN), w);
        }
        History h = Trainer.builder(model, Losses.crossEntropy(), new SGD(model.parameters(), SGD.options(0.1)))
                .trainData(loader(features(80), labels(80))).epochs(2).build().fit();
        assertEquals(StopReason.DIVERGED, h.stopReason());
        assertEquals("training diverged at epoch 1, step 1: the loss is NaN because parameter '2.bias' is not finite",
                h.stopMessage());
    }

    @Test
    void aLabelOutOfRangeIsRejectedBeforeTheFirstStepWithItsDatasetIndex() {
        int[] y = labels(80).toIntArray();
        y[50] = 7;
        Sequential model = classifier(1);
        Map<String, Tensor> before = model.stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model,
                Losses.crossEntropy(), new SGD(model.parameters(), SGD.options(0.1)))
                .trainData(loader(features(80), Tensor.on(DEFAULT, DType.INT32).of(y))).build());
        assertTrue(e.getMessage().startsWith("Trainer: the training data does not fit the loss, found before step 1: "
                + "sample 50: "), e.getMessage());
        assertTrue(e.getMessage().contains("class label 7") && e.getMessage().contains("out of range [0, 3)"), e.getMessage());
        before.forEach((n, w) -> assertTrue(w.equal(model.namedParameters().get(n).value()), n));
    }

    @Test
    void aLabelThatGoesOutOfRangeDuringTrainingNamesTheSampleAndTheStep() {
        Tensor y = labels(80);
        Sequential model = classifier(1);
        Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), new SGD(model.parameters(), SGD.options(0.1)))
                .trainData(loader(features(80), y)).epochs(2).build();
        int[] bad = y.toIntArray();
        bad[50] = -2;
        try (NoGrad g = NoGrad.enter()) {
            InPlace.copy(Tensor.on(DEFAULT, DType.INT32).of(bad), y);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, trainer::fit);
        assertTrue(e.getMessage().matches("Trainer: epoch 1, step \\d: the training data's sample 50: .*class label -2.*"
                + "\\(no parameter was changed\\)"), e.getMessage());
    }

    @Test
    void theOptimiserMustHoldExactlyTheModelsParametersUnlessAllowed() {
        Sequential model = classifier(1), other = classifier(2);
        DataLoader data = loader(features(80), labels(80));
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model,
                Losses.crossEntropy(), new SGD(other.parameters(), SGD.options(0.1))).trainData(data).build());
        assertEquals("Trainer: the optimizer SGD does not hold exactly the model's trainable parameters: it lacks "
                + "'0.weight', '0.bias', '2.weight', '2.bias'; its parameters 0 (4, 8), 1 (8,), 2 (8, 3), 3 (3,) are not "
                + "the model's (for frozen layers or extra parameters, use allowParameterMismatch())", foreign.getMessage());
        var some = model.parameters().subList(2, 4);
        IllegalArgumentException partial = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model,
                Losses.crossEntropy(), new SGD(some, SGD.options(0.1))).trainData(data).build());
        assertTrue(partial.getMessage().contains("it lacks '0.weight', '0.bias' (for frozen layers"), partial.getMessage());
        // allowed explicitly: only the last layer trains
        Map<String, Tensor> before = model.stateDict();
        Trainer.builder(model, Losses.crossEntropy(), new SGD(some, SGD.options(0.1))).trainData(data)
                .allowParameterMismatch().epochs(2).build().fit();
        assertTrue(before.get("0.weight").equal(model.namedParameters().get("0.weight").value()), "frozen");
        assertTrue(!before.get("2.weight").equal(model.namedParameters().get("2.weight").value()), "trained");
    }
}
