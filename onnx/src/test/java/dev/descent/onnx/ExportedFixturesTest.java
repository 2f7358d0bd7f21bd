package dev.descent.onnx;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The exporter still writes, byte for byte, the fixtures that {@code onnx.checker} accepted (full check, with shape
 * inference). After an intended change of the export, regenerate them and check them again:
 * <pre>
 * mvn -pl onnx test -Dtest=ExportedFixturesTest \
 *     -Ddescent.onnx.writeFixtures=$PWD/onnx/src/test/resources/dev/descent/onnx/exported
 * /usr/bin/python3 onnx/scripts/check_exported.py
 * </pre>
 */
class ExportedFixturesTest {
    @Test
    void theExportIsTheOneOnnxCheckerAccepted() throws IOException {
        String rewrite = System.getProperty("descent.onnx.writeFixtures");
        if (rewrite != null) ExportedFixtures.write(java.nio.file.Path.of(rewrite));
        for (var e : ExportedFixtures.all().entrySet()) {
            byte[] expected = OnnxImportTest.resource("exported/" + e.getKey() + ".onnx");
            assertArrayEquals(expected, ExportedFixtures.bytes(e.getValue()), e.getKey()
                    + ": the export changed; regenerate the fixtures and re-check them with onnx.checker");
        }
    }
}
