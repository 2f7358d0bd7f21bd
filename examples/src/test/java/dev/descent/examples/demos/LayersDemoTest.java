package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayersDemoTest {
    @Test
    void everyLayersValuesAreTheHandComputedForwardPassOnEveryBackend(@TempDir Path dir) {
        LayersDemo demo = new LayersDemo(LayersDemo.Config.defaults());
        for (RunContext ctx : EveryBackend.contexts(dir, 11)) {
            String on = EveryBackend.describe(ctx);
            List<LayersDemo.Layer> layers = demo.forward(ctx).layers();
            assertEquals(4, layers.size(), on + ": layers 0 to L = 3");
            double tol = ctx.dtype() == dev.descent.core.DType.FLOAT32 ? 1e-5 : 1e-12;
            double[][] previous = layers.get(0).a();
            for (LayersDemo.Layer l : layers.subList(1, layers.size())) {
                assertEquals(previous[0].length, l.fanIn(), on);
                assertEquals(l.fanIn() * l.units(), l.w().length, on + ": W^[" + l.l() + "] is n_(l-1) x n_l");
                for (int i = 0; i < previous.length; i++) {
                    double[] z = new double[l.units()];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < l.units(); j++) {
                        z[j] = l.b()[j];
                        for (int k = 0; k < l.fanIn(); k++) z[j] += previous[i][k] * l.w()[k * l.units() + j];
                        assertEquals(z[j], l.z()[i][j], tol, on + ": Z^[" + l.l() + "]_" + (j + 1) + " of sample " + (i + 1));
                        max = Math.max(max, z[j]);
                    }
                    for (int j = 0; j < l.units(); j++) sum += Math.exp(z[j] - max);
                    for (int j = 0; j < l.units(); j++) {
                        double a = l.f().equals("softmax") ? Math.exp(z[j] - max) / sum : Math.max(0, z[j]);
                        assertEquals(a, l.a()[i][j], tol, on + ": A^[" + l.l() + "]_" + (j + 1) + " of sample " + (i + 1));
                    }
                }
                previous = l.a();
            }
            assertEquals("softmax", layers.get(3).f());
        }
    }

    @Test
    void reportsShapesTablesAndAHeatMapPerLayer(@TempDir Path dir) throws Exception {
        DemoResult r = new LayersDemo(LayersDemo.Config.defaults()).run(RunContext.forTest(dir, 2));
        assertEquals(List.of("layer0.png", "layer1.png", "layer2.png", "layer3.png"),
                r.figures().stream().map(f -> f.png().getFileName().toString()).toList());
        for (var f : r.figures()) assertTrue(Files.size(f.png()) > 1000, f.png().toString());
        assertEquals("3 \u00d7 4", r.measurements().get("W^[1] shape (n_0 \u00d7 n_1)"));
        assertEquals("4 \u00d7 2", r.measurements().get("W^[3] shape (n_2 \u00d7 n_3)"));
        assertEquals("2", r.measurements().get("b^[3] shape (n_3)"));
        String row = r.measurements().get("A^[3] = softmax(Z^[3]), sample 1");
        String[] p = row.trim().split("\\s+");
        assertEquals(1.0, Double.parseDouble(p[0]) + Double.parseDouble(p[1]), 2e-3, row);
    }
}
