package dev.descent.examples.demos;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpVsCnnDemoTest {
    /**
     * A configuration that trains in seconds: 200 noisy 16 x 16 shapes per class at random sizes and positions, where
     * the convolutions' weight sharing matters, and an MLP 256-512-256-3 with more parameters than the CNN.
     */
    static final MlpVsCnnDemo.Settings FAST = new MlpVsCnnDemo.Settings(MlpVsCnnDemo.Images.SHAPES, null, 200, 0, 16,
            0.3, List.of(512, 256), 8, 32, 2e-3, false);

    private static long count(String v) {
        return Long.parseLong(v.replace(",", ""));
    }

    /** The claim holds on every backend found (a DemoResult per backend, checked alike). */
    @Test
    void theCnnIsMoreAccurateThanTheMlpWithFewerParametersOnEveryBackend(@TempDir Path out) throws Exception {
        for (Backends.Found found : Backends.found()) {
            if (!found.availability().available()) continue;
            PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
            check(new MlpVsCnnDemo(FAST).run(new RunContext(found.name(), DType.FLOAT32, 42, out.resolve(found.name()),
                    true, false, nowhere, nowhere)), found.name());
        }
    }

    private static void check(DemoResult r, String backend) {
        var m = r.measurements();
        double mlp = ShapesDemoTest.percent(m.get("MLP test accuracy")), cnn = ShapesDemoTest.percent(m.get("CNN test accuracy"));
        long mlpParams = count(m.get("MLP parameters")), cnnParams = count(m.get("CNN parameters"));
        // 256*512+512 + 512*256+256 + 256*3+3; conv 1*32*9+32, BN 64, conv 32*64*9+64, BN 128, 64*4*4*128+128, 128*3+3
        assertEquals(263_683, mlpParams);
        assertEquals(150_595, cnnParams);
        assertTrue(cnn >= mlp + 5, backend + ": CNN " + cnn + "% against MLP " + mlp + "%: " + m);
        assertEquals("met", m.get(MlpVsCnnDemo.CLAIM));
        assertTrue(m.get("MLP time per epoch").matches("\\d+\\.\\d s") && m.get("CNN time per epoch").matches("\\d+\\.\\d s"), m.toString());
        assertEquals(List.of("accuracy.png", "cost.png"),
                r.figures().stream().map(f -> f.png().getFileName().toString()).toList());
    }
}
