package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.demos.Fits;
import dev.descent.examples.demos.LayersDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/** {@code descent layers}: each layer's Z and A of a small L-layer network, in the lecture's notation. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        header = "The deep L-layer network, layer by layer",
        description = {"A small L-layer network on a handful of samples: each layer's pre-activation",
                "Z^[l] = W^[l]\u00b7A^[l-1] + b^[l] and activation A^[l] = f(Z^[l]) as a table and a heat map, with the",
                "shapes of W^[l] (n_(l-1) x n_l) and b^[l]."})
public final class LayersCommand extends DemoCommand {
    @Option(names = "--sizes", split = ",", paramLabel = "N",
            description = "n_0 (inputs), the hidden widths, n_L (outputs), each 1..64 (default: ${DEFAULT-VALUE}).")
    public List<Integer> sizes = LayersDemo.Config.defaults().sizes();

    @Option(names = "--samples", paramLabel = "M", description = "Samples, 1..64 (default: ${DEFAULT-VALUE}).")
    public int samples = LayersDemo.Config.defaults().samples();

    @Option(names = "--activation", paramLabel = "NAME",
            description = "Hidden activation: sigmoid, tanh, relu, leaky-relu, gelu (default: ${DEFAULT-VALUE}).")
    public String activation = LayersDemo.Config.defaults().activation();

    @Override
    protected void validate() {
        if (sizes.size() < 2) throw usageError("Invalid value for option '--sizes': expected at least 2 sizes, got " + sizes);
        for (int n : sizes) {
            if (n < 1 || n > 64) throw usageError("Invalid value for option '--sizes': expected 1..64, got " + n);
        }
        if (samples < 1 || samples > 64) throw usageError("Invalid value for option '--samples': expected 1..64, got " + samples);
        requireChoices("--activation", List.of(activation), Fits.ACTIVATIONS);
    }

    @Override
    protected Demo demo() {
        return new LayersDemo(new LayersDemo.Config(sizes, samples, activation.toLowerCase(Locale.ROOT)));
    }
}
