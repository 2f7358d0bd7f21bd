package dev.descent.autodiff;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

import java.util.Arrays;

/** Movement operations and their backward rules: each gradient is moved back to where its value came from. */
final class Shaping {
    private Shaping() {
    }

    static Variable reshape(Variable x, int[] dims) {
        Tensor out = x.value().reshape(dims);
        if (out.shape().equals(x.shape())) return x;
        return Variable.record("reshape", out, g -> new Variable[] {g.reshape(x.shape().dims())}, x);
    }

    static Variable permute(Variable x, int[] axes) {
        Tensor out = x.value().permute(axes);
        int[] inverse = new int[axes.length];
        for (int i = 0; i < axes.length; i++) inverse[x.shape().axis("permute", axes[i])] = i;
        return Variable.record("permute", out, g -> new Variable[] {g.permute(inverse)}, x);
    }

    static Variable broadcastTo(Variable x, Shape target) {
        Tensor out = x.value().broadcastTo(target);
        if (out.shape().equals(x.shape())) return x;
        return Variable.record("broadcastTo", out, g -> new Variable[] {g.sumTo(x.shape())}, x);
    }

    /** Sums over the leading axes and the size-1 axes of {@code target} that {@code x} has at full size. */
    static Variable sumTo(Variable x, Shape target) {
        if (x.shape().equals(target)) return x;
        if (!target.broadcastsTo(x.shape())) {
            throw new IllegalArgumentException("sumTo: shape " + target + " does not broadcast to " + x.shape());
        }
        int lead = x.rank() - target.rank();
        int[] axes = new int[x.rank()];
        int n = 0;
        for (int i = 0; i < x.rank(); i++) {
            if (i < lead || (target.dim(i - lead) == 1 && x.shape().dim(i) != 1)) axes[n++] = i;
        }
        Tensor out = (n == 0 ? x.value() : x.value().sum(Arrays.copyOf(axes, n), true)).reshape(target);
        return Variable.record("sumTo", out, g -> new Variable[] {g.broadcastTo(x.shape())}, x);
    }

    static Variable slice(Variable x, int axis, int start, int end, int step) {
        Tensor out = x.value().slice(axis, start, end, step);
        int a = x.shape().axis("slice", axis);
        int n = x.shape().dim(a);
        int first = start < 0 ? start + n : start;
        return Variable.record("slice", out, g -> {
            Tensor index = positions(x.value(), first, step, out.shape().dim(a));
            return new Variable[] {zerosLike(x).indexAdd(a, index, g)};
        }, x);
    }

    static Variable concat(int axis, Variable... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: expected at least one tensor, got none");
        Tensor out = Tensor.concat(axis, Arrays.stream(parts).map(Variable::value).toList());
        int a = out.shape().axis("concat", axis);
        return Variable.record("concat", out, g -> {
            Variable[] grads = new Variable[parts.length];
            int at = 0;
            for (int i = 0; i < parts.length; i++) {
                int len = parts[i].shape().dim(a);
                grads[i] = parts[i].requiresGrad() ? g.slice(a, at, at + len) : null;
                at += len;
            }
            return grads;
        }, parts);
    }

    static Variable stack(int axis, Variable... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stack: expected at least one tensor, got none");
        Tensor.stack(axis, Arrays.stream(parts).map(Variable::value).toList()); // validates shapes and axis
        int a = axis < 0 ? axis + parts[0].rank() + 1 : axis;
        Variable[] expanded = new Variable[parts.length];
        for (int i = 0; i < parts.length; i++) expanded[i] = parts[i].unsqueeze(a);
        return concat(a, expanded);
    }

    static Variable indexSelect(Variable x, int axis, Tensor index) {
        Tensor out = x.value().indexSelect(axis, index);
        int a = x.shape().axis("indexSelect", axis);
        return Variable.record("indexSelect", out, g -> new Variable[] {zerosLike(x).indexAdd(a, index, g)}, x);
    }

    static Variable indexAdd(Variable x, int axis, Tensor index, Variable source) {
        Tensor out = x.value().indexAdd(axis, index, source.value());
        int a = x.shape().axis("indexAdd", axis);
        return Variable.record("indexAdd", out, g -> new Variable[] {
            g, source.requiresGrad() ? g.indexSelect(a, index) : null}, x, source);
    }

    static Variable gather(Variable x, int axis, Tensor index) {
        Tensor out = x.value().gather(axis, index);
        int a = x.shape().axis("gather", axis);
        return Variable.record("gather", out, g -> new Variable[] {zerosLike(x).scatterAdd(a, index, g)}, x);
    }

    static Variable scatterAdd(Variable x, int axis, Tensor index, Variable source) {
        Tensor out = x.value().scatterAdd(axis, index, source.value());
        int a = x.shape().axis("scatterAdd", axis);
        return Variable.record("scatterAdd", out, g -> new Variable[] {
            g, source.requiresGrad() ? g.gather(a, index).sumTo(source.shape()) : null}, x, source);
    }

    private static Variable zerosLike(Variable x) {
        return Variable.constant(x.value().zerosLike());
    }

    /** INT32 {@code first, first + step, ...} ({@code count} values) on x's backend. */
    private static Tensor positions(Tensor x, int first, int step, int count) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) idx[i] = first + i * step;
        return Tensor.on(x.backend(), DType.INT32).of(idx);
    }
}
