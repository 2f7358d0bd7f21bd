package dev.descent.core;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/** Reads nested Java arrays ({@code double[][]}, {@code float[][][]}, ...) into a shape and a flat array. */
final class NestedArrays {
    private NestedArrays() {
    }

    static DType dtypeOf(Object nested) {
        Class<?> c = nested == null ? null : nested.getClass();
        while (c != null && c.isArray() && c.getComponentType().isArray()) c = c.getComponentType();
        if (c == double[].class) return DType.FLOAT64;
        if (c == float[].class) return DType.FLOAT32;
        if (c == int[].class) return DType.INT32;
        throw new IllegalArgumentException("fromNested: expected nested double[], float[] or int[] arrays, got "
                + (nested == null ? "null" : nested.getClass().getSimpleName()));
    }

    static Shape shapeOf(Object nested) {
        List<Integer> dims = new ArrayList<>();
        Object level = nested;
        while (level != null && level.getClass().isArray()) {
            int n = Array.getLength(level);
            dims.add(n);
            if (n == 0 || !level.getClass().getComponentType().isArray()) break;
            level = Array.get(level, 0);
        }
        return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The elements in row-major order as an array of the innermost type; ragged input is an error. */
    static Object flatten(Object nested, Shape shape) {
        Object flat = dtypeOf(nested).newArray(shape.size());
        copy(nested, shape.dims(), 0, flat, new int[] {0}, "");
        return flat;
    }

    private static void copy(Object level, int[] dims, int depth, Object flat, int[] at, String path) {
        int n = level == null ? -1 : Array.getLength(level);
        if (n != dims[depth]) {
            throw new IllegalArgumentException("fromNested: ragged array: row " + (path.isEmpty() ? "[root]" : path)
                    + " has " + (n < 0 ? "null" : n + " elements") + ", expected " + dims[depth]);
        }
        if (depth == dims.length - 1) {
            System.arraycopy(level, 0, flat, at[0], n);
            at[0] += n;
            return;
        }
        for (int i = 0; i < n; i++) copy(Array.get(level, i), dims, depth + 1, flat, at, path + "[" + i + "]");
    }
}
