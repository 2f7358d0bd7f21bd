package dev.descent.examples.demos;

import dev.descent.examples.demos.Configurations.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesDemoTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void maeAndHuberArePulledLessByOutliersThanMse(Configuration c) {
        var ctx = c.context(Path.of("unused"), 42);
        var fits = new LossesDemo(new LossesDemo.Config(100, 10, 1.0, 400, 0.05, 1.0, 200, 0.9)).fits(ctx);
        double mse = fits.get("MSE").error();
        double mae = fits.get("MAE").error();
        double huber = fits.get("Huber (delta 1.00)").error();
        assertTrue(mae < 0.5 * mse && huber < 0.5 * mse, "MSE " + mse + ", MAE " + mae + ", Huber " + huber);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.descent.examples.demos.Configurations#all")
    void crossEntropyReachesTheAccuracyInFewerStepsThanMse(Configuration c) {
        var ctx = c.context(Path.of("unused"), 42);
        var runs = new LossesDemo(new LossesDemo.Config(100, 10, 1.0, 300, 0.05, 1.0, 200, 0.9)).classifiers(ctx);
        int ce = runs.get("cross-entropy").stepsTo(0.9);
        int mse = runs.get("MSE").stepsTo(0.9);
        assertTrue(ce > 0 && (mse < 0 || ce < mse), "cross-entropy " + ce + ", MSE " + mse);
    }
}
