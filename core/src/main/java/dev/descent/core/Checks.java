package dev.descent.core;

/** Argument checks shared by the tensor API; every message names the operation, the expected and the actual. */
final class Checks {
    private Checks() {
    }

    static void sameKind(String op, Tensor a, Tensor b) {
        sameBackend(op, a, b);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ: " + a.dtype() + " " + a.shape() + " and "
                    + b.dtype() + " " + b.shape() + "; convert one with to(DType)");
        }
    }

    /** Both tensors on one backend: the backend's own identity ({@link Object#equals}), never its name. */
    static void sameBackend(String op, Tensor a, Tensor b) {
        if (!a.backend().equals(b.backend())) {
            throw new IllegalArgumentException(op + ": tensors are on different backends: "
                    + a.backend().name() + " " + a.shape() + " and " + b.backend().name() + " " + b.shape()
                    + "; move one with to(Backend)");
        }
    }

    /** A NIO buffer of the Java type of {@code dtype} with room for (or holding) {@code size} elements. */
    static void buffer(String op, DType dtype, java.nio.Buffer buffer, int size) {
        if (buffer == null) throw new IllegalArgumentException(op + ": buffer must not be null");
        DType held;
        try {
            held = DType.ofBuffer(buffer);
        } catch (IllegalArgumentException e) {
            held = null;
        }
        if (held != dtype) {
            throw new IllegalArgumentException(op + ": expected a buffer of " + dtype + " values (DoubleBuffer for "
                    + "float64, FloatBuffer for float32, IntBuffer for int32), got " + buffer.getClass().getSimpleName());
        }
        if (buffer.remaining() < size) {
            throw new IllegalArgumentException(op + ": expected room for " + size + " elements, got "
                    + buffer.remaining() + " remaining");
        }
    }

    static void floating(String op, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": expected a float32 or float64 tensor, got "
                    + t.dtype() + " " + t.shape() + "; convert it with to(DType.FLOAT32)");
        }
    }

    static void index(String op, Tensor t) {
        if (t.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": expected an int32 index tensor, got " + t.dtype() + " "
                    + t.shape());
        }
    }

    /**
     * Checks that every element of a float tensor converts to INT32. NOTE: conversion truncates toward zero, so a
     * value converts when it is finite and its truncation lies in [-2^31, 2^31 - 1], that is -2^31 - 1 < v < 2^31
     * (in float32, -2^31 <= v < 2^31). PyTorch leaves the other values undefined (x86 gives -2^31 for all of them);
     * here they are an error naming the first one.
     */
    static void convertibleToInt(String op, Tensor t) {
        if (!t.dtype().isFloating() || t.size() == 0) return;
        Tensor low = t.dtype() == DType.FLOAT32 ? t.ge(-2147483648.0) : t.gt(-2147483649.0);
        Tensor ok = low.mul(t.lt(2147483648.0)).flatten(); // NaN compares false, so it fails too
        if (ok.min().item() == 1) return;
        int at = (int) ok.argmin().item();
        double v = t.flatten().get(at);
        String value = t.dtype() == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v);
        throw new IllegalArgumentException(op + ": " + t.dtype() + " value " + value + " at flat index " + at
                + " of shape " + t.shape() + " is not representable as INT32 (expected a finite value whose "
                + "truncation toward zero lies in [-2147483648, 2147483647])");
    }

    static void finite(String op, String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(op + ": " + name + " must be finite, got " + value);
        }
    }

    static void nonNegative(String op, String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(op + ": " + name + " must be finite and >= 0, got " + value);
        }
    }

    static void shapeEquals(String op, Shape expected, Shape actual) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException(op + ": expected shape " + expected + ", got " + actual);
        }
    }

    /** Validates and normalises a set of distinct axes; an empty array means every axis. */
    static int[] axes(String op, Shape shape, int[] axes) {
        if (axes.length == 0) {
            int[] all = new int[shape.rank()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[shape.rank()];
        for (int i = 0; i < axes.length; i++) {
            out[i] = shape.axis(op, axes[i]);
            if (seen[out[i]]) {
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " appears twice in "
                        + java.util.Arrays.toString(axes) + " for shape " + shape);
            }
            seen[out[i]] = true;
        }
        java.util.Arrays.sort(out);
        return out;
    }

    /** Checks every INT32 index in {@code [0, bound)}. */
    static void indicesInRange(String op, Tensor index, int bound, String what) {
        int[] idx = index.toIntArray();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= bound) {
                throw new IllegalArgumentException(op + ": index " + idx[i] + " at position " + i
                        + " is out of range for " + what + " of size " + bound + " (expected 0 <= index < " + bound + ")");
            }
        }
    }
}
