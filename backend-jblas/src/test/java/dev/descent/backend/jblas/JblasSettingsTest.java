package dev.descent.backend.jblas;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JblasSettingsTest {
    private static final List<String> AVX2 = List.of("sse4_2", "avx", "avx2", "fma");
    private static final List<String> OLD = List.of("sse4_2", "avx");

    private static String core(String property, Map<String, String> env, List<String> flags) {
        return JblasSettings.coreType(property, env, flags).value();
    }

    @Test
    void coreTypeIsHaswellOnAvx2AndFmaCpusUnlessTheUserDecides() {
        assertEquals("Haswell", core(null, Map.of(), AVX2));
        assertEquals("Haswell", core("auto", Map.of(), AVX2));
        assertNull(core(null, Map.of(), OLD), "no AVX2: OpenBLAS's own choice");
        assertNull(core(null, Map.of(), List.of("avx2")), "AVX2 without FMA: OpenBLAS's own choice");
        assertNull(core("off", Map.of(), AVX2));
        assertNull(core("false", Map.of(), AVX2));
        assertEquals("SkylakeX", core("SkylakeX", Map.of(), AVX2), "an explicit core name is set as given");
        var user = JblasSettings.coreType("SkylakeX", Map.of("OPENBLAS_CORETYPE", "Zen"), AVX2);
        assertNull(user.value(), "the environment wins over everything");
        assertEquals("OPENBLAS_CORETYPE=Zen (set by the user)", user.why());
    }

    @Test
    void mallocThresholdsAreRaisedUnlessTheUserSetThemOrOptedOut() {
        String v = "MALLOC_MMAP_THRESHOLD_", t = "glibc.malloc.mmap_threshold";
        assertEquals("1073741824", JblasSettings.mallocThreshold(null, Map.of(), v, t).value());
        assertEquals("1073741824", JblasSettings.mallocThreshold("on", Map.of("MALLOC_TRIM_THRESHOLD_", "1"), v, t).value(),
                "the other threshold's variable does not count");
        assertNull(JblasSettings.mallocThreshold(null, Map.of(v, "65536"), v, t).value());
        assertEquals("MALLOC_MMAP_THRESHOLD_=65536 (set by the user)", JblasSettings.mallocThreshold(null, Map.of(v, "65536"), v, t).why());
        assertNull(JblasSettings.mallocThreshold(null, Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536"), v, t).value());
        assertNull(JblasSettings.mallocThreshold("off", Map.of(), v, t).value());
    }

    @Test
    void threadsFollowDescentsSettingUnlessTheEnvironmentNamesThem() {
        assertEquals("3", JblasSettings.threads(Map.of(), 3).value());
        assertEquals(null, JblasSettings.threads(Map.of("OPENBLAS_NUM_THREADS", "1"), 3).value());
        assertEquals(null, JblasSettings.threads(Map.of("OMP_NUM_THREADS", "2"), 3).value());
        assertEquals("2", JblasSettings.threads(Map.of("OPENBLAS_NUM_THREADS", " "), 2).value());
    }
}
