package dev.descent.examples;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compiles and runs every {@code ```java} block of the guides in {@code docs/}: each block becomes the body of a
 * method with Descent's packages imported and a {@code check(boolean)} that fails the test, so a guide whose
 * snippet no longer compiles or no longer holds breaks the build.
 */
class DocsSnippetsTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final String IMPORTS = String.join("\n",
            "import dev.descent.core.*;", "import dev.descent.core.io.*;", "import dev.descent.autodiff.*;",
            "import dev.descent.autodiff.check.*;", "import dev.descent.nn.layers.*;", "import dev.descent.nn.activations.*;",
            "import dev.descent.nn.losses.*;", "import dev.descent.nn.init.*;", "import dev.descent.nn.regularization.*;",
            "import dev.descent.data.*;", "import dev.descent.optim.*;", "import dev.descent.optim.clip.*;",
            "import dev.descent.optim.schedule.*;", "import dev.descent.optim.train.*;", "import java.util.List;");

    @TestFactory
    List<DynamicTest> everyGuideSnippetCompilesAndHolds() throws Exception {
        Path docs = Path.of("..", "docs");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(docs)) {
            for (Path md : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = BLOCK.matcher(Files.readString(md));
                int n = 0;
                while (m.find()) {
                    String body = m.group(1);
                    String name = md.getFileName() + " snippet " + (++n);
                    tests.add(DynamicTest.dynamicTest(name, () -> run(name, body)));
                }
            }
        }
        assertTrue(tests.size() >= 10, "expected the guides to hold runnable snippets, found " + tests.size());
        return tests;
    }

    private static void run(String name, String body) throws Exception {
        Path dir = Files.createTempDirectory("snippet");
        String source = IMPORTS + "\npublic class Snippet {\n"
                + "    static void check(boolean condition) { if (!condition) throw new AssertionError(\"check failed\"); }\n"
                + "    public static void run() throws Exception {\n" + body + "\n    }\n}\n";
        Path file = dir.resolve("Snippet.java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(),
                file.toString());
        assertEquals(0, rc, name + " does not compile:\n" + err.toString(StandardCharsets.UTF_8));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                DocsSnippetsTest.class.getClassLoader())) {
            loader.loadClass("Snippet").getMethod("run").invoke(null);
        }
    }
}
