package dev.descent.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Float32GeneratorTest {
    private static final String TEMPLATE = String.join("\n",
            "package p;",
            "// float32 twin: FloatThing DMatrixRMaj=FMatrixRMaj",
            "/** Sums in float64. */",
            "final class DoubleThing {",
            "    static double sum(double[] x, DMatrixRMaj m) {",
            "        @Float64Only double acc = 0;",
            "        double accurate = Double.MAX_VALUE;",
            "        for (double v : x) acc += v;",
            "        return (double) acc + DType.FLOAT64.ordinal();",
            "    }",
            "}",
            "");

    @Test
    void replacesTheTypeEverywhereExceptAfterTheMarker() {
        String twin = Float32Generator.twin(TEMPLATE, "DoubleThing.java");
        assertTrue(twin.contains("final class FloatThing {"), twin);
        assertTrue(twin.contains("static float sum(float[] x, FMatrixRMaj m)"), twin);
        assertTrue(twin.contains("@Float64Only double acc = 0;"), "the marked accumulator keeps 64 bits: " + twin);
        assertTrue(twin.contains("float accurate = Float.MAX_VALUE;"), "a name starting with acc is not a marker: " + twin);
        assertTrue(twin.contains("for (float v : x)"), twin);
        assertTrue(twin.contains("return (float) acc + DType.FLOAT32.ordinal();"), twin);
        assertTrue(twin.contains("/** Sums in float32. */"), twin);
        assertTrue(twin.contains("// Generated at build time from DoubleThing.java"), twin);
        assertFalse(twin.contains("float32 twin:"), "the directive is replaced: " + twin);
    }

    @Test
    void rejectsATemplateThatMentionsTheTargetType() {
        String bad = TEMPLATE.replace("double accurate", "float accurate");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Float32Generator.twin(bad, "DoubleThing.java"));
        assertTrue(e.getMessage().startsWith("DoubleThing.java:7:"), e.getMessage());
    }

    @Test
    void rejectsATwinNameTheTemplateDoesNotProduce() {
        String bad = TEMPLATE.replace("twin: FloatThing", "twin: Other");
        assertThrows(IllegalArgumentException.class, () -> Float32Generator.twin(bad, "DoubleThing.java"));
    }

    @Test
    void writesOneTwinPerTemplateBesideItsPackage(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/p"), out = dir.resolve("out");
        Files.createDirectories(src);
        Files.writeString(src.resolve("DoubleThing.java"), TEMPLATE);
        Files.writeString(src.resolve("Plain.java"), "package p; class Plain { double x; }");
        assertEquals(1, Float32Generator.generate(dir.resolve("src"), out));
        assertEquals(Float32Generator.twin(TEMPLATE, "DoubleThing.java"),
                Files.readString(out.resolve("p/FloatThing.java")));
        assertFalse(Files.exists(out.resolve("p/Plain.java")));
        assertEquals(0, Float32Generator.generate(dir.resolve("missing"), out));
    }
}
