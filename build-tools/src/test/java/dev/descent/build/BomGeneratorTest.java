package dev.descent.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BomGeneratorTest {
    private static void pom(Path dir, String body) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pom.xml"), "<?xml version=\"1.0\"?>\n<project>\n" + body + "\n</project>\n");
    }

    private static String parented(String artifactId, String extra) {
        return "<parent><groupId>g.root</groupId><artifactId>parent</artifactId><version>1</version></parent>"
                + "<artifactId>" + artifactId + "</artifactId>" + extra;
    }

    @Test
    void listsEveryModuleOnceInModuleOrderLeavingOutTheBomAndSkippedOnes(@TempDir Path root) throws IOException {
        pom(root, "<groupId>g.root</groupId><artifactId>parent</artifactId><version>1</version>"
                + "<packaging>pom</packaging><modules><module>bom</module><module>core</module>"
                + "<module>backends</module><module>tools</module><module>group</module></modules>");
        pom(root.resolve("bom"), "<groupId>g.root</groupId><artifactId>the-bom</artifactId><version>1.2-SNAPSHOT</version>"
                + "<packaging>pom</packaging><name>The BOM</name><description>Pins\n   versions &amp; more</description>");
        pom(root.resolve("core"), parented("core", ""));
        pom(root.resolve("backends"), parented("backends", "<packaging>pom</packaging>"));
        pom(root.resolve("tools"), parented("tools", "<properties><descent.bom.skip>true</descent.bom.skip></properties>"));
        pom(root.resolve("group"), parented("group", "<packaging>pom</packaging><properties><descent.bom.skip>true"
                + "</descent.bom.skip></properties><modules><module>inner</module><module>../core</module></modules>"));
        pom(root.resolve("group/inner"), "<parent><groupId>g.root</groupId><artifactId>group</artifactId>"
                + "<version>1</version></parent><groupId>g.other</groupId><artifactId>inner</artifactId>");

        Path out = root.resolve("bom/target/bom.pom");
        List<BomGenerator.Entry> entries = BomGenerator.write(root.resolve("pom.xml"), root.resolve("bom/pom.xml"), out);

        assertEquals(List.of(new BomGenerator.Entry("g.root", "core", null),
                new BomGenerator.Entry("g.root", "backends", "pom"),
                new BomGenerator.Entry("g.other", "inner", null)), entries,
                "the skipped aggregator's own modules are still followed, and a module listed twice is entered once");
        String text = Files.readString(out);
        assertTrue(text.contains("<artifactId>the-bom</artifactId>\n  <version>1.2-SNAPSHOT</version>"), text);
        assertTrue(text.contains("<dependency><groupId>g.root</groupId><artifactId>backends</artifactId>"
                + "<version>1.2-SNAPSHOT</version><type>pom</type></dependency>"), text);
        assertTrue(text.contains("<description>Pins versions &amp; more</description>"), text);
        assertFalse(text.contains("<parent>"), "the BOM stays standalone: " + text);
        assertFalse(text.contains("tools"), text);
    }

    @Test
    void aModuleWithoutAPomIsAnErrorNamingIt(@TempDir Path root) throws IOException {
        pom(root, "<groupId>g</groupId><artifactId>p</artifactId><version>1</version><modules><module>gone</module></modules>");
        pom(root.resolve("bom"), "<groupId>g</groupId><artifactId>b</artifactId><version>1</version>");
        IOException e = assertThrows(IOException.class,
                () -> BomGenerator.entries(root.resolve("pom.xml"), root.resolve("bom/pom.xml")));
        assertTrue(e.getMessage().contains("module 'gone'"), e.getMessage());
    }

    /** The real build: every library module and backend, in the root pom's order, and none of the tools. */
    @Test
    void theRepositorysBomHasEveryLibraryModule() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> ids = BomGenerator.entries(root.resolve("pom.xml"), root.resolve("bom/pom.xml")).stream()
                .map(BomGenerator.Entry::artifactId).toList();
        for (String required : List.of("descent-core", "descent-backend-ejml", "descent-backend-jblas",
                "descent-backend-openblas", "descent-backends", "descent-data", "descent-autodiff", "descent-nn",
                "descent-optim", "descent-onnx", "descent-spark")) {
            assertTrue(ids.contains(required), required + " in " + ids);
        }
        for (String left : List.of("descent-parent", "descent-bom", "descent-build-tools", "descent-examples",
                "descent-bench", "descent-consumers")) {
            assertFalse(ids.contains(left), left + " in " + ids);
        }
    }
}
