package dev.descent.backend.ejml;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EjmlBackendTest {

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void multiThreadedGemmAgreesWithSingleThreadedForEveryTransposeCombination(DType dt) {
        EjmlBackend single = new EjmlBackend(false), multi = new EjmlBackend(true);
        int n = 80; // 80^3 multiply-adds is above the multi-threading threshold
        assertTrue((long) n * n * n >= EjmlBackend.MT_THRESHOLD);
        Rng rng = new Rng(1);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = Tensor.on(single, dt).normal(rng, 0, 1, n, n);
                Tensor b = Tensor.on(single, dt).normal(rng, 0, 1, n, n);
                Tensor s = a.matmul(b, ta, tb);
                Tensor m = a.to(multi).matmul(b.to(multi), ta, tb);
                double tol = dt == DType.FLOAT32 ? 1e-4 : 1e-12;
                assertTrue(s.allClose(m.to(single), tol, tol), "transA=" + ta + " transB=" + tb);
            }
        }
    }

    @Test
    void batchedProductsAtNonZeroOffsetsAreCopiedAndWrittenBack() {
        EjmlBackend ejml = new EjmlBackend(true);
        Tensor a = Tensor.on(ejml, DType.FLOAT64).normal(new Rng(2), 0, 1, 3, 70, 70);
        Tensor b = Tensor.on(ejml, DType.FLOAT64).normal(new Rng(3), 0, 1, 70, 70);
        Tensor batched = a.matmul(b);
        for (int i = 0; i < 3; i++) {
            Tensor one = a.slice(0, i, i + 1).reshape(70, 70).matmul(b);
            assertTrue(batched.slice(0, i, i + 1).reshape(70, 70).allClose(one, 1e-12, 1e-12));
        }
    }

    @Test
    void theProviderIsFoundByServiceLoaderAndAlwaysAvailable() {
        Backends.Found found = Backends.found().stream().filter(f -> f.name().equals("ejml")).findFirst().orElseThrow();
        assertEquals(10, found.priority());
        assertTrue(found.availability().available());
        assertTrue(found.availability().reason().contains("EJML 0.46.1"));
        assertEquals("ejml", Backends.get().name()); // the only backend on this module's class path
        assertTrue(Backends.get() instanceof EjmlBackend);
    }
}
