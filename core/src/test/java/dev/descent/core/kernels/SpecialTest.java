package dev.descent.core.kernels;

import dev.descent.core.testing.Props;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecialTest {

    @Test
    void erfMatchesReferenceValues() {
        // Reference values of erf (to 16 significant digits) at points in both branches.
        double[][] cases = {
            {0.0, 0.0}, {1e-10, 1.1283791670955126e-10}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465},
            {1.0, 0.8427007929497149}, {1.5, 0.9661051464753108}, {2.0, 0.9953222650189527}, {2.2, 0.9981371537020182},
            {2.5, 0.9995930479825550}, {3.0, 0.9999779095030014}, {4.0, 0.9999999845827421},
            {5.0, 0.9999999999984626}, {6.5, 1.0},
        };
        for (double[] c : cases) {
            double twoUlps = 2 * Math.ulp(c[1]) + Double.MIN_VALUE;
            assertEquals(c[1], Special.erf(c[0]), twoUlps, "erf(" + c[0] + ")");
            assertEquals(-c[1], Special.erf(-c[0]), twoUlps, "erf(-" + c[0] + ")");
        }
        assertTrue(Double.isNaN(Special.erf(Double.NaN)));
        assertEquals(1.0, Special.erf(Double.POSITIVE_INFINITY));
    }

    @Test
    void erfIsMonotoneAndItsDerivativeMatches() {
        Props.tries(200).forAll(Props.decimals(-5, 5, 2)).checkAssert(SpecialTest::erfMonotoneWithDerivative);
    }

    static void erfMonotoneWithDerivative(double x) {
        double h = 1e-5;
        double numeric = (Special.erf(x + h) - Special.erf(x - h)) / (2 * h);
        double analytic = 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
        assertEquals(analytic, numeric, 1e-9);
        assertTrue(Special.erf(x + h) >= Special.erf(x));
    }
}
