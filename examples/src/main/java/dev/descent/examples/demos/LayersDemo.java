package dev.descent.examples.demos;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.RunContext;
import dev.descent.examples.plot.ImageGridPlot;
import dev.descent.examples.plot.Plots;
import dev.descent.examples.report.Figure;
import dev.descent.nn.Module;
import dev.descent.nn.activations.Softmax;
import dev.descent.nn.init.Initializers;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static dev.descent.examples.demos.InitDemo.fmt;

/**
 * The lecture's "Deep L-layer neural network": layer 0 is the input, layers 1 to L−1 are hidden, layer L is the
 * output; each neuron splits into a pre-activation {@code Z^[l] = W^[l]·A^[l−1] + b^[l]} and an activation
 * {@code A^[l] = f^[l](Z^[l])}, superscripts for layers and subscripts for neurons. The demo runs a small network,
 * built from the library's {@link Linear} layers, on a handful of samples and shows each layer's Z and A as a table
 * and a heat map, with the shapes of W^[l] and b^[l].
 *
 * <p>Descent keeps one sample per row and stores a weight as {@code (fan_in, fan_out)}, so {@code W^[l]} is
 * {@code n_(l−1) × n_l} and the layer computes {@code Z^[l] = A^[l−1] W^[l] + b^[l]} for all m samples at once,
 * an {@code m × n_l} matrix whose row i is sample i's pre-activations and whose column j is neuron j's.
 *
 * <pre>{@code
 * LayersDemo.Outcome o = new LayersDemo(LayersDemo.Config.defaults()).forward(ctx);
 * o.layers().get(1).z();   // Z^[1], samples x neurons
 * }</pre>
 */
public final class LayersDemo implements Demo {
    /**
     * @param sizes      n_0 (inputs), n_1 ... n_(L−1) (hidden), n_L (outputs)
     * @param samples    m, the number of samples
     * @param activation the hidden layers' activation; the output layer's is softmax
     */
    public record Config(List<Integer> sizes, int samples, String activation) {
        public Config {
            sizes = List.copyOf(sizes);
            if (sizes.size() < 2 || samples < 1 || samples > 64) {
                throw new IllegalArgumentException("LayersDemo: expected at least an input and an output size and 1..64 "
                        + "samples, got " + sizes + " and " + samples);
            }
            for (int n : sizes) if (n < 1 || n > 64) throw new IllegalArgumentException("LayersDemo: sizes must be 1..64, got " + sizes);
            Fits.activation(activation);
        }

        public static Config defaults() {
            return new Config(List.of(3, 4, 4, 2), 5, "relu");
        }
    }

    /**
     * Layer {@code l}: its weight {@code w} ({@code n_(l−1) × n_l}, row-major) and bias {@code b} ({@code n_l}), both
     * empty for layer 0, its pre-activation {@code z} and activation {@code a} ({@code m × n_l}; z is empty for
     * layer 0, whose A is the input X), and the activation's name.
     */
    public record Layer(int l, int fanIn, int units, double[] w, double[] b, double[][] z, double[][] a, String f) {
        public String weightShape() {
            return l == 0 ? "" : fanIn + " \u00d7 " + units;
        }
    }

    /** Layers 0 to L. */
    public record Outcome(List<Layer> layers) {
    }

    private final Config config;

    public LayersDemo(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "layers";
    }

    @Override
    public String title() {
        return "The deep L-layer network, layer by layer";
    }

    /** The network (hidden layers with the activation, a softmax output) on {@link Config#samples()} random inputs. */
    public Sequential network(RunContext ctx, Rng rng) {
        TensorFactory f = Tensor.on(ctx.backend(), ctx.dtype());
        Sequential model = new Sequential();
        List<Integer> n = config.sizes();
        for (int l = 1; l < n.size(); l++) {
            model.add(new Linear(f, n.get(l - 1), n.get(l), true, Initializers.linearDefaultWeight(),
                    Initializers.uniform(-0.5, 0.5), rng));
            model.add(l == n.size() - 1 ? new Softmax(-1) : Fits.activation(config.activation()).get());
        }
        return model;
    }

