package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied in order; the children are named {@code 0, 1, 2, ...} so parameters read {@code 0.weight},
 * {@code 2.bias}, as in PyTorch. {@link #trace} returns every layer's output, which is how the lecture's
 * pre-activations {@code Z} and activations {@code A} are inspected.
 *
 * <pre>{@code
 * Sequential net = new Sequential(new Linear(2, 16, rng), new ReLU(), new Linear(16, 1, rng), new Sigmoid());
 * Variable y = net.apply(x);
 * List<Sequential.Step> steps = net.trace(x);   // Z1, A1, Z2, A2
 * }</pre>
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /** One layer's output in a {@link #trace}. */
    public record Step(String name, Module layer, Variable output) {
    }

    public Sequential(Module... layers) {
        for (Module m : layers) add(m);
    }

    /** Appends a layer. */
    public Sequential add(Module layer) {
        layers.add(register(Integer.toString(layers.size()), layer));
        return this;
    }

    public List<Module> layers() {
        return List.copyOf(layers);
    }

    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Variable forward(Variable x) {
        for (Module m : layers) x = m.apply(x);
        return x;
    }

    /** Runs the layers in order and returns each layer's output. */
    public List<Step> trace(Variable x) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).apply(x);
            steps.add(new Step(Integer.toString(i), layers.get(i), x));
        }
        return steps;
    }

    @Override
    protected String describe() {
        return "Sequential";
    }
}
