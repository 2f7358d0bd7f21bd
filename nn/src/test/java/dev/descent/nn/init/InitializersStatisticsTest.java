package dev.descent.nn.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.core.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every random initialiser, on >= 1e5 draws for several {@code (fan_in, fan_out)} and both dtypes: the sample mean
 * within 2% of a standard deviation of the expected mean, the sample standard deviation within 2% of the expected
 * one, uniform draws inside their bounds and reaching near them.
 */
class InitializersStatisticsTest {
    /** Shapes {@code (fan_in, fan_out)}, each with at least 1e5 elements. */
    private static final int[][] FANS = {{784, 128}, {128, 1000}, {2048, 64}, {1, 100_000}, {100_000, 1}};
    private static final double SQRT3 = Math.sqrt(3);

    /** An initialiser with its expected mean, standard deviation and, for a uniform one, its bound (else NaN). */
    private record Expected(String name, Initializer init, Moment mean, Moment std, Moment low, Moment high) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    private interface Moment {
        double of(double fanIn, double fanOut);
    }

    private static Expected normal(Initializer init, Moment mean, Moment std) {
        return new Expected(init.toString(), init, mean, std, (i, o) -> Double.NaN, (i, o) -> Double.NaN);
    }

    private static Expected normal(Initializer init, Moment std) {
        return normal(init, (i, o) -> 0, std);
    }

    /** {@code U(-bound, bound)}: standard deviation {@code bound / sqrt(3)}. */
    private static Expected symmetricUniform(Initializer init, Moment bound) {
        return new Expected(init.toString(), init, (i, o) -> 0, (i, o) -> bound.of(i, o) / SQRT3,
                (i, o) -> -bound.of(i, o), bound);
    }

    private static List<Expected> schemes() {
        double tanh = 5.0 / 3;
        double leaky02 = Math.sqrt(2 / 1.04);
        // The standard normal truncated to [-2, 2]: variance 1 - 2*2*phi(2)/(Phi(2) - Phi(-2)).
        double phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
        double truncStd = Math.sqrt(1 - 4 * phi2 / 0.9544997361036416);
        List<Expected> list = new ArrayList<>();
        list.add(new Expected("uniform()", Initializers.uniform(), (i, o) -> 0.5, (i, o) -> 1 / Math.sqrt(12),
                (i, o) -> 0, (i, o) -> 1));
        list.add(new Expected("uniform(-3, 5)", Initializers.uniform(-3, 5), (i, o) -> 1, (i, o) -> 8 / Math.sqrt(12),
                (i, o) -> -3, (i, o) -> 5));
        list.add(normal(Initializers.normal(), (i, o) -> 1));
        list.add(normal(Initializers.normal(2, 0.5), (i, o) -> 2, (i, o) -> 0.5));
        list.add(new Expected("truncatedNormal()", Initializers.truncatedNormal(), (i, o) -> 0, (i, o) -> truncStd,
                (i, o) -> -2, (i, o) -> 2));
        list.add(symmetricUniform(Initializers.uniformFanIn(), (i, o) -> 1 / Math.sqrt(i)));
        list.add(symmetricUniform(Initializers.linearDefaultWeight(), (i, o) -> 1 / Math.sqrt(i)));
        list.add(symmetricUniform(Initializers.linearDefaultBias(), (i, o) -> 1 / Math.sqrt(i)));
        list.add(normal(Initializers.xavierNormal(), (i, o) -> Math.sqrt(2 / (i + o))));
        list.add(normal(Initializers.xavierNormal(tanh), (i, o) -> tanh * Math.sqrt(2 / (i + o))));
        list.add(symmetricUniform(Initializers.xavierUniform(), (i, o) -> Math.sqrt(6 / (i + o))));
        list.add(symmetricUniform(Initializers.xavierUniform(2), (i, o) -> 2 * Math.sqrt(6 / (i + o))));
        list.add(normal(Initializers.kaimingNormal(), (i, o) -> Math.sqrt(2 / i)));
        list.add(normal(Initializers.kaimingNormal(FanMode.FAN_OUT, Nonlinearity.RELU), (i, o) -> Math.sqrt(2 / o)));
        list.add(normal(Initializers.kaimingNormal(0.2, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU),
                (i, o) -> leaky02 / Math.sqrt(i)));
        list.add(normal(Initializers.kaimingNormal(FanMode.FAN_IN, Nonlinearity.TANH), (i, o) -> tanh / Math.sqrt(i)));
        list.add(symmetricUniform(Initializers.kaimingUniform(), (i, o) -> Math.sqrt(6 / i)));
        list.add(symmetricUniform(Initializers.kaimingUniform(Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU),
                (i, o) -> 1 / Math.sqrt(i)));
        list.add(symmetricUniform(Initializers.kaimingUniform(FanMode.FAN_OUT, Nonlinearity.SELU),
                (i, o) -> 0.75 * Math.sqrt(3 / o)));
        list.add(normal(Initializers.lecunNormal(), (i, o) -> 1 / Math.sqrt(i)));
        list.add(symmetricUniform(Initializers.lecunUniform(), (i, o) -> Math.sqrt(3 / i)));
        // A Haar-random (semi-)orthogonal matrix has unit rows or columns: each entry has variance 1/max(rows, cols).
        list.add(normal(Initializers.orthogonal(), (i, o) -> 1 / Math.sqrt(Math.max(i, o))));
        list.add(normal(Initializers.orthogonal(1.5), (i, o) -> 1.5 / Math.sqrt(Math.max(i, o))));
        return list;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Expected e : schemes()) {
            for (int[] fans : FANS) {
                for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                    cases.add(Arguments.of(e, fans[0], fans[1], dtype));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} ({1}, {2}) {3}")
    @MethodSource("cases")
    void statisticsMatchTheFormula(Expected e, int fanIn, int fanOut, DType dtype) {
        double[] v = Samples.draw(e.init(), dtype, fanIn, fanOut, 1234 + fanIn);
        assertTrue(v.length >= 100_000);
        double mean = e.mean().of(fanIn, fanOut);
        double std = e.std().of(fanIn, fanOut);
        double sampleMean = Samples.mean(v);
        double sampleStd = Samples.std(v);
        assertEquals(mean, sampleMean, 0.02 * std, e + ": mean");
        assertEquals(std, sampleStd, 0.02 * std, e + ": std");
        double low = e.low().of(fanIn, fanOut);
        double high = e.high().of(fanIn, fanOut);
        if (!Double.isNaN(low)) {
            // Bounds as the dtype stores them: conversion to float32 rounds monotonically, so never past them.
            double lo = dtype == DType.FLOAT32 ? (float) low : low;
            double hi = dtype == DType.FLOAT32 ? (float) high : high;
            assertTrue(Samples.min(v) >= lo, e + ": min " + Samples.min(v) + " < " + lo);
            assertTrue(Samples.max(v) <= hi, e + ": max " + Samples.max(v) + " > " + hi);
            // ...and they are the right bounds, not narrower ones: 1e5 draws come within 0.1% of each end.
            double width = high - low;
            assertTrue(Samples.min(v) < low + 1e-3 * width, e + ": min " + Samples.min(v) + " far above " + low);
            assertTrue(Samples.max(v) > high - 1e-3 * width, e + ": max " + Samples.max(v) + " far below " + high);
        }
    }
}
