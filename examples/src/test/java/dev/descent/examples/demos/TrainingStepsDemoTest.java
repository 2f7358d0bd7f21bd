package dev.descent.examples.demos;

import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingStepsDemoTest {
    /** The training step's source, read from the optim module of this build (tests run in the examples module). */
    static final Path RUN = Path.of("..", "optim", "src", "main", "java", "dev", "descent", "optim", "train", "Run.java");

    @Test
    void theListingIsTheTrainingStepsOwnCodeInItsOrder() throws Exception {
        String source = Files.readString(RUN);
        int method = source.indexOf("private boolean stepOn(");
        assertTrue(method > 0, "Run.stepOn is where the listing comes from");
        int end = source.indexOf("\n    }\n", method);
        String body = source.substring(method, end);
        int at = 0;
        for (TrainingStepsDemo.Line line : TrainingStepsDemo.LISTING) {
            int found = body.indexOf(line.code(), at);
            assertTrue(found >= 0, "the listing's line for '" + line.step() + "' is no longer in Run.stepOn (in this "
                    + "order): " + line.code());
            at = found;
        }
    }

    @Test
    void oneMiniBatchHasTheShapesOfEachStepAndTheStepLowersItsLossOnEveryBackend(@TempDir Path dir) {
        TrainingStepsDemo demo = new TrainingStepsDemo(TrainingStepsDemo.Config.defaults());
        for (RunContext ctx : EveryBackend.contexts(dir, 4)) {
            String on = EveryBackend.describe(ctx);
            TrainingStepsDemo.Outcome o = demo.step(ctx);
            assertEquals("x (32, 2) \u2192 Linear (32, 16) \u2192 ReLU (32, 16) \u2192 Linear (32, 16) \u2192 ReLU (32, 16) "
                    + "\u2192 Linear (32, 3)", o.shapes().get("1. forward pass"), on);
            assertTrue(o.shapes().get("2. output").startsWith("prediction (32, 3)"), on);
            assertTrue(o.shapes().get("3. loss").startsWith("labels (32,), loss ()"), on + ": " + o.shapes().get("3. loss"));
            assertTrue(o.shapes().get("4. backward pass").contains("(16, 3)"), on + ": " + o.shapes().get("4. backward pass"));
            assertTrue(o.lossAfter() < o.lossBefore(), on + ": " + o.lossBefore() + " -> " + o.lossAfter());
        }
    }

    @Test
    void reportsTheListingWithShapes(@TempDir Path dir) throws Exception {
        DemoResult r = new TrainingStepsDemo(TrainingStepsDemo.Config.defaults()).run(RunContext.forTest(dir, 1));
        assertEquals(TrainingStepsDemo.LISTING.size() + 1, r.measurements().size());
        assertTrue(r.measurements().get("5. update: t.optimizer.step();").startsWith("each weight moves"), r.measurements().toString());
        assertEquals(1, r.figures().size());
        assertTrue(Files.size(r.figures().get(0).png()) > 1000);
    }
}
