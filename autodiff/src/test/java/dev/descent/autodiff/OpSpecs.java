package dev.descent.autodiff;

import dev.descent.autodiff.check.GradCheck;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.Pooling;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The table of differentiable operations: for each, the Variable methods it covers, sample input shapes
 * (including size-1 and broadcast shapes), an input domain that avoids kinks and invalid regions, and the function
 * to check. {@link GradientProperties} gradient-checks every row on every backend; {@link OpSpecsCoverageTest}
 * fails when a differentiable method of {@link Variable} has no row.
 */
final class OpSpecs {
    private OpSpecs() {
    }

    /** Where an input's values are drawn from. */
    @FunctionalInterface
    interface Domain {
        double sample(Rng rng);

        /** Uniform in [lo, hi], redrawn while within 0.1 of any of {@code avoid}. */
        static Domain between(double lo, double hi, double... avoid) {
            return rng -> {
                while (true) {
                    double v = lo + (hi - lo) * rng.nextDouble();
                    boolean ok = true;
                    for (double a : avoid) ok &= Math.abs(v - a) > 0.1;
                    if (ok) return v;
                }
            };
        }
    }

    static final Domain ANY = Domain.between(-2, 2);
    static final Domain POSITIVE = Domain.between(0.5, 2);
    static final Domain NONZERO = Domain.between(-2, 2, 0);
    static final Domain UNIT = Domain.between(-1, 1);

