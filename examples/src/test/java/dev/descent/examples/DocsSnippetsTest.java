package dev.descent.examples;

import dev.descent.core.testing.JavaSnippets;
import dev.descent.core.testing.JavaSnippets.Snippet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compiles and runs every {@code ```java} block of the README and of the guides in {@code docs/} exactly as
 * written ({@link JavaSnippets}): each carries its own imports and checks its claims with {@code assert}, so a
 * snippet that no longer compiles or no longer holds breaks the build. The README's Spark block needs Spark on the
 * class path; the {@code spark} module runs it ({@code ReadmeSparkSnippetTest}).
 */
class DocsSnippetsTest {
    @TempDir
    static Path work;

    static List<Snippet> pages() throws Exception {
        List<Snippet> all = new ArrayList<>(JavaSnippets.of(Path.of("..", "README.md")));
        try (Stream<Path> files = Files.list(Path.of("..", "docs"))) {
            for (Path md : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) all.addAll(JavaSnippets.of(md));
        }
        return all;
    }

    static boolean needsSpark(Snippet s) {
        return s.imports().contains("import org.apache.spark");
    }

    @TestFactory
    List<DynamicTest> everySnippetOfTheReadmeAndTheGuidesCompilesAndHoldsAsWritten() throws Exception {
        List<Snippet> all = pages();
        List<DynamicTest> tests = new ArrayList<>();
        for (Snippet s : all) {
            if (needsSpark(s)) continue;
            tests.add(DynamicTest.dynamicTest(s.name(), () -> {
                JavaSnippets.compileAndRun(s, System.getProperty("java.class.path"), work, Duration.ofMinutes(2));
            }));
        }
        assertEquals(1, all.stream().filter(DocsSnippetsTest::needsSpark).count(), "the README's Spark block");
        assertTrue(tests.size() >= 15, "expected the README and the guides to hold runnable snippets, found " + tests.size());
        return tests;
    }
}
