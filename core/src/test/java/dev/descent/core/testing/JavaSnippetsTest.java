package dev.descent.core.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JavaSnippetsTest {
    @TempDir
    Path dir;

    private List<JavaSnippets.Snippet> page(String markdown) throws Exception {
        Path md = Files.writeString(dir.resolve("page.md"), markdown);
        return JavaSnippets.of(md);
    }

    private void run(JavaSnippets.Snippet s) throws Exception {
        JavaSnippets.compileAndRun(s, System.getProperty("java.class.path"), dir, Duration.ofMinutes(1));
    }

    @Test
    void blocksAreReadVerbatimWithTheirImportsAndWhereTheyStart() throws Exception {
        List<JavaSnippets.Snippet> s = page("# t\n\n```java\nimport java.util.List;\n\nint n = List.of(1).size();\n"
                + "assert n == 1;\n```\n\ntext\n```bash\nls\n```\n```java\nfinal class A {\n    int f() { return 1; }\n}\n```\n");
        assertEquals(2, s.size());
        assertEquals("page.md:3", s.get(0).name());
        assertEquals("import java.util.List;\n\n", s.get(0).imports());
        assertEquals("int n = List.of(1).size();\nassert n == 1;\n", s.get(0).body());
        assertFalse(s.get(0).declaresTypesOnly());
        assertTrue(s.get(1).declaresTypesOnly());
        assertTrue(s.get(0).source().contains(s.get(0).body()), "the body as written");
        run(s.get(0));
        run(s.get(1));
    }

    @Test
    void aFalseAssertAStatementThatThrowsAndAMissingImportFail() throws Exception {
        List<JavaSnippets.Snippet> s = page("```java\nassert 1 + 1 == 3 : \"arithmetic\";\n```\n"
                + "```java\nthrow new IllegalStateException(\"no\");\n```\n"
                + "```java\nList<Integer> l = List.of();\n```\n");
        AssertionFailedError a = assertThrows(AssertionFailedError.class, () -> run(s.get(0)));
        assertTrue(a.getMessage().contains("AssertionError: arithmetic"), "run with -ea: " + a.getMessage());
        assertTrue(assertThrows(AssertionFailedError.class, () -> run(s.get(1))).getMessage().contains("no"));
        assertTrue(assertThrows(AssertionFailedError.class, () -> run(s.get(2))).getMessage()
                .contains("does not compile as written"));
    }
}
