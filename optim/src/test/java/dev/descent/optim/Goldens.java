package dev.descent.optim;

import dev.descent.core.testing.TestBackends;
import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;
import dev.descent.optim.clip.Clipping;
import dev.descent.optim.clip.GradClip;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the reference files written by {@code src/test/python/generate_goldens.py} and replays optimiser
 * trajectories on Descent: the problem {@code mean((X w + b - Y)^2) + 0.1 sum(w^4)}, ten steps.
 */
public final class Goldens {
    private Goldens() {
    }

    /** Every backend on the class path. */
    public static List<Backend> backends() {
        return TestBackends.all();
    }

    /** The lines of a golden file, split into tokens. */
    public static List<String[]> lines(String file) {
        InputStream in = Goldens.class.getResourceAsStream("/goldens/" + file);
        if (in == null) throw new IllegalStateException("missing test resource /goldens/" + file);
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) out.add(line.trim().split(" "));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A tensor written as {@code RANK DIMS... VALUES...} from token {@code from}. */
    public static Tensor tensor(String[] t, int from, Backend backend, DType dtype) {
        int rank = Integer.parseInt(t[from]);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = Integer.parseInt(t[from + 1 + i]);
        double[] v = doubles(t, from + 1 + rank, Shape.of(dims).size());
        Tensor x = Tensor.on(backend, DType.FLOAT64).of(v, dims);
        return x.to(dtype);
    }

    public static double[] doubles(String[] t, int from, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = num(t[from + i]);
        return v;
    }

    /** A number as Python prints it ({@code inf}, {@code -inf} and {@code nan} included). */
    public static double num(String text) {
        return switch (text) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    public static double[] doubles(String[] t, int from) {
        return doubles(t, from, t.length - from);
    }

    /** One optimiser trajectory. */
    public record Case(String name, String optimizer, Map<String, String> options, String[] clip,
                       List<double[]> steps) {
    }

    /** The problem's data and the cases of an optimiser golden file. */
    public record Trajectories(Map<String, String[]> data, List<Case> cases) {
    }

    public static Trajectories trajectories(String file) {
        Map<String, String[]> data = new LinkedHashMap<>();
        List<Case> cases = new ArrayList<>();
        Case current = null;
        for (String[] t : lines(file)) {
            switch (t[0]) {
                case "data" -> data.put(t[1], Arrays.copyOfRange(t, 2, t.length));
                case "case" -> current = new Case(t[1], t[2], new LinkedHashMap<>(), null, new ArrayList<>());
                case "option" -> current.options().put(t[1], t[2]);
                case "clip" -> current = new Case(current.name(), current.optimizer(), current.options(),
                        Arrays.copyOfRange(t, 1, t.length), current.steps());
                case "step" -> current.steps().add(doubles(t, 2));
                case "end" -> cases.add(current);
                default -> throw new IllegalStateException("unknown line in " + file + ": " + t[0]);
            }
        }
        return new Trajectories(data, cases);
    }

    /** The test problem on one backend and dtype: parameters w, b and the loss. */
    public static final class Problem {
        final Tensor x, y;
        public final Variable w, b;

        public Problem(Trajectories tr, Backend backend, DType dtype) {
            x = tensor(tr.data().get("X"), 0, backend, dtype);
            y = tensor(tr.data().get("Y"), 0, backend, dtype);
            w = Variable.parameter(tensor(tr.data().get("w0"), 0, backend, dtype).copy());
            b = Variable.parameter(tensor(tr.data().get("b0"), 0, backend, dtype).copy());
        }

        public List<Variable> params() {
            return List.of(w, b);
        }

        /** Computes the gradients of the loss afresh. */
        public void backward() {
            w.zeroGrad();
            b.zeroGrad();
            Variable r = Variable.constant(x).matmul(w).add(b).sub(Variable.constant(y));
            r.square().mean().add(w.pow(4).sum().mul(0.1)).backward();
        }

        /** w and b, flattened and joined. */
        public double[] values() {
            double[] a = w.value().toDoubleArray(), c = b.value().toDoubleArray();
            double[] out = Arrays.copyOf(a, a.length + c.length);
            System.arraycopy(c, 0, out, a.length, c.length);
            return out;
        }
    }

    /** The default options of optimiser {@code kind} with the named hyper-parameters replaced, from the registry. */
    public static Optimizer<?> optimizer(String kind, Map<String, String> overrides, List<Variable> params) {
        Map<String, String> hyper = new LinkedHashMap<>(overrides);
        if (kind.equals("SGD")) hyper.putIfAbsent("lr", "0.01");
        return Optimizers.byName(kind, params, hyper);
    }

    /**
     * Replays {@code c} on the problem: ten steps, clipping before each (attached to the optimiser, or through
     * {@link GradClip} on the variables when {@code standaloneClip}); returns the worst relative error against the
     * reference, after asserting it is below {@code tol}.
     */
    public static double replay(Case c, Trajectories tr, Backend backend, DType dtype, boolean standaloneClip,
                                double tol) {
        Problem p = new Problem(tr, backend, dtype);
        Optimizer<?> opt = optimizer(c.optimizer(), c.options(), p.params());
        String[] clip = c.clip();
        if (!standaloneClip && clip[0].equals("norm")) {
            opt.clipping(Clipping.norm(num(clip[1]), num(clip[2])));
        } else if (!standaloneClip && clip[0].equals("value")) {
            opt.clipping(Clipping.value(num(clip[1])));
        }
        double worst = 0;
        for (int k = 0; k < c.steps().size(); k++) {
            p.backward();
            if (standaloneClip && clip[0].equals("norm")) {
                GradClip.clipGradNorm(p.params(), num(clip[1]), num(clip[2]));
            } else if (standaloneClip && clip[0].equals("value")) {
                GradClip.clipGradValue(p.params(), num(clip[1]));
            }
            opt.step();
            double[] got = p.values(), want = c.steps().get(k);
            if (got.length != want.length) throw new AssertionError(c.name() + ": sizes differ");
            for (int i = 0; i < got.length; i++) {
                double err = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-3);
                worst = Math.max(worst, err);
                if (!(err <= tol)) {
                    throw new AssertionError(c.name() + " on " + backend.name() + " " + dtype + ": step " + (k + 1)
                            + ", element " + i + ": expected " + want[i] + ", got " + got[i] + " (relative error "
                            + err + " > " + tol + ")");
                }
            }
        }
        return worst;
    }
}