    /**
     * @param covers  the Variable methods this row exercises
     * @param shapes  one shape per input
     * @param domains one domain per input
     */
    record Spec(String label, Set<String> covers, int[][] shapes, Domain[] domains, GradCheck.Fn fn) {
        Variable[] inputs(Backend backend, long seed) {
            Rng rng = new Rng(seed);
            Variable[] in = new Variable[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                double[] v = new double[Shape.of(shapes[i]).size()];
                for (int k = 0; k < v.length; k++) v[k] = domains[i].sample(rng);
                in[i] = Variable.parameter(Tensor.on(backend, DType.FLOAT64).of(v).reshape(shapes[i]));
            }
            return in;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final List<Spec> SPECS = new ArrayList<>();

    private static void unary(String label, Set<String> covers, int[] shape, Domain d, GradCheck.Fn fn) {
        SPECS.add(new Spec(label, covers, new int[][] {shape}, new Domain[] {d}, fn));
    }

    private static void binary(String label, Set<String> covers, int[] a, int[] b, Domain da, Domain db,
                               GradCheck.Fn fn) {
        SPECS.add(new Spec(label, covers, new int[][] {a, b}, new Domain[] {da, db}, fn));
    }

    private static int[] s(int... dims) {
        return dims;
    }

    private static Tensor constant(Variable like, double[] values, int... shape) {
        return Tensor.on(like.value().backend(), DType.FLOAT64).of(values, shape);
    }

    private static Tensor ints(Variable like, int[] values, int... shape) {
        return Tensor.on(like.value().backend(), DType.INT32).of(values, shape);
    }

    static {
        // arithmetic, with broadcasting and size-1 axes
        binary("add (2,3)+(3,)", Set.of("add"), s(2, 3), s(3), ANY, ANY, x -> x[0].add(x[1]));
        binary("add (2,1)+(1,3) and scalar", Set.of("add"), s(2, 1), s(1, 3), ANY, ANY, x -> x[0].add(x[1]).add(0.5));
        binary("sub (3,)-(2,3)", Set.of("sub"), s(3), s(2, 3), ANY, ANY, x -> x[0].sub(x[1]).sub(1.5));
        binary("mul (2,3)*(2,1)", Set.of("mul"), s(2, 3), s(2, 1), ANY, ANY, x -> x[0].mul(x[1]).mul(3.0));
        binary("div (2,3)/(3,)", Set.of("div"), s(2, 3), s(3), ANY, NONZERO, x -> x[0].div(x[1]).div(2.0));
        binary("pow tensor (2,2)^(2,)", Set.of("pow"), s(2, 2), s(2), POSITIVE, ANY, x -> x[0].pow(x[1]));
        unary("pow scalar 2.5", Set.of("pow"), s(3), POSITIVE, x -> x[0].pow(2.5));
        unary("pow scalar 3 on negatives", Set.of("pow"), s(2, 2), ANY, x -> x[0].pow(3));
        unary("mul by a constant mask (dropout)", Set.of("mul"), s(2, 3), ANY,
                x -> x[0].mul(Tensor.on(x[0].value().backend(), DType.FLOAT64)
                        .of(new double[] {2, 0, 2, 2, 0, 0}, 2, 3)));
        // a constant Tensor on the right of add, sub, mul and div, broadcast both ways
        unary("add a constant tensor (3,) to (2,3)", Set.of("add"), s(2, 3), ANY,
                x -> x[0].add(constant(x[0], new double[] {0.5, -1, 2}, 3)));
        unary("sub a constant tensor (2,1) from (3,)", Set.of("sub"), s(3), ANY,
                x -> x[0].sub(constant(x[0], new double[] {1.5, -0.5}, 2, 1)));
        unary("mul by a constant tensor (2,1)", Set.of("mul"), s(2, 3), ANY,
                x -> x[0].mul(constant(x[0], new double[] {-2, 3}, 2, 1)));
        unary("div by a constant tensor (3,)", Set.of("div"), s(2, 3), ANY,
                x -> x[0].div(constant(x[0], new double[] {0.5, -2, 4}, 3)));
        unary("neg", Set.of("neg"), s(2, 2), ANY, x -> x[0].neg());
        unary("exp", Set.of("exp"), s(2, 2), ANY, x -> x[0].exp());
        unary("log", Set.of("log"), s(2, 2), POSITIVE, x -> x[0].log());
        unary("log1p", Set.of("log1p"), s(3), Domain.between(-0.5, 2), x -> x[0].log1p());
        unary("expm1", Set.of("expm1"), s(2, 3), Domain.between(-3, 3), x -> x[0].expm1());
        unary("sqrt", Set.of("sqrt"), s(3), POSITIVE, x -> x[0].sqrt());
        unary("abs", Set.of("abs"), s(2, 2), NONZERO, x -> x[0].abs());
        unary("square", Set.of("square"), s(2, 2), ANY, x -> x[0].square());
        unary("reciprocal", Set.of("reciprocal"), s(3), NONZERO, x -> x[0].reciprocal());
        unary("sin", Set.of("sin"), s(3), ANY, x -> x[0].sin());
        unary("cos", Set.of("cos"), s(3), ANY, x -> x[0].cos());
        unary("tanh", Set.of("tanh"), s(2, 2), ANY, x -> x[0].tanh());
        unary("sigmoid", Set.of("sigmoid"), s(2, 2), ANY, x -> x[0].sigmoid());
        unary("erf", Set.of("erf"), s(2, 2), ANY, x -> x[0].erf());
        unary("relu", Set.of("relu"), s(2, 3), NONZERO, x -> x[0].relu());
        unary("leakyRelu", Set.of("leakyRelu"), s(2, 3), NONZERO, x -> x[0].leakyRelu(0.1));
        unary("elu", Set.of("elu"), s(2, 3), NONZERO, x -> x[0].elu(0.7));
        unary("softplus", Set.of("softplus"), s(2, 3), Domain.between(-5, 5), x -> x[0].softplus());
        unary("gelu", Set.of("gelu"), s(2, 3), ANY, x -> x[0].gelu());
        unary("geluTanh", Set.of("geluTanh"), s(2, 3), ANY, x -> x[0].geluTanh());
        unary("clamp", Set.of("clamp"), s(2, 3), Domain.between(-2, 2, -1, 1), x -> x[0].clamp(-1, 1));
        binary("maximum (2,3),(3,)", Set.of("maximum"), s(2, 3), s(3), ANY, ANY, x -> x[0].maximum(x[1]));
        binary("minimum (2,1),(1,3)", Set.of("minimum"), s(2, 1), s(1, 3), ANY, ANY, x -> x[0].minimum(x[1]));
        binary("where", Set.of("where"), s(2, 3), s(3), ANY, ANY, x -> Variable.where(
                Tensor.on(x[0].value().backend(), DType.FLOAT64).of(new double[] {1, 0, 1, 0, 0, 1}, 2, 3), x[0], x[1]));
        // matrix products
        binary("matmul 2-D", Set.of("matmul"), s(2, 3), s(3, 4), ANY, ANY, x -> x[0].matmul(x[1]));
        SPECS.add(new Spec("linear (x W + b)", Set.of("linear"), new int[][] {s(4, 3), s(3, 2), s(2)},
                new Domain[] {ANY, ANY, ANY}, x -> x[0].linear(x[1], x[2])));
        binary("matmul vector-matrix", Set.of("matmul"), s(3), s(3, 2), ANY, ANY, x -> x[0].matmul(x[1]));
        binary("matmul matrix-vector", Set.of("matmul"), s(2, 3), s(3), ANY, ANY, x -> x[0].matmul(x[1]));
        binary("matmul dot", Set.of("matmul"), s(4), s(4), ANY, ANY, x -> x[0].matmul(x[1]));
        binary("matmul batched broadcast", Set.of("matmul"), s(2, 2, 3), s(3, 2), ANY, ANY, x -> x[0].matmul(x[1]));
        binary("matmul batched both", Set.of("matmul"), s(2, 1, 2, 3), s(3, 3, 2), ANY, ANY, x -> x[0].matmul(x[1]));
        binary("matmul A^T B", Set.of("matmul"), s(3, 2), s(3, 4), ANY, ANY, x -> x[0].matmul(x[1], true, false));
        binary("matmul A B^T", Set.of("matmul"), s(2, 3), s(4, 3), ANY, ANY, x -> x[0].matmul(x[1], false, true));
        binary("matmul A^T B^T batched", Set.of("matmul"), s(2, 3, 2), s(4, 3), ANY, ANY,
                x -> x[0].matmul(x[1], true, true));
        // reductions
        unary("sum all", Set.of("sum"), s(2, 3), ANY, x -> x[0].sum().mul(x[0].sum()));
        unary("sum axis", Set.of("sum"), s(2, 3, 2), ANY, x -> x[0].sum(1).square());
        unary("sum axes keepDims", Set.of("sum"), s(2, 3, 2), ANY, x -> x[0].sum(new int[] {0, 2}, true).mul(x[0]));
        unary("sum axis keepDims", Set.of("sum"), s(3, 2), ANY, x -> x[0].sum(-1, true).mul(x[0]));
        unary("mean", Set.of("mean"), s(2, 3), ANY, x -> x[0].mean(0).mul(x[0].mean()));
        unary("mean keepDims", Set.of("mean"), s(2, 3), ANY, x -> x[0].mean(1, true).mul(x[0]).add(x[0].mean(new int[] {0, 1}, false)));
        unary("max", Set.of("max"), s(2, 3), ANY, x -> x[0].max(1).add(x[0].max()).add(x[0].max(0, true).sum()));
        unary("max axes", Set.of("max"), s(2, 3, 2), ANY, x -> x[0].max(new int[] {0, 2}, false));
        unary("min", Set.of("min"), s(2, 3), ANY, x -> x[0].min(0).add(x[0].min()).add(x[0].min(1, true).sum()));
        unary("min axes", Set.of("min"), s(2, 3, 2), ANY, x -> x[0].min(new int[] {1, 2}, true));
        unary("variance", Set.of("variance"), s(2, 4), ANY, x -> x[0].variance(1).add(x[0].variance()));
        unary("variance population keepDims", Set.of("variance"), s(3, 2), ANY,
                x -> x[0].variance(new int[] {0}, true, 0).mul(x[0]));
        unary("logSumExp", Set.of("logSumExp"), s(2, 3), ANY, x -> x[0].logSumExp(1, false).add(x[0].logSumExp(0, true).sum()));
        unary("softmax", Set.of("softmax"), s(2, 3), ANY, x -> x[0].softmax(1).mul(x[0]));
        unary("logSoftmax", Set.of("logSoftmax"), s(3, 2), ANY, x -> x[0].logSoftmax(0).mul(x[0].sin()));
        // movement
        unary("reshape and flatten", Set.of("reshape", "flatten"), s(2, 3), ANY,
                x -> x[0].reshape(3, 2).square().flatten().mul(x[0].flatten()));
        unary("transpose", Set.of("transpose"), s(2, 3), ANY, x -> x[0].transpose().matmul(x[0]));
        unary("transpose axes", Set.of("transpose"), s(2, 3, 2), ANY, x -> x[0].transpose(0, 2).square());
        unary("permute", Set.of("permute"), s(2, 3, 2), ANY, x -> x[0].permute(2, 0, 1).sin().mul(x[0].permute(1, 2, 0).sum()));
        unary("squeeze and unsqueeze", Set.of("squeeze", "unsqueeze"), s(2, 1, 3), ANY,
                x -> x[0].squeeze().unsqueeze(0).square().squeeze(0).sum(0).mul(x[0].squeeze(1)));
        unary("broadcastTo", Set.of("broadcastTo"), s(3, 1), ANY, x -> x[0].broadcastTo(2, 3, 4).square());
        unary("sumTo", Set.of("sumTo"), s(2, 3, 4), ANY, x -> x[0].sumTo(Shape.of(3, 1)).square());
        unary("slice", Set.of("slice"), s(4, 3), ANY, x -> x[0].slice(0, 1, 4, 2).square().sum(0).add(x[0].slice(1, -2, 3).sum()));
        binary("concat", Set.of("concat"), s(2, 3), s(1, 3), ANY, ANY, x -> Variable.concat(0, x[0], x[1], x[0]).square());
        binary("stack", Set.of("stack"), s(2, 3), s(2, 3), ANY, ANY, x -> Variable.stack(1, x[0], x[1]).exp());
        unary("indexSelect", Set.of("indexSelect"), s(3, 2), ANY,
                x -> x[0].indexSelect(0, ints(x[0], new int[] {2, 0, 2}, 3)).square());
        unary("gather", Set.of("gather"), s(2, 3), ANY,
                x -> x[0].gather(1, ints(x[0], new int[] {2, 2, 0, 1}, 2, 2)).square());
        binary("indexAdd", Set.of("indexAdd"), s(3, 2), s(2, 2), ANY, ANY,
                x -> x[0].indexAdd(0, ints(x[0], new int[] {2, 2}, 2), x[1]).square());
        binary("scatterAdd", Set.of("scatterAdd"), s(2, 3), s(2, 2), ANY, ANY,
                x -> x[0].scatterAdd(1, ints(x[0], new int[] {0, 0, 2, 1}, 2, 2), x[1]).square());
        // convolution and pooling: stride > 1, dilation > 1, groups > 1, odd and asymmetric padding, size-1 axes
        conv("conv2d groups 2, stride (2,1), padding (1,0), dilation (1,2), bias", s(2, 4, 5, 4), s(4, 2, 3, 2),
                new Convolution.Options(2, 1, 1, 1, 0, 0, 1, 2, 2), true);
        conv("conv2d height 1, stride (1,2), padding (0,1)", s(1, 3, 1, 5), s(2, 3, 1, 3),
                new Convolution.Options(1, 2, 0, 0, 1, 1, 1, 1, 1), false);
        conv("conv2d same, even kernel, groups 2", s(2, 2, 4, 4), s(2, 1, 2, 2), Convolution.Options.same(2, 2, 1, 1, 2),
                true);
        Rng geometry = new Rng(19);
        for (int i = 0; i < 2; i++) randomConv(geometry, i);
        SPECS.add(new Spec("conv1d groups 2, stride 2, padding 1, dilation 2, bias", Set.of("conv1d"),
                new int[][] {s(2, 2, 7), s(4, 1, 3), s(4)}, new Domain[] {ANY, ANY, ANY},
                x -> x[0].conv1d(x[1], x[2], Convolution.Options.of1d(2, 1, 2, 2))));
        SPECS.add(new Spec("convTranspose2d groups 2, stride 2, padding 1, dilation (1,2), output padding (1,0)",
                Set.of("convTranspose2d"), new int[][] {s(2, 2, 3, 3), s(2, 2, 3, 2), s(4)}, new Domain[] {ANY, ANY, ANY},
                x -> x[0].convTranspose2d(x[1], x[2], new Convolution.Options(2, 2, 1, 1, 1, 1, 1, 2, 2), 1, 0)));
        unary("maxPool2d kernel (3,2), stride (2,1), padding 1, dilation (1,2), ceil", Set.of("maxPool2d"), s(2, 2, 5, 4),
                ANY, x -> x[0].maxPool2d(new Pooling.Options(3, 2, 2, 1, 1, 1, 1, 2, true)).square());
        unary("maxPool2d height 1, kernel (1,3), stride (1,2), padding (0,1)", Set.of("maxPool2d"), s(1, 2, 1, 5), ANY,
                x -> x[0].maxPool2d(new Pooling.Options(1, 3, 1, 2, 0, 1, 1, 1, false)).mul(x[0].slice(3, 0, 3)));
        unary("maxPool1d kernel 3, stride 2, padding 1, dilation 2, ceil", Set.of("maxPool1d"), s(2, 3, 7), ANY,
                x -> x[0].maxPool1d(Pooling.Options.of1d(3, 2, 1, 2, true)).square());
        unary("avgPool2d kernel 3, stride 2, padding 1, ceil, count_include_pad", Set.of("avgPool2d"), s(2, 2, 5, 5),
                ANY, x -> x[0].avgPool2d(Pooling.Options.of(3, 2, 1, 1, true), true).square());
        unary("avgPool2d kernel (2,3), stride (2,1), padding 1, without padding", Set.of("avgPool2d"), s(1, 2, 4, 3),
                ANY, x -> x[0].avgPool2d(new Pooling.Options(2, 3, 2, 1, 1, 1, 1, 1, false), false).sin());
        unary("adaptiveAvgPool2d (5,7) to (3,4)", Set.of("adaptiveAvgPool2d"), s(2, 2, 5, 7), ANY,
                x -> x[0].adaptiveAvgPool2d(3, 4).square());
        unary("adaptiveAvgPool2d (1,4) to (1,1)", Set.of("adaptiveAvgPool2d"), s(1, 2, 1, 4), ANY,
                x -> x[0].adaptiveAvgPool2d(1, 1).mul(x[0].sum()));
        // recurrences over whole sequences: with and without bias and lengths, then random geometries
        scan("rnnScan tanh T 3, B 2, H 2, bias", Set.of("rnnScan"), 3, 2, 2, 1, true, null,
                x -> Variable.rnnScan(x[0], x[1], x[2], x[3], false, null));
        scan("rnnScan relu T 3, B 2, H 3, lengths (3, 1)", Set.of("rnnScan"), 3, 2, 3, 1, true, new int[] {3, 1},
                x -> Variable.rnnScan(x[0], x[1], x[2], x[3], true, new int[] {3, 1}));
        scan("lstmScan T 3, B 2, H 2, bias", Set.of("lstmScan"), 3, 2, 2, 4, true, null,
                x -> Variable.lstmScan(x[0], x[1], x[2], x[3], x[4], null));
        scan("lstmScan T 4, B 3, H 2, no bias, lengths (2, 4, 1)", Set.of("lstmScan"), 4, 3, 2, 4, false,
                new int[] {2, 4, 1}, x -> Variable.lstmScan(x[0], x[1], x[2], x[3], null, new int[] {2, 4, 1}));
        scan("gruScan T 3, B 2, H 2, bias", Set.of("gruScan"), 3, 2, 2, 3, true, null,
                x -> Variable.gruScan(x[0], x[1], x[2], x[3], null));
        scan("gruScan T 3, B 2, H 2, no bias, lengths (1, 3)", Set.of("gruScan"), 3, 2, 2, 3, false, new int[] {1, 3},
                x -> Variable.gruScan(x[0], x[1], x[2], null, new int[] {1, 3}));
        Rng recurrent = new Rng(23);
        for (int i = 0; i < 3; i++) randomScan(recurrent, i);
        // attention: batched products, softmax over -inf (masked) scores, and the two together, on random shapes
        Rng attention = new Rng(23);
        for (int i = 0; i < 2; i++) randomAttention(attention, i);
    }

    /**
     * A recurrence row: inputs xp (T, B, G H), h0 (B, H), c0 (B, H) for the LSTM (G = 4), W_hh (G H, H) and, with
     * {@code bias}, b_hh; values in [-1, 1] so that the gates are not saturated.
     */
    private static void scan(String label, Set<String> covers, int steps, int batch, int hidden, int gates,
                             boolean bias, int[] lengths, GradCheck.Fn fn) {
        List<int[]> shapes = new ArrayList<>(List.of(s(steps, batch, gates * hidden), s(batch, hidden)));
        if (gates == 4) shapes.add(s(batch, hidden));
        shapes.add(s(gates * hidden, hidden));
        if (bias) shapes.add(s(gates * hidden));
        Domain[] domains = new Domain[shapes.size()];
        java.util.Arrays.fill(domains, UNIT);
        SPECS.add(new Spec(label, covers, shapes.toArray(int[][]::new), domains, fn));
    }

    /** A recurrence row of a random cell, length, batch, hidden size, bias and lengths. */
    private static void randomScan(Rng rng, int i) {
        int steps = 1 + rng.nextInt(4), batch = 1 + rng.nextInt(3), hidden = 1 + rng.nextInt(3);
        boolean bias = rng.nextInt(2) == 0;
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[b] = 1 + rng.nextInt(steps);
        int kind = rng.nextInt(3);
        String geometry = " random " + i + ": T " + steps + ", B " + batch + ", H " + hidden + ", bias " + bias
                + ", lengths " + java.util.Arrays.toString(lengths);
        switch (kind) {
            case 0 -> scan("rnnScan tanh" + geometry, Set.of("rnnScan"), steps, batch, hidden, 1, bias, lengths,
                    x -> Variable.rnnScan(x[0], x[1], x[2], bias ? x[3] : null, false, lengths));
            case 1 -> scan("lstmScan" + geometry, Set.of("lstmScan"), steps, batch, hidden, 4, bias, lengths,
                    x -> Variable.lstmScan(x[0], x[1], x[2], x[3], bias ? x[4] : null, lengths));
            default -> scan("gruScan" + geometry, Set.of("gruScan"), steps, batch, hidden, 3, bias, lengths,
                    x -> Variable.gruScan(x[0], x[1], x[2], bias ? x[3] : null, lengths));
        }
    }

    /** A conv2d row, squared so that second derivatives are not all zero. */
    private static void conv(String label, int[] x, int[] w, Convolution.Options o, boolean bias) {
        int[][] shapes = bias ? new int[][] {x, w, s(w[0])} : new int[][] {x, w};
        Domain[] domains = bias ? new Domain[] {ANY, ANY, ANY} : new Domain[] {ANY, ANY};
        SPECS.add(new Spec(label, Set.of("conv2d"), shapes, domains,
                in -> in[0].conv2d(in[1], bias ? in[2] : null, o).square()));
    }

    /** A conv2d row on a random small geometry whose kernel fits its padded input. */
    private static void randomConv(Rng rng, int i) {
        while (true) {
            int groups = 1 + rng.nextInt(2), cg = 1 + rng.nextInt(2), og = 1 + rng.nextInt(2);
            int h = 1 + rng.nextInt(4), w = 1 + rng.nextInt(4), kh = 1 + rng.nextInt(3), kw = 1 + rng.nextInt(3);
            Convolution.Options o = new Convolution.Options(1 + rng.nextInt(2), 1 + rng.nextInt(2), rng.nextInt(2),
                    rng.nextInt(2), rng.nextInt(2), rng.nextInt(2), 1 + rng.nextInt(2), 1 + rng.nextInt(2), groups);
            if (o.outHeight(h, kh) < 1 || o.outWidth(w, kw) < 1) continue;
            conv("conv2d random " + i + " " + o, s(1 + rng.nextInt(2), groups * cg, h, w), s(groups * og, cg, kh, kw), o,
                    rng.nextInt(2) == 0);
            return;
        }
    }

    /**
     * Rows on a random small geometry (batch, queries L, keys S, head size d): a batched product with transpose
     * flags, a softmax over scores with -inf at masked keys (every row keeps one key), and scaled dot-product
     * attention {@code softmax(q k^T / sqrt(d) + mask) v} with that mask.
     */
    private static void randomAttention(Rng rng, int i) {
        int b = 1 + rng.nextInt(3), l = 1 + rng.nextInt(3), n = 1 + rng.nextInt(3), d = 1 + rng.nextInt(3);
        String geometry = " random " + i + " (batch " + b + ", L " + l + ", S " + n + ", d " + d + ")";
        binary("matmul batched A B^T" + geometry, Set.of("matmul"), s(b, l, d), s(b, n, d), ANY, ANY,
                x -> x[0].matmul(x[1], false, true).square());
        double[] mask = new double[l * n];
        for (int r = 0; r < l; r++) {
            int kept = rng.nextInt(n);
            for (int c = 0; c < n; c++) mask[r * n + c] = c != kept && rng.nextInt(2) == 0 ? Double.NEGATIVE_INFINITY : 0;
        }
        unary("softmax over -inf masked scores" + geometry, Set.of("softmax"), s(b, l, n), ANY,
                x -> x[0].add(constant(x[0], mask, l, n)).softmax(-1).mul(x[0].sin()));
        SPECS.add(new Spec("scaled dot-product attention with a -inf mask" + geometry, Set.of("matmul", "softmax"),
                new int[][] {s(b, l, d), s(b, n, d), s(b, n, d)}, new Domain[] {ANY, ANY, ANY},
                x -> x[0].div(Math.sqrt(d)).matmul(x[1], false, true).add(constant(x[0], mask, l, n)).softmax(-1)
                        .matmul(x[2])));
    }

    static List<Spec> all() {
        return List.copyOf(SPECS);
    }
}
