package dev.descent.examples;

import dev.descent.examples.plot.Plots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LectureTest {
    record FakeDemo(String name, String title, Exception failure) implements Demo {
        @Override
        public DemoResult run(RunContext ctx) throws Exception {
            if (failure != null) throw failure;
            var f = ctx.figure(Plots.line("Cost of " + name, "epoch", "cost").series("s", new double[] {3, 2, 1}),
                    "cost.png", "Cost goes down.", "final cost 1");
            return DemoResult.builder(title).lead("A fake demo.").figure(f).measurement("final cost", 1.0)
                    .summary("done").build();
        }
    }

    @Test
    void runsEveryDemoAndReportsWhyOthersDidNot(@TempDir Path out) throws Exception {
        List<Demo> demos = List.of(new FakeDemo("one", "First", null),
                new FakeDemo("two", "Second", DemoUnavailableException.notBuilt("two")),
                new FakeDemo("data", "Needs data", new DemoUnavailableException(
                        DemoUnavailableException.Reason.MISSING_DATA, "no data here")),
                new FakeDemo("bad", "Breaks", new ArithmeticException("boom")));
        Lecture.Outcome o = Lecture.run(demos, RunContext.forTest(out, 1));
        assertEquals(out.resolve("report/index.html"), o.index());
        assertEquals(List.of("one"), o.ran());
        assertEquals(Map.of("two", "the 'two' demo is not available in this build"), o.notBuilt());
        assertEquals(Map.of("data", "no data here"), o.missingData());
        assertEquals(Map.of("bad", "ArithmeticException: boom"), o.failed());
        assertEquals(1, o.exitCode());
        assertTrue(Files.isRegularFile(out.resolve("report/one/cost.png")));
        String html = Files.readString(o.index());
        assertTrue(html.contains("<img src=\"one/cost.png\""), html);
        assertTrue(html.contains("Cost goes down. \u2014 final cost 1"), html);
        assertTrue(html.contains("<p class=\"note\">Failed: ArithmeticException: boom</p>"), html);
        assertTrue(html.contains("<p class=\"note\">Not run: no data here.</p>"), html);
        for (String n : List.of("one", "two", "data", "bad")) assertTrue(html.contains("<td>" + n + "</td>"), n);
        assertTrue(html.contains("<td>two</td><td class=\"num\">not available in this build</td>"), html);
        assertTrue(html.contains("<td>data</td><td class=\"num\">not run: missing data</td>"), html);
        assertTrue(html.contains("<td>bad</td><td class=\"num\">failed: ArithmeticException: boom</td>"), html);
        assertTrue(html.matches("(?s).*<td>one</td><td class=\"num\">ran \\(\\d+\\.\\d s\\)</td>.*"), html);
    }

    @Test
    void missingDataAloneIsNotAFailure(@TempDir Path out) throws Exception {
        Lecture.Outcome o = Lecture.run(List.of(new FakeDemo("one", "First", null), new FakeDemo("data", "Data",
                new DemoUnavailableException(DemoUnavailableException.Reason.MISSING_DATA, "absent"))),
                RunContext.forTest(out, 1));
        assertEquals(0, o.exitCode());
    }

    @Test
    void errorsAreOneLine() {
        assertEquals("a; b", Errors.message(new IllegalArgumentException("a\n   b")));
        assertEquals("NullPointerException", Errors.message(new NullPointerException()));
        assertEquals("x", Errors.message(new RuntimeException(null, new IllegalStateException("x"))));
        assertEquals("RuntimeException: NullPointerException", Errors.message(new RuntimeException(new NullPointerException())));
    }

    @Test
    void fileErrorsSayWhatHappenedToWhichFileWithoutTheirClass() {
        assertEquals("a.csv: no such file or directory", Errors.message(new java.nio.file.NoSuchFileException("a.csv")));
        assertEquals("a.csv: no such CSV file",
                Errors.message(new java.nio.file.NoSuchFileException("a.csv", null, "no such CSV file")));
        assertEquals("/root/x: permission denied", Errors.message(new java.nio.file.AccessDeniedException("/root/x")));
        assertEquals("a -> b: already exists",
                Errors.message(new java.nio.file.FileAlreadyExistsException("a", "b", null)));
        // UncheckedIOException(cause) repeats the cause's toString, class name and all: the cause speaks instead
        assertEquals("a.csv: no such file or directory",
                Errors.message(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("a.csv"))));
        assertEquals("m.safetensors: bad header", Errors.message(new java.io.IOException("m.safetensors: bad header")));
        assertEquals("IndexOutOfBoundsException: 3", Errors.message(new IndexOutOfBoundsException("3")));
    }
}
