package dev.descent.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.descent.examples.cli.DescentCommandTest.assertUsageError;
import static dev.descent.examples.cli.DescentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hyperparameters, layers, early-stopping, sparse and training-steps commands: their flags and their place in the lecture. */
class LectureDemoCommandsTest {
    @Test
    void badFlagsAreUsageErrorsNamingTheOption() {
        assertUsageError(run("hyperparameters", "--activations", "swish"), "descent hyperparameters", "--activations", "'swish'", "gelu");
        assertUsageError(run("hyperparameters", "--base", "2by32"), "descent hyperparameters", "--base", "DEPTHxWIDTH");
        assertUsageError(run("hyperparameters", "--widths", "8,0"), "descent hyperparameters", "--widths", "expected > 0");
        assertUsageError(run("layers", "--sizes", "3"), "descent layers", "--sizes", "at least 2");
        assertUsageError(run("layers", "--samples", "65"), "descent layers", "--samples", "1..64");
        assertUsageError(run("early-stopping", "--patience", "-1"), "descent early-stopping", "--patience", "expected >= 0");
        assertUsageError(run("sparse", "--optimizers", "sgd,adam"), "descent sparse", "--optimizers", "adagrad is needed");
        assertUsageError(run("sparse", "--common", "1000", "--vocabulary", "1000"), "descent sparse", "--common", "0..999");
        assertUsageError(run("training-steps", "--learning-rate", "0"), "descent training-steps", "--learning-rate", "expected > 0");
    }

    @Test
    void theLectureRunsTheNewDemosAndTheOverviewListsThem(@TempDir Path out) throws Exception {
        var r = run("--quiet", "--out", out.toString(), "lecture", "--only", "layers,training-steps");
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out.resolve("report/index.html"));
        for (String name : new String[] {"layers", "training-steps"}) {
            assertTrue(html.matches("(?s).*<td>" + name + "</td><td class=\"num\">ran \\(\\d+\\.\\d s\\)</td>.*"), name);
        }
        assertTrue(html.contains("The deep L-layer network, layer by layer"), "the layers section");
        assertTrue(html.contains("t.optimizer.step();"), "the training step's listing");
        assertTrue(html.contains("<img src=\"layers/layer1.png\""), html);
        assertTrue(Files.isRegularFile(out.resolve("report/training-steps/steps.png")));
    }
}
