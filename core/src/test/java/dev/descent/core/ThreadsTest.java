package dev.descent.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadsTest {
    @Test
    void thePropertyWinsOverTheEnvironmentWhichWinsOverTheProcessors() {
        Map<String, String> env = Map.of(Threads.ENVIRONMENT, "3");
        assertEquals(new Threads.Setting(2, "-Ddescent.threads"), Threads.setting(" 2 ", env, 8));
        assertEquals(new Threads.Setting(3, "DESCENT_THREADS"), Threads.setting(null, env, 8));
        assertEquals(new Threads.Setting(8, "available processors"), Threads.setting("", Map.of(), 8));
        assertEquals(1, Threads.setting(null, Map.of(), 0).count());
    }

    @Test
    void aValueThatIsNotAPositiveIntegerIsAnErrorNamingItsSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Threads.setting("0", Map.of(), 4));
        assertTrue(e.getMessage().contains("descent.threads") && e.getMessage().contains("'0'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Threads.setting(null, Map.of(Threads.ENVIRONMENT, "two"), 4));
        assertTrue(e.getMessage().contains("DESCENT_THREADS") && e.getMessage().contains("'two'"), e.getMessage());
    }
}
