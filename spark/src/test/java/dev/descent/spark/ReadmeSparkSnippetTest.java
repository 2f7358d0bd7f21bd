package dev.descent.spark;

import dev.descent.core.testing.JavaSnippets;
import dev.descent.core.testing.JavaSnippets.Snippet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's Spark block, compiled and run as written in a JVM of its own (Spark in local mode on 127.0.0.1):
 * the one block the examples module's docs test leaves to this module, which has Spark on its class path.
 */
class ReadmeSparkSnippetTest {
    @Test
    void theReadmesSparkBlockCompilesAndTrains(@TempDir Path work) throws Exception {
        List<Snippet> spark = JavaSnippets.of(Path.of("..", "README.md")).stream()
                .filter(s -> s.imports().contains("import org.apache.spark")).toList();
        assertEquals(1, spark.size(), "the README's Spark block");
        JavaSnippets.compileAndRun(spark.get(0), System.getProperty("java.class.path"), work, Duration.ofMinutes(3),
                List.of("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "-Xmx512m",
                        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
                        "-Dspark.ui.enabled=false"));
    }
}
