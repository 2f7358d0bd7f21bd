package dev.descent.backend.openblas;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreTypeTest {
    private static final List<String> AVX2 = List.of("sse4_2", "avx", "avx2", "fma");
    private static final List<String> AVX512 = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw");

    @Test
    void autoSetsHaswellOnlyOnAnAvx2AmdCpuWithoutAvx512() {
        assertEquals("Haswell", CoreType.decide(null, Map.of(), "AuthenticAMD", AVX2).value());
        assertEquals("Haswell", CoreType.decide("auto", Map.of(), "AuthenticAMD", AVX2).value());
        assertNull(CoreType.decide(null, Map.of(), "AuthenticAMD", AVX512).value());
        assertNull(CoreType.decide(null, Map.of(), "GenuineIntel", AVX2).value());
        assertNull(CoreType.decide(null, Map.of(), "AuthenticAMD", List.of("sse4_2", "avx")).value());
        assertEquals("chosen by OpenBLAS for this CPU", CoreType.decide(null, Map.of(), "", List.of()).why());
    }

    @Test
    void theUsersEnvironmentWinsThenTheProperty() {
        CoreType.Decision user = CoreType.decide("SkylakeX", Map.of("OPENBLAS_CORETYPE", "Zen"), "AuthenticAMD", AVX2);
        assertNull(user.value());
        assertTrue(user.why().contains("OPENBLAS_CORETYPE=Zen set by the user"), user.why());
        assertNull(CoreType.decide("off", Map.of(), "AuthenticAMD", AVX2).value());
        assertEquals("Sandybridge", CoreType.decide(" Sandybridge ", Map.of(), "GenuineIntel", AVX512).value());
    }
}
