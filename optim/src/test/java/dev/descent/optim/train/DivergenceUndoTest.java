package dev.descent.optim.train;

import dev.descent.core.Backends;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.nn.layers.Sequential;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Optimizers;
import dev.descent.optim.Optimizer;
import dev.descent.optim.StateDict;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A step that the divergence guard undoes leaves the optimiser as it was before that step, bit for bit: its
 * parameters, step counts and every buffer (for RMSProp, {@code step} and every {@code square_avg}).
 */
class DivergenceUndoTest {
    private static final Backend DEFAULT = Backends.get();

    @TestFactory
    List<DynamicTest> anUndoneStepRestoresTheOptimizersState() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Optimizers.names()) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Tensor[] d = TrainerTest.moonsLike(DEFAULT, 16, 3);
                Tensor x = d[0].to(DType.FLOAT32), y = d[1].to(DType.FLOAT32);
                Sequential model = new Sequential(new Linear(Tensor.on(DEFAULT, DType.FLOAT32), 2, 4, true, null, null,
                        new Rng(1)), new Linear(Tensor.on(DEFAULT, DType.FLOAT32), 4, 1, true, null, null, new Rng(2)));
                Optimizer<?> opt = Optimizers.byName(name, model.parameters(), Map.of("lr", 0.01));
                List<StateDict> states = new ArrayList<>();
                List<List<Tensor>> values = new ArrayList<>();
                // three small steps, then a learning rate beyond float32's range: the step makes the weights infinite
                Trainer trainer = Trainer.builder(model, Losses.mse(), opt)
                        .trainData(DataLoader.over(x, y).mode(BatchMode.batch()).build()).epochs(10)
                        .schedule(t -> t < 3 ? 0.01 : Double.MAX_VALUE, Trainer.ScheduleUnit.STEP)
                        .listener(new TrainingListener() {
                            @Override
                            public void onStep(History.Step step) {
                                states.add(opt.stateDict());
                                List<Tensor> v = new ArrayList<>();
                                for (Variable p : model.parameters()) v.add(p.value().copy());
                                values.add(v);
                            }
                        }).build();
                History h = trainer.fit();
                assertEquals(StopReason.DIVERGED, h.stopReason(), h.stopMessage());
                assertTrue(h.stopMessage().contains("non-finite; it was undone"), h.stopMessage());
                assertEquals(3, states.size(), "steps before the undone one");
                // the schedule, not the step, set the learning rate: everything else is as after step 3
                assertStateEquals(states.get(2), opt.stateDict(), "group.0.lr");
                List<Variable> params = model.parameters();
                for (int i = 0; i < params.size(); i++) assertTrue(values.get(2).get(i).equal(params.get(i).value()));
                assertFalse(opt.isUndoable(), "the trainer leaves the optimiser as it found it");
            }));
        }
        return tests;
    }

    /** Same tensors bit for bit and the same metadata, but for {@code except}. */
    static void assertStateEquals(StateDict a, StateDict b, String except) {
        Map<String, String> ma = new java.util.HashMap<>(a.metadata()), mb = new java.util.HashMap<>(b.metadata());
        ma.remove(except);
        mb.remove(except);
        assertEquals(ma, mb);
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        a.tensors().forEach((k, t) -> assertTrue(java.util.Arrays.equals(t.toDoubleArray(),
                b.tensors().get(k).toDoubleArray()), k));
    }
}
