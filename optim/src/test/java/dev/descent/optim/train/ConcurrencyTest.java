package dev.descent.optim.train;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.spi.Backend;
import dev.descent.nn.activations.Tanh;
import dev.descent.data.BatchMode;
import dev.descent.data.DataLoader;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import dev.descent.nn.losses.Losses;
import dev.descent.optim.Adam;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One model serves eight inference threads, and two models train at once, with the same results as one thread,
 * bit for bit, on every backend on the class path. The model keeps its training flag on and has dropout, so a
 * pass that ran in training mode would differ.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 40;

    /**
     * One dynamic test per backend found; an unavailable one fails with its loader's reason. Core's test fixtures
     * (a provider that fails on purpose, on the class path when the reactor hands over core's test classes) only
     * test discovery and are left out.
     */
    private static List<DynamicTest> perBackend(String what, BackendCheck check) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backends.Found found : Backends.found()) {
            if (found.providerClass().startsWith("dev.descent.core.testing.")
                    && !found.availability().available()) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(what + " on " + found.name(), () -> {
                if (!found.availability().available()) {
                    fail("backend " + found.name() + " is unavailable: " + found.availability().reason());
                }
                check.run(Backends.get(found.name()));
            }));
        }
        assertTrue(tests.size() >= 1, "no backend on the class path");
        return tests;
    }

    private interface BackendCheck {
        void run(Backend backend) throws Exception;
    }

    static Sequential model(Backend b, long seed) {
        TensorFactory f = Tensor.on(b, DType.FLOAT32);
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(f, 16, 64, true, null, null, rng), new Tanh(), new Dropout(0.3, rng.split()),
                new Linear(f, 64, 64, true, null, null, rng), new Tanh(), new Dropout(0.3, rng.split()),
                new Linear(f, 64, 5, true, null, null, rng));
    }

    static Tensor[] data(Backend b, int n, long seed) {
        Rng rng = new Rng(seed);
        TensorFactory f = Tensor.on(b, DType.FLOAT32);
        Tensor x = f.normal(rng, 0, 1, n, 16);
        Tensor y = Tensor.on(b, DType.INT32).of(x.slice(1, 0, 5).argmax(1).toIntArray());
        return new Tensor[] {x, y};
    }

    @TestFactory
    List<DynamicTest> eightThreadsInferOnOneModelAsOneThreadDoes() {
        return perBackend("8 inference threads", b -> {
            Sequential model = model(b, 1);
            Tensor[] d = data(b, 96, 2);
            DataLoader loader = DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(32)).build();
            Trainer trainer = Trainer.builder(model, Losses.crossEntropy(), new Adam(model.parameters(), Adam.options()))
                    .trainData(loader).metrics(Metrics.accuracy()).build();
            assertTrue(model.isTraining(), "the model stays in training mode throughout");
            Tensor reference = trainer.predict(d[0], 24);
            Map<String, Double> referenceEval = trainer.evaluate(loader);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        int mismatches = 0;
                        for (int call = 0; call < CALLS_PER_THREAD; call++) {
                            if ((thread + call) % 4 == 0) {
                                if (!trainer.evaluate(loader).equals(referenceEval)) mismatches++;
                            } else if (!trainer.predict(d[0], 24).equal(reference)) {
                                mismatches++;
                            }
                        }
                        return mismatches;
                    }));
                }
                int mismatches = 0;
                for (Future<Integer> r : results) mismatches += r.get(100, TimeUnit.SECONDS);
                assertEquals(0, mismatches, "calls whose result differed from the single-threaded one, of "
                        + THREADS * CALLS_PER_THREAD);
            } finally {
                pool.shutdownNow();
            }
            assertTrue(model.isTraining());
        });
    }

    /** A trainer over its own model, data, loader and generators. */
    private static Trainer trainer(Backend b, long seed) {
        Sequential model = model(b, seed);
        Tensor[] d = data(b, 80, seed + 100);
        return Trainer.builder(model, Losses.crossEntropy(), new Adam(model.parameters(), Adam.options().withLr(0.01)))
                .trainData(DataLoader.over(d[0], d[1]).mode(BatchMode.miniBatch(16)).shuffle(new Rng(seed + 7)).build())
                .epochs(4).build();
    }

    @TestFactory
    List<DynamicTest> twoModelsTrainingAtOnceEqualTrainingThemOneAfterTheOther() {
        return perBackend("2 training threads", b -> {
            Trainer firstAlone = trainer(b, 11), secondAlone = trainer(b, 12);
            History h1 = firstAlone.fit(), h2 = secondAlone.fit();
            for (int round = 0; round < 3; round++) {
                Trainer first = trainer(b, 11), second = trainer(b, 12);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Callable<History> a = first::fit, c = second::fit;
                    Future<History> fa = pool.submit(a), fc = pool.submit(c);
                    History g1 = fa.get(100, TimeUnit.SECONDS), g2 = fc.get(100, TimeUnit.SECONDS);
                    assertArrayEquals(h1.stepLosses(), g1.stepLosses(), "first model's losses, round " + round);
                    assertArrayEquals(h2.stepLosses(), g2.stepLosses(), "second model's losses, round " + round);
                } finally {
                    pool.shutdownNow();
                }
                assertSameParameters(firstAlone, first, "first model, round " + round);
                assertSameParameters(secondAlone, second, "second model, round " + round);
            }
        });
    }

    private static void assertSameParameters(Trainer expected, Trainer actual, String what) {
        var want = expected.model.namedParameters();
        var got = actual.model.namedParameters();
        for (var e : want.entrySet()) {
            assertTrue(e.getValue().value().equal(got.get(e.getKey()).value()), what + ": " + e.getKey());
        }
    }
}