    /** Builds the network and runs it on standard-normal inputs, keeping every layer's Z and A. */
    public Outcome forward(RunContext ctx) {
        Rng rng = ctx.rng();
        Sequential model = network(ctx, rng);
        int m = config.samples(), n0 = config.sizes().get(0);
        double[] x = new double[m * n0];
        for (int i = 0; i < x.length; i++) x[i] = Math.round(100 * rng.nextGaussian()) / 100.0;
        Tensor input = Tensor.on(ctx.backend(), ctx.dtype()).of(x, m, n0);
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer(0, 0, n0, new double[0], new double[0], new double[0][], rows(input), "input"));
        try (NoGrad g = NoGrad.enter()) {
            List<Sequential.Step> steps = model.trace(Variable.constant(input));
            for (int k = 0; k < steps.size(); k += 2) {
                Linear linear = (Linear) steps.get(k).layer();
                Module f = steps.get(k + 1).layer();
                layers.add(new Layer(k / 2 + 1, linear.inFeatures(), linear.outFeatures(), values(linear.weight().value()),
                        values(linear.bias().value()), rows(steps.get(k).output().value()),
                        rows(steps.get(k + 1).output().value()), f instanceof Softmax ? "softmax" : config.activation()));
            }
        }
        return new Outcome(layers);
    }

    private static double[] values(Tensor t) {
        return t.to(DType.FLOAT64).toDoubleArray();
    }

    private static double[][] rows(Tensor t) {
        double[] v = values(t);
        int cols = t.dim(1);
        double[][] out = new double[t.dim(0)][];
        for (int i = 0; i < out.length; i++) out[i] = Arrays.copyOfRange(v, i * cols, (i + 1) * cols);
        return out;
    }

    // ---------------------------------------------------------------- report

    @Override
    public DemoResult run(RunContext ctx) {
        return report(ctx, forward(ctx));
    }

    public DemoResult report(RunContext ctx, Outcome o) {
        List<Layer> layers = o.layers();
        int L = layers.size() - 1;
        String sizes = layers.stream().map(l -> "n_" + l.l() + " = " + l.units()).collect(Collectors.joining(", "));
        DemoResult.Builder r = DemoResult.builder(title()).lead(String.format(Locale.ROOT,
                "The lecture's notation: the input is layer 0, the network has L \u2212 1 hidden layers and the output "
                        + "is layer L; each neuron computes a pre-activation Z^[l] = W^[l]\u00b7A^[l\u22121] + b^[l] and an "
                        + "activation A^[l] = f^[l](Z^[l]), superscripts for layers and subscripts for neurons "
                        + "(Z^[l]_j is neuron j of layer l). Here L = %d (%s), %s in the hidden layers and softmax at "
                        + "the output, on m = %d samples. Descent keeps one sample per row and stores each weight as "
                        + "(fan_in, fan_out), so W^[l] is n_(l\u22121) \u00d7 n_l and the layer computes all samples at "
                        + "once as A^[l\u22121] W^[l] + b^[l], an m \u00d7 n_l matrix (row i: sample i, column j: "
                        + "neuron j).", L, sizes, config.activation(), config.samples()));
        for (Layer l : layers) {
            if (l.l() == 0) {
                table(r, "A^[0] = X", l.a());
                continue;
            }
            r.measurement("W^[" + l.l() + "] shape (n_" + (l.l() - 1) + " \u00d7 n_" + l.l() + ")", l.weightShape());
            r.measurement("b^[" + l.l() + "] shape (n_" + l.l() + ")", Integer.toString(l.units()));
            table(r, "Z^[" + l.l() + "]", l.z());
            table(r, "A^[" + l.l() + "] = " + l.f() + "(Z^[" + l.l() + "])", l.a());
        }
        Layer out = layers.get(L);
        r.summary("L = " + L + ": " + sizes);
        for (int i = 0; i < out.a().length; i++) r.summary("sample " + (i + 1) + ": A^[" + L + "] = " + row(out.a()[i]));
        for (Layer l : layers) r.figure(heatMap(ctx, l));
        return r.build();
    }

    private static void table(DemoResult.Builder r, String what, double[][] m) {
        for (int i = 0; i < m.length; i++) r.measurement(what + ", sample " + (i + 1), row(m[i]));
    }

    private static String row(double[] v) {
        return Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.3f", x)).collect(Collectors.joining("  "));
    }

    private Figure heatMap(RunContext ctx, Layer l) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        List<double[][]> shown = l.l() == 0 ? List.<double[][]>of(l.a()) : List.of(l.z(), l.a());
        for (double[][] m : shown) for (double[] row : m) for (double v : row) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(hi > lo)) hi = lo + 1;
        ImageGridPlot p = Plots.imageGrid(l.l() == 0 ? "Layer 0: the input A^[0] = X" : "Layer " + l.l() + ": Z^[" + l.l()
                                + "] and A^[" + l.l() + "]", "rows: samples 1.." + l.a().length + ", columns: neurons 1.."
                                + l.units() + "; black " + fmt(lo) + ", white " + fmt(hi), "layer " + l.l())
                .valueRange(lo, hi).columns(2).size(600, 420);
        if (l.l() == 0) {
            p.image(flat(l.a()), l.a().length, l.units(), "X", l.a().length + " \u00d7 " + l.units(), false);
        } else {
            String shape = l.a().length + " \u00d7 " + l.units();
            p.image(flat(l.z()), l.z().length, l.units(), "Z^[" + l.l() + "] (pre-activation)", shape, false);
            p.image(flat(l.a()), l.a().length, l.units(), "A^[" + l.l() + "] = " + l.f() + "(Z)", shape, false);
        }
        String point = l.l() == 0 ? "Layer 0 is the input: n_0 features of each sample, nothing computed."
                : "Each neuron splits into a pre-activation Z^[" + l.l() + "]_j = (W^[" + l.l() + "]\u00b7A^[" + (l.l() - 1)
                + "] + b^[" + l.l() + "])_j and an activation A^[" + l.l() + "]_j = " + l.f() + "(Z^[" + l.l() + "]_j).";
        String measured = l.l() == 0 ? "X is " + l.a().length + " \u00d7 " + l.units()
                : String.format(Locale.ROOT, "W^[%d] is %s, b^[%d] has %d values; Z^[%d] spans %s to %s, A^[%d] %s to %s",
                        l.l(), l.weightShape(), l.l(), l.units(), l.l(), fmt(min(l.z())), fmt(max(l.z())), l.l(),
                        fmt(min(l.a())), fmt(max(l.a())));
        return ctx.figure(p, "layer" + l.l() + ".png", point, measured);
    }

    private static double[] flat(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }

    private static double min(double[][] m) {
        return Arrays.stream(flat(m)).min().orElse(Double.NaN);
    }

    private static double max(double[][] m) {
        return Arrays.stream(flat(m)).max().orElse(Double.NaN);
    }
}
