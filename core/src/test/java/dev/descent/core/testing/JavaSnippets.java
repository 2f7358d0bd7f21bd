package dev.descent.core.testing;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The {@code ```java} blocks of a Markdown page, compiled and run exactly as written. A block is its imports and
 * then either statements, which become the body of {@code main} (the way a reader pastes them into a program of
 * their own), or only type declarations, which are compiled as one file. Programs run in a JVM of their own with
 * assertions on ({@code -ea}), in a fresh working directory, so a block's {@code assert} lines are its checks and
 * the files it writes land nowhere else.
 */
public final class JavaSnippets {
    private static final Pattern BLOCK = Pattern.compile("^```java\\n(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile("((public|final|abstract)\\s+)*(class|interface|record|enum)\\s.*");

    private JavaSnippets() {
    }

    /** One block: where it is, its imports, and the rest. */
    public record Snippet(String name, String imports, String body) {
        /** Whether the block declares types only (compiled, nothing to run): no statement outside braces. */
        public boolean declaresTypesOnly() {
            int depth = 0;
            boolean type = false;
            for (String line : body.split("\n")) {
                String t = line.strip();
                if (depth == 0 && !t.isEmpty() && !t.startsWith("//") && !t.startsWith("/*") && !t.startsWith("*")
                        && !t.startsWith("@") && !t.equals("}")) {
                    if (!TYPE.matcher(t).matches()) return false;
                    type = true;
                }
                for (char c : line.toCharArray()) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
            return type;
        }

        /** The Java source the block becomes: the block's text, verbatim, inside a main method when it has statements. */
        public String source() {
            if (declaresTypesOnly()) return imports + body;
            return imports + "public class Snippet {\npublic static void main(String[] args) throws Exception {\n" + body
                    + "}\n}\n";
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every {@code ```java} block of {@code markdown}, named by the file and the line it starts on. */
    public static List<Snippet> of(Path markdown) throws IOException {
        String text = Files.readString(markdown, StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(text);
        List<Snippet> out = new ArrayList<>();
        while (m.find()) {
            int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            String block = m.group(1);
            StringBuilder imports = new StringBuilder();
            int at = 0;
            for (String l : block.split("\n", -1)) {
                if (!l.startsWith("import ") && !l.isBlank()) break;
                imports.append(l).append('\n');
                at += l.length() + 1;
            }
            out.add(new Snippet(markdown.getFileName() + ":" + line, imports.toString(), block.substring(Math.min(at, block.length()))));
        }
        return out;
    }

    /**
     * Compiles {@code snippet} against {@code classPath} and, unless it declares types only, runs it with {@code -ea}
     * in a new directory under {@code work}; fails with the compiler's or the program's output.
     */
    public static void compileAndRun(Snippet snippet, String classPath, Path work, Duration timeout) throws Exception {
        compileAndRun(snippet, classPath, work, timeout, List.of());
    }

    /** {@link #compileAndRun(Snippet, String, Path, Duration)}, the program's JVM started with {@code jvmArgs}. */
    public static void compileAndRun(Snippet snippet, String classPath, Path work, Duration timeout, List<String> jvmArgs)
            throws Exception {
        Path dir = Files.createTempDirectory(work, "snippet");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path file = dir.resolve("Snippet.java");
        Files.writeString(file, snippet.source(), StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-encoding", "UTF-8", "-classpath", classPath, "-d", classes.toString(),
                file.toString());
        assertEquals(0, rc, snippet + " does not compile as written:\n" + err.toString(StandardCharsets.UTF_8)
                + "\n--- source ---\n" + snippet.source());
        if (snippet.declaresTypesOnly()) {
            assertTrue(Files.list(classes).findAny().isPresent(), snippet + " compiled to nothing");
            return;
        }
        Path log = dir.resolve("output.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-ea", "-Djava.awt.headless=true"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classes + File.pathSeparator + classPath, "Snippet"));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            fail(snippet + " did not finish within " + timeout + ":\n" + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), snippet + " failed:\n" + Files.readString(log));
    }
}
