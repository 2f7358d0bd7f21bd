package dev.descent.core;

import dev.descent.core.spi.Storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shape arithmetic and checks behind the movement ops of the tensor API. */
final class Movement {
    private Movement() {
    }

    /** The target shape of a reshape, inferring one -1 dimension. */
    static Shape reshapeTarget(Shape from, int[] dims) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one dimension may be -1, got "
                            + Arrays.toString(dims));
                }
                infer = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException("reshape: dimensions must be >= 0 or -1, got " + Arrays.toString(dims));
            } else {
                known *= dims[i];
            }
        }
        if (infer < 0 && known == from.size() && sameDims(from, dims)) return from;   // a reshape to itself
        int[] out = infer >= 0 ? dims.clone() : dims;                                  // Shape.of copies anyway
        if (infer >= 0) {
            if (known == 0 || from.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(dims)
                        + " for " + from.size() + " elements of shape " + from);
            }
            out[infer] = (int) (from.size() / known);
        } else if (known != from.size()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + from + " (" + from.size()
                    + " elements) to " + Arrays.toString(dims) + " (" + known + " elements)");
        }
        return Shape.of(out);
    }

    private static boolean sameDims(Shape shape, int[] dims) {
        if (shape.rank() != dims.length) return false;
        for (int i = 0; i < dims.length; i++) {
            if (shape.dim(i) != dims[i]) return false;
        }
        return true;
    }

    /** Validates a permutation of the axes (negative allowed) and normalises it. */
    static int[] permutation(Shape shape, int[] axes) {
        if (axes.length != shape.rank()) {
            throw new IllegalArgumentException("permute: expected " + shape.rank() + " axes for shape " + shape
                    + ", got " + Arrays.toString(axes));
        }
        int[] perm = new int[axes.length];
        boolean[] seen = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            perm[i] = shape.axis("permute", axes[i]);
            if (seen[perm[i]]) {
                throw new IllegalArgumentException("permute: axis " + axes[i] + " appears twice in "
                        + Arrays.toString(axes));
            }
            seen[perm[i]] = true;
        }
        return perm;
    }

    static Tensor concat(int axis, List<Tensor> parts) {
        Shape joined = joinedShape("concat", axis, parts);
        Tensor out = Tensor.empty(parts.get(0).backend(), parts.get(0).dtype(), joined);
        write(parts.get(0).shape().axis("concat", axis), parts, out);
        return out;
    }

    /** {@link #concat} into {@code out}, which must have the joined shape, dtype and backend. */
    static void concatInto(int axis, List<Tensor> parts, Tensor out) {
        String op = "InPlace.concat";
        Shape joined = joinedShape(op, axis, parts);
        Checks.sameKind(op, parts.get(0), out);
        Checks.shapeEquals(op, joined, out.shape());
        write(parts.get(0).shape().axis(op, axis), parts, out);
    }

    /** The shape of {@code parts} joined along {@code axis}, checked. */
    private static Shape joinedShape(String op, int axis, List<Tensor> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException(op + ": expected at least one tensor, got none");
        Tensor first = parts.get(0);
        int a = first.shape().axis(op, axis);
        int total = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            Checks.sameKind(op, first, p);
            if (p.rank() != first.rank() || !p.shape().with(a, 0).equals(first.shape().with(a, 0))) {
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + p.shape()
                        + ", which differs from tensor 0's shape " + first.shape() + " outside axis " + axis);
            }
            total += p.shape().dim(a);
        }
        return first.shape().with(a, total);
    }

    private static void write(int a, List<Tensor> parts, Tensor out) {
        if (out.size() == 0) return;
        List<Storage> storages = new ArrayList<>(parts.size());
        List<Shape> shapes = new ArrayList<>(parts.size());
        for (Tensor p : parts) {
            storages.add(p.storage());
            shapes.add(p.shape());
        }
        out.backend().concat(storages, shapes, a, out.storage(), out.shape());
    }

    static Tensor stack(int axis, List<Tensor> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("stack: expected at least one tensor, got none");
        Shape s = parts.get(0).shape();
        int a = Shape.normalizeAxis("stack", axis, s.rank() + 1);
        Tensor[] expanded = new Tensor[parts.size()];
        for (int i = 0; i < expanded.length; i++) {
            Tensor p = parts.get(i);
            if (!p.shape().equals(s)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + p.shape()
                        + ", expected " + s + " like tensor 0");
            }
            expanded[i] = p.unsqueeze(a);
        }
        return concat(a, Arrays.asList(expanded));
    }

    static void checkIndexVector(String op, Tensor x, int axis, Tensor index) {
        Checks.index(op, index);
        Checks.sameBackend(op, x, index);
        if (index.rank() != 1) {
            throw new IllegalArgumentException(op + ": expected a 1-D index, got shape " + index.shape());
        }
        Checks.indicesInRange(op, index, x.shape().dim(axis), "axis " + axis + " of shape " + x.shape());
    }

    static void checkGatherIndex(String op, Tensor x, int axis, Tensor index) {
        Checks.index(op, index);
        Checks.sameBackend(op, x, index);
        if (index.rank() != x.rank()) {
            throw new IllegalArgumentException(op + ": index must have the rank of the input " + x.shape()
                    + ", got shape " + index.shape());
        }
        for (int i = 0; i < x.rank(); i++) {
            if (i != axis && index.shape().dim(i) > x.shape().dim(i)) {
                throw new IllegalArgumentException(op + ": index shape " + index.shape() + " exceeds input shape "
                        + x.shape() + " on axis " + i);
            }
        }
        Checks.indicesInRange(op, index, x.shape().dim(axis), "axis " + axis + " of shape " + x.shape());
    }
}
