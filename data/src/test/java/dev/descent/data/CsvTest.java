package dev.descent.data;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        Path file = dir.resolve("table.csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void stringLabelsBecomeSortedClasses() throws IOException {
        Path file = csv("\uFEFFsepal_length, species ,petal_width\n5.1,setosa,0.2\n\n7.0,\"versicolor\",1.4\n6.3,virginica,-2.5e-1\n"
                + "4.9,setosa,.2\n");
        Dataset d = Csv.readClasses(file, "species");
        assertEquals(List.of("sepal_length", "petal_width"), d.featureNames());
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
        assertArrayEquals(new int[] {0, 1, 2, 0}, d.labels().toIntArray());
        assertEquals(Shape.of(4, 2), d.features().shape());
        assertEquals(DType.FLOAT32, d.features().dtype());
        assertArrayEquals(new float[] {5.1f, 0.2f, 7.0f, 1.4f, 6.3f, -0.25f, 4.9f, 0.2f}, d.features().toFloatArray());
    }

    @Test
    void integerLabelsAreClassIndices() throws IOException {
        Dataset d = Csv.readClasses(csv("label,a\n3,1\n0,2\n"), "label");
        assertArrayEquals(new int[] {3, 0}, d.labels().toIntArray());
        assertEquals(List.of("0", "1", "2", "3"), d.classNames());
    }

    @Test
    void targetsAreFloatColumns() throws IOException {
        Dataset d = Csv.readTargets(csv("x1,x2,price\n1,2,10.5\n3,4,-1e2\n"), "price");
        assertEquals(Shape.of(2, 1), d.labels().shape());
        assertArrayEquals(new float[] {10.5f, -100f}, d.labels().toFloatArray());
        assertEquals(0, d.numClasses());
    }

    private void assertBad(String text, String column, String... parts) throws IOException {
        Path file = csv(text);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Csv.readClasses(file, column));
        assertEquals(file, e.file());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
    }

    @Test
    void badCellsNameLineAndColumn() throws IOException {
        assertBad("a,b,y\n1,2,0\n1,abc,1\n", "y", "line 3, column 2 ('b'): 'abc' is not a number");
        assertBad("a,b,y\n1,2,0\n\n1,,1\n", "y", "line 4, column 2 ('b'): empty cell");
        assertBad("a,b,y\nNaN,2,0\n", "y", "line 2, column 1 ('a'): 'NaN' is not a number");
        assertBad("a,b,y\n1e999,2,0\n", "y", "line 2, column 1 ('a'): '1e999' is out of range");
        assertBad("a,b,y\n1,2\n", "y", "line 2: 2 cells, expected 3");
        assertBad("a,b,y\n1,2,\n", "y", "line 2, column 3 ('y'): empty label");
        assertBad("a,b\n1,2\n", "y", "line 1: no column 'y' in the header [a, b]");
        assertBad("a,a,y\n1,2,3\n", "y", "line 1, column 2: the name 'a' appears twice");
        assertBad("a,\"b,y\n", "y", "line 1, column 2: a quote is not closed");
        assertBad("\n\n", "y", "no header line");
        Path file = csv("a,t\n1,x\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Csv.readTargets(file, "t"));
        assertTrue(e.getMessage().contains("line 2, column 2 ('t'): 'x' is not a number"), e.getMessage());
    }

    @Test
    void decimalGrammarRejectsJavaOnlyForms() {
        for (String ok : new String[] {"0", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "-0.0e+0"}) assertTrue(Csv.isDecimal(ok), ok);
        for (String bad : new String[] {"", "-", ".", "1f", "2d", "0x10", "Infinity", "NaN", "1e", "1e+", "1.2.3", " 1", "١"}) {
            assertFalse(Csv.isDecimal(bad), bad);
        }
    }
}
