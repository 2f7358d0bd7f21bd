package dev.descent.nn;

import dev.descent.core.Backends;
import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceModeTest {
    private static final TensorFactory F = Tensor.on(Backends.get(), DType.FLOAT64);

    @Test
    void insideTheScopeModulesComputeAsInEvalWithoutChangingTheirFlag() {
        Dropout drop = new Dropout(0.5, new Rng(1));
        Variable x = Variable.constant(F.ones(50, 20));
        try (InferenceMode scope = InferenceMode.enter()) {
            assertTrue(InferenceMode.isActive());
            assertFalse(drop.isTraining(), "the module computes in eval mode here");
            assertSame(x, drop.apply(x), "dropout is the identity");
            assertFalse(NoGrad.isRecording(), "and nothing is recorded");
        }
        assertFalse(InferenceMode.isActive());
        assertTrue(drop.isTraining(), "the flag was never changed");
        assertTrue(NoGrad.isRecording());
        double[] y = drop.apply(x).value().toDoubleArray();
        assertTrue(java.util.Arrays.stream(y).anyMatch(v -> v == 0), "training again: some elements dropped");
    }

    @Test
    void scopesNestAndBelongToTheirThread() throws Exception {
        InferenceMode outer = InferenceMode.enter();
        InferenceMode inner = InferenceMode.enter();
        inner.close();
        assertTrue(InferenceMode.isActive(), "the outer scope is still open");
        inner.close(); // closing twice is a no-op
        assertTrue(InferenceMode.isActive());
        IllegalStateException e = CompletableFuture.supplyAsync(() ->
                assertThrows(IllegalStateException.class, outer::close)).get(10, TimeUnit.SECONDS);
        assertTrue(e.getMessage().startsWith("InferenceMode.close: a scope must be closed on the thread that opened it"),
                e.getMessage());
        outer.close();
        assertFalse(InferenceMode.isActive());
    }

    /** A module that, in the middle of its forward, lets another thread run the same model in training mode. */
    @Test
    void aThreadInInferenceModeDoesNotTurnOffDropoutOnAnotherThread() throws Exception {
        Rng rng = new Rng(4);
        Dropout drop = new Dropout(0.5, rng.split());
        CountDownLatch inside = new CountDownLatch(1), done = new CountDownLatch(1);
        Module pause = new Module() {
            @Override
            public Variable forward(Variable v) {
                if (InferenceMode.isActive()) {
                    inside.countDown();
                    try {
                        assertTrue(done.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException ex) {
                        throw new IllegalStateException(ex);
                    }
                }
                return v;
            }
        };
        Sequential model = new Sequential(new Linear(F, 20, 20, true, null, null, rng), pause, drop);
        Variable x = Variable.constant(F.ones(30, 20));
        CompletableFuture<Tensor> inference = CompletableFuture.supplyAsync(() -> {
            try (InferenceMode scope = InferenceMode.enter()) {
                return model.apply(x).value();
            }
        });
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        // while the other thread is inside its scope, this thread still trains: dropout is active here
        assertTrue(model.isTraining());
        double[] trained = model.apply(x).value().toDoubleArray();
        long zeros = java.util.Arrays.stream(trained).filter(v -> v == 0).count();
        assertTrue(zeros > 100 && zeros < 500, "about half of 600 dropped, got " + zeros);
        done.countDown();
        Tensor inferred = inference.get(10, TimeUnit.SECONDS);
        model.eval();
        try (NoGrad g = NoGrad.enter()) {
            assertTrue(inferred.equal(model.apply(x).value()), "the inference thread computed the eval-mode output");
        }
    }
}
